/* Maps the portable co-processor (radio_coproc.c) onto ESP-IDF: its port calls the ESP-NOW and
 * UART adapters, and one FreeRTOS task feeds it from the queue and ticks its heartbeat. */
#include "coproc_link.h"

#include <stdbool.h>

#include "coproc_espnow.h"
#include "coproc_event.h"
#include "coproc_uart.h"
#include "coproc_version.h"
#include "esp_log.h"
#include "esp_timer.h"
#include "freertos/task.h"
#include "radio_coproc.h"
#include "sdkconfig.h"

/* The task wakes at least this often to send a heartbeat when due, so one is at most this late. */
#define LINK_TICK_MS 100
#define LINK_TASK_STACK_LEN 4096
/* Above the UART reader's priority, so the queue is drained as fast as it fills. */
#define LINK_TASK_PRIORITY 6
/* Drop counters are logged at most this often, and only when one of them grew. */
#define DROPS_LOG_INTERVAL_SEC 10

static const char *TAG = "coproc_link";

static radio_coproc_t s_coproc;

/* Seconds since boot, the monotonic clock radio_coproc expects. */
static uint32_t uptime_sec(void)
{
    return (uint32_t)(esp_timer_get_time() / 1000000);
}

/* ---- radio_coproc's port ---- */

static int port_write(void *ctx, const uint8_t *bytes, size_t len)
{
    (void)ctx;
    return coproc_uart_write(bytes, len);
}

static int port_add_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    (void)ctx;
    return coproc_espnow_add_peer(mac);
}

static int port_remove_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    (void)ctx;
    return coproc_espnow_remove_peer(mac);
}

/* Sends and waits for ESP-NOW's result, then reports it as the frame-out's send-status. */
static int port_send_frame(void *ctx, const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame,
                           size_t len, uint16_t message_id)
{
    bool delivered = false;

    (void)ctx;
    if (coproc_espnow_send(mac, frame, len, &delivered) != 0) {
        return -1;
    }
    radio_coproc_send_done(&s_coproc, message_id, delivered);
    return 0;
}

/* ---- the task ---- */

static uint32_t count_drops(void)
{
    const radio_coproc_counters_t *counters = &s_coproc.counters;
    coproc_espnow_drops_t espnow;

    coproc_espnow_get_drops(&espnow);
    /* counters->frames_in_dropped stays 0: the receive callback already drops what it would count. */
    return espnow.queue_full + espnow.invalid + counters->write_failed + counters->unexpected +
           link_decoder_dropped(&s_coproc.decoder);
}

static void log_drops(void)
{
    const radio_coproc_counters_t *counters = &s_coproc.counters;
    coproc_espnow_drops_t espnow;

    coproc_espnow_get_drops(&espnow);
    ESP_LOGW(TAG,
             "drop counters grew: heard_queue_full=%u heard_invalid=%u uart_write_failed=%u "
             "unexpected=%u link_decode_failed=%u (frames_in=%u frames_out=%u send_failed=%u)",
             (unsigned)espnow.queue_full, (unsigned)espnow.invalid, (unsigned)counters->write_failed,
             (unsigned)counters->unexpected, (unsigned)link_decoder_dropped(&s_coproc.decoder),
             (unsigned)counters->frames_in, (unsigned)counters->frames_out,
             (unsigned)counters->send_failed);
}

static void handle_event(const coproc_event_t *event)
{
    switch (event->kind) {
    case COPROC_EVENT_FRAME_HEARD:
        radio_coproc_frame_heard(&s_coproc, event->mac, event->rssi, event->data, event->len);
        break;
    case COPROC_EVENT_UART_BYTES:
        radio_coproc_receive_uart(&s_coproc, event->data, event->len);
        break;
    }
}

static void link_task(void *arg)
{
    QueueHandle_t events = arg;
    uint32_t drops_logged = 0;
    uint32_t drops_logged_at = 0;
    bool home_base_logged = false;

    for (;;) {
        coproc_event_t event;
        uint32_t now;
        uint32_t drops;

        if (xQueueReceive(events, &event, pdMS_TO_TICKS(LINK_TICK_MS)) == pdTRUE) {
            handle_event(&event);
        }
        now = uptime_sec();
        radio_coproc_tick(&s_coproc, now);

        if (!home_base_logged && s_coproc.home_base_heard) {
            ESP_LOGI(TAG, "home base heard: uptime_sec=%u", (unsigned)s_coproc.home_base_uptime_sec);
            home_base_logged = true;
        }
        drops = count_drops();
        if (drops != drops_logged && now - drops_logged_at >= DROPS_LOG_INTERVAL_SEC) {
            log_drops();
            drops_logged = drops;
            drops_logged_at = now;
        }
    }
}

esp_err_t coproc_link_start(QueueHandle_t events)
{
    const radio_coproc_port_t port = {
        .write = port_write,
        .add_peer = port_add_peer,
        .remove_peer = port_remove_peer,
        .send_frame = port_send_frame,
        .ctx = NULL,
    };

    radio_coproc_init(&s_coproc, &port, RADIO_FIRMWARE_MAJOR, RADIO_FIRMWARE_MINOR,
                      RADIO_FIRMWARE_PATCH, uptime_sec());
    if (radio_coproc_set_heartbeat_interval(&s_coproc, CONFIG_COPROC_HEARTBEAT_INTERVAL_SEC) != 0) {
        ESP_LOGE(TAG, "heartbeat interval %d s is invalid: allowed 1 to %d",
                 CONFIG_COPROC_HEARTBEAT_INTERVAL_SEC, RADIO_COPROC_HEARTBEAT_INTERVAL_MAX_SEC);
        return ESP_ERR_INVALID_ARG;
    }

    if (xTaskCreate(link_task, "coproc_link", LINK_TASK_STACK_LEN, events, LINK_TASK_PRIORITY,
                    NULL) != pdPASS) {
        ESP_LOGE(TAG, "xTaskCreate failed for the link task: out of memory");
        return ESP_ERR_NO_MEM;
    }
    ESP_LOGI(TAG, "link started: firmware=%d.%d.%d protocol=%d heartbeat_sec=%d",
             RADIO_FIRMWARE_MAJOR, RADIO_FIRMWARE_MINOR, RADIO_FIRMWARE_PATCH, LINK_PROTOCOL_VERSION,
             CONFIG_COPROC_HEARTBEAT_INTERVAL_SEC);
    return ESP_OK;
}
