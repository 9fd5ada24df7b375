/* Adapts ESP-IDF's ESP-NOW API (esp_now.h, ESP-IDF 5.4) to the co-processor: the receive callback
 * copies frames into the link task's queue, the send callback hands its result to the waiting
 * coproc_espnow_send, and peers are added and removed as radio_peers.c decides. */
#include "coproc_espnow.h"

#include <string.h>

#include "coproc_check.h"
#include "coproc_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_now.h"
#include "esp_wifi.h"

static const char *TAG = "coproc_espnow";

_Static_assert(LINK_FRAME_MAX_LEN == ESP_NOW_MAX_DATA_LEN, "the link's frames are ESP-NOW v1 payloads");
_Static_assert(LINK_MAC_LEN == ESP_NOW_ETH_ALEN, "MAC lengths differ");

/* The send callback's result, for the task waiting in coproc_espnow_send. */
typedef struct {
    uint8_t mac[LINK_MAC_LEN];
    bool delivered;
} send_result_t;

static QueueHandle_t s_events;
static QueueHandle_t s_send_results;
static uint8_t s_channel;

/* Written only by the receive callback (in the Wi-Fi task) and read by the link task. An aligned
 * 32-bit load or store is a single access on these RISC-V and Xtensa cores, so a read returns either
 * the old or the new count. */
static volatile uint32_t s_dropped_queue_full;
static volatile uint32_t s_dropped_invalid;

/* Runs in the Wi-Fi task, so it only copies the frame and returns. */
static void on_frame_received(const esp_now_recv_info_t *info, const uint8_t *data, int len)
{
    coproc_event_t event = { .kind = COPROC_EVENT_FRAME_HEARD };

    if (info == NULL || info->src_addr == NULL || data == NULL || len <= 0 ||
        len > COPROC_EVENT_DATA_MAX_LEN) {
        s_dropped_invalid++;
        return;
    }

    /* -128 dBm, the weakest value the link carries, when ESP-NOW gave no receive information. */
    memcpy(event.mac, info->src_addr, LINK_MAC_LEN);
    event.rssi = info->rx_ctrl != NULL ? (int8_t)info->rx_ctrl->rssi : INT8_MIN;
    event.len = (uint16_t)len;
    memcpy(event.data, data, (size_t)len);
    if (xQueueSend(s_events, &event, 0) != pdTRUE) {
        s_dropped_queue_full++;
    }
}

/* Runs in the Wi-Fi task. The queue holds one result, and a newer result replaces an older one
 * that was never read (from a send that had already timed out). */
static void on_send_done(const uint8_t *mac, esp_now_send_status_t status)
{
    send_result_t result = { .delivered = status == ESP_NOW_SEND_SUCCESS };

    if (mac != NULL) {
        memcpy(result.mac, mac, LINK_MAC_LEN);
    }
    xQueueOverwrite(s_send_results, &result);
}

esp_err_t coproc_espnow_start(QueueHandle_t events, uint8_t channel)
{
    s_events = events;
    s_channel = channel;
    s_send_results = xQueueCreate(1, sizeof(send_result_t));
    if (s_send_results == NULL) {
        ESP_LOGE(TAG, "xQueueCreate failed for the send results: out of memory");
        return ESP_ERR_NO_MEM;
    }

    COPROC_RETURN_ON_ERROR(TAG, esp_now_init());
    COPROC_RETURN_ON_ERROR(TAG, esp_now_register_recv_cb(on_frame_received));
    COPROC_RETURN_ON_ERROR(TAG, esp_now_register_send_cb(on_send_done));
    ESP_LOGI(TAG, "esp-now started: channel=%u", (unsigned)channel);
    return ESP_OK;
}

int coproc_espnow_add_peer(const uint8_t mac[LINK_MAC_LEN])
{
    esp_now_peer_info_t peer = { .channel = s_channel, .ifidx = WIFI_IF_STA, .encrypt = false };
    esp_err_t err;

    memcpy(peer.peer_addr, mac, LINK_MAC_LEN);
    err = esp_now_add_peer(&peer);
    if (err != ESP_OK && err != ESP_ERR_ESPNOW_EXIST) {
        ESP_LOGW(TAG, "esp_now_add_peer failed: mac=" MACSTR " error=%s", MAC2STR(mac),
                 esp_err_to_name(err));
        return -1;
    }
    return 0;
}

int coproc_espnow_remove_peer(const uint8_t mac[LINK_MAC_LEN])
{
    esp_err_t err = esp_now_del_peer(mac);

    if (err != ESP_OK && err != ESP_ERR_ESPNOW_NOT_FOUND) {
        ESP_LOGW(TAG, "esp_now_del_peer failed: mac=" MACSTR " error=%s", MAC2STR(mac),
                 esp_err_to_name(err));
        return -1;
    }
    return 0;
}

/* Waits for the send callback's result for `mac`. A result for another address is left over from
 * an earlier send that timed out, and is skipped.
 * NOTE: a late result for an earlier send to the same address looks the same, so it would count
 * as this send's result. */
static bool wait_for_result(const uint8_t mac[LINK_MAC_LEN])
{
    TickType_t remaining = pdMS_TO_TICKS(COPROC_ESPNOW_SEND_TIMEOUT_MS);
    TimeOut_t timeout;
    send_result_t result;

    vTaskSetTimeOutState(&timeout);
    while (xTaskCheckForTimeOut(&timeout, &remaining) == pdFALSE) {
        if (xQueueReceive(s_send_results, &result, remaining) == pdTRUE &&
            memcmp(result.mac, mac, LINK_MAC_LEN) == 0) {
            return result.delivered;
        }
    }
    ESP_LOGW(TAG, "esp-now send timed out: mac=" MACSTR " timeout_ms=%d", MAC2STR(mac),
             COPROC_ESPNOW_SEND_TIMEOUT_MS);
    return false;
}

int coproc_espnow_send(const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame, size_t len,
                       bool *delivered)
{
    esp_err_t err;

    /* A result still queued belongs to a send that already timed out. */
    xQueueReset(s_send_results);

    err = esp_now_send(mac, frame, len);
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "esp_now_send failed: mac=" MACSTR " len=%u error=%s", MAC2STR(mac),
                 (unsigned)len, esp_err_to_name(err));
        return -1;
    }

    *delivered = wait_for_result(mac);
    ESP_LOGD(TAG, "esp-now send done: mac=" MACSTR " len=%u delivered=%d", MAC2STR(mac),
             (unsigned)len, *delivered);
    return 0;
}

void coproc_espnow_get_drops(coproc_espnow_drops_t *drops)
{
    drops->queue_full = s_dropped_queue_full;
    drops->invalid = s_dropped_invalid;
}
