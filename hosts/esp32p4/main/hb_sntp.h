/* The home base's clock from SNTP (esp_netif_sntp) with the servers from Kconfig (Home base > SNTP
 * servers). Time beacons, the replay checks and command freshness all need the real time, so until
 * the first synchronisation hb_sntp_time_is_set() is false and the command path refuses commands
 * with TIME_NOT_SET (commands_set_time_check).
 *
 * The flag starts false at every start, even when the system clock already reads a valid time, so
 * commands wait for a fresh synchronisation. Only hardware on a network can show that the servers
 * respond. */
#ifndef HB_SNTP_H
#define HB_SNTP_H

#include <stdbool.h>

#include "esp_err.h"
#include "hb_clock.h"

/* Unix seconds from the system time that SNTP sets (time()). */
extern const hb_clock_t hb_sntp_clock;

/* Starts SNTP. Needs esp_netif_init() first; the first request goes out once Ethernet has an
 * address. Returns ESP_OK, or the error of esp_netif_sntp_init. Call once. */
esp_err_t hb_sntp_start(void);

/* True once SNTP has set the time since this start. Safe from any task. */
bool hb_sntp_time_is_set(void);

#endif
