/* Ethernet, the home base's only uplink: the ESP32-P4's internal EMAC and an IP101 PHY over RMII,
 * with pins, the PHY address and the address mode (DHCP or static) from Kconfig
 * (main/Kconfig.peripherals). The adapter has no protocol logic: it brings the interface up and
 * records the link and IP events for the status screen and the status API.
 *
 * Only hardware can show that the pins, the PHY address and the 50 MHz reference clock from the PHY
 * are right for a given board, and that DHCP and link changes behave on a real network. */
#ifndef ETH_ADAPTER_H
#define ETH_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>

#include "esp_err.h"

/* Enough for "255.255.255.255" and its terminating NUL. */
#define ETH_ADAPTER_IP_TEXT_LEN 16

/* Installs the EMAC, PHY and esp_netif glue and starts the driver. Needs esp_netif_init() and the
 * default event loop first (app_main does both). Returns ESP_OK, or the error of the first call that
 * failed, with everything it had created released again. Call once. */
esp_err_t eth_adapter_start(void);

/* True between a link-up event and the next link-down event. Safe from any task. */
bool eth_adapter_link_up(void);

/* Writes the interface's IPv4 address as dotted text into `out` (at most `len` bytes, always
 * NUL-terminated when `len` > 0). It is "0.0.0.0" before an address is set, while the link is
 * down and after the address is lost. Safe from any task. */
void eth_adapter_ip_text(char *out, size_t len);

#endif
