/* The link task: the only task that touches the co-processor's link state (radio_coproc.c). It
 * takes frames heard and UART bytes from its queue, passes them to radio_coproc, sends heartbeats
 * and maps radio_coproc's port to the ESP-NOW and UART adapters. */
#ifndef COPROC_LINK_H
#define COPROC_LINK_H

#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"

/* Items the queue holds: frames heard and pieces of UART input waiting for the link task. */
#define COPROC_LINK_QUEUE_LEN 16

/* Sets up radio_coproc, which sends the version message to the home base, and starts the task
 * that reads `events`. Call after coproc_uart_start and coproc_espnow_start. Returns ESP_OK, or
 * ESP_ERR_INVALID_ARG for a heartbeat interval radio_coproc rejects, or ESP_ERR_NO_MEM. */
esp_err_t coproc_link_start(QueueHandle_t events);

#endif
