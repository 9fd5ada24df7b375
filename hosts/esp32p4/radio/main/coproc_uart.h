/* The UART to the home base (docs/radio-link.md), the co-processor's side: ESP-IDF's UART driver
 * with the port, pins and baud rate from Kconfig, and a reader task that copies received bytes
 * into the link task's queue. No framing happens here: radio_coproc.c decodes and encodes.
 *
 * Only hardware can show that the pins reach the home base and that the baud rate is reliable
 * over the wires or the board's traces. */
#ifndef COPROC_UART_H
#define COPROC_UART_H

#include <stddef.h>
#include <stdint.h>

#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"

/* Installs the UART driver and starts the reader task, which copies bytes into `events` as
 * COPROC_EVENT_UART_BYTES items. Returns ESP_OK, or the error of the call that failed (the driver
 * is removed again). Call once. */
esp_err_t coproc_uart_start(QueueHandle_t events);

/* Copies `len` bytes into the driver's TX buffer, waiting while it is full. Returns 0, or -1 when
 * the driver took fewer bytes. Call from one task only, so messages do not interleave. */
int coproc_uart_write(const uint8_t *bytes, size_t len);

#endif
