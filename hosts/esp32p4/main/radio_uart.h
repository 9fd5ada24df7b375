/* The UART to the radio co-processor (docs/radio-link.md), the P4's side: the UART driver with port,
 * pins and baud rate from Kconfig (main/Kconfig.peripherals), and the portable radio link
 * (radio_link.h) writing to it. No framing happens here: app_main reads bytes with radio_uart_read
 * and passes them to radio_link_receive under the home base lock.
 *
 * Only hardware can show that the pins reach the co-processor and that the chosen baud rate is
 * reliable over the board's traces. */
#ifndef RADIO_UART_H
#define RADIO_UART_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "hb_clock.h"
#include "radio_link.h"

/* Installs the UART driver, then calls radio_link_init on `link` with a writer that writes to the
 * UART, which sends the home base's version message. Returns ESP_OK, or the error of the UART call
 * that failed (the driver is removed again and `link` is left untouched). Call once. */
esp_err_t radio_uart_start(radio_link_t *link, const hb_clock_t *clock);

/* Reads up to `cap` received bytes into `bytes`, waiting at most `wait_ms` for the first. Returns the
 * number of bytes read, 0 on timeout, or -1 on error (before radio_uart_start or a driver error). */
int radio_uart_read(uint8_t *bytes, size_t cap, uint32_t wait_ms);

#endif
