/* ESP-NOW for the co-processor: received frames go to the link task's queue, and frames are sent
 * one at a time. ESP-IDF's ESP-NOW guide advises waiting for a send's callback before the next
 * send, because close sends may report their results out of order, so coproc_espnow_send blocks
 * until the callback comes or COPROC_ESPNOW_SEND_TIMEOUT_MS passes.
 *
 * Only hardware can show the real callback delays, RSSI values and peer-table behaviour. */
#ifndef COPROC_ESPNOW_H
#define COPROC_ESPNOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "link_message.h"

/* How long a send waits for ESP-NOW's send callback before it counts as failed.
 * NOTE: an estimate, not measured on hardware. A 250-byte frame takes about 2 ms on the air at
 * ESP-NOW's default 1 Mbit/s, so 100 ms leaves room for retries on a busy channel. */
#define COPROC_ESPNOW_SEND_TIMEOUT_MS 100

/* Frames the receive callback could not pass on. */
typedef struct {
    uint32_t queue_full; /* the link task's queue had no room */
    uint32_t invalid;    /* empty, longer than LINK_FRAME_MAX_LEN (an ESP-NOW v2 sender), or no source */
} coproc_espnow_drops_t;

/* Initializes ESP-NOW on the started Wi-Fi (coproc_wifi_start) and registers its callbacks.
 * Frames heard are copied into `events` as COPROC_EVENT_FRAME_HEARD items. Peers are added on
 * `channel`, which must be the Wi-Fi channel. Returns ESP_OK or the error of the call that failed. */
esp_err_t coproc_espnow_start(QueueHandle_t events, uint8_t channel);

/* Adds `mac` to ESP-NOW's peer list, unencrypted, on the station interface. Returns 0 (also when
 * it is a peer already) or -1. */
int coproc_espnow_add_peer(const uint8_t mac[LINK_MAC_LEN]);

/* Removes `mac` from ESP-NOW's peer list. Returns 0 (also when it is no peer) or -1. */
int coproc_espnow_remove_peer(const uint8_t mac[LINK_MAC_LEN]);

/* Sends `frame` (1 to LINK_FRAME_MAX_LEN bytes) to the peer `mac` and waits for the result.
 * Returns -1 when esp_now_send failed, otherwise 0. `delivered` is then true only when ESP-NOW
 * reported success in time. For a unicast send, success means that the receiver's MAC layer
 * acknowledged the frame. Call from one task only. */
int coproc_espnow_send(const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame, size_t len,
                       bool *delivered);

/* Copies the receive callback's drop counters to `drops`. */
void coproc_espnow_get_drops(coproc_espnow_drops_t *drops);

#endif
