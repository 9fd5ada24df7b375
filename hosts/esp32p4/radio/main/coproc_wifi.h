/* Wi-Fi for ESP-NOW only: the station interface started on a fixed channel, never associated with
 * an access point. No esp_netif interface is created, so the Wi-Fi driver carries no IP traffic and
 * is never an uplink.
 *
 * Only hardware can show that ESP-NOW frames are heard and sent on that channel. */
#ifndef COPROC_WIFI_H
#define COPROC_WIFI_H

#include <stdint.h>

#include "esp_err.h"

/* Initializes NVS (the Wi-Fi driver stores PHY calibration data in it) and the default event loop,
 * then starts Wi-Fi in station mode on `channel` with power saving off. `channel` is 1 to 11, the
 * channels that ESP-IDF's default country information allows. Returns ESP_OK, or the error of the
 * first call that failed. Call once, before coproc_espnow_start. */
esp_err_t coproc_wifi_start(uint8_t channel);

#endif
