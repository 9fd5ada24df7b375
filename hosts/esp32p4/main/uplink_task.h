/* The uplink sender's task on the ESP32-P4: the FreeRTOS side of uplink_sender.h, as
 * linux/uplink_thread.c is for the simulator. The task runs rounds of sending and waits between
 * them on its task notification, which uplink_task_wake gives whenever the home base spools a
 * batch or an outbox takes an entry. The main task meanwhile keeps reading the radio UART: a post
 * that waits on the network (up to CONFIG_HB_UPLINK_TIMEOUT_MS for each step) holds no lock.
 *
 * Nothing is sent before SNTP has set the clock, because every request is signed with a
 * timestamp and after power-up the clock starts at 1970. The task never stops: the home base
 * stops only by restarting. Only hardware can show the stack it needs (UPLINK_TASK_STACK_BYTES). */
#ifndef UPLINK_TASK_H
#define UPLINK_TASK_H

#include "esp_err.h"
#include "uplink_sender.h"

/* Starts the task over `sender`, which uplink_sender_init set up with uplink_task_wake as its
 * `wake`. Returns ESP_OK, or ESP_ERR_NO_MEM when the task could not be created. Call once. */
esp_err_t uplink_task_start(uplink_sender_t *sender);

/* Ends the task's current wait (the `wake` of uplink_sender_init; `ctx` is unused). Safe from any
 * task, under the home base lock, and before uplink_task_start (then it does nothing). */
void uplink_task_wake(void *ctx);

#endif
