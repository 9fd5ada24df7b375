#include "uplink_task.h"

#include "esp_log.h"
#include "esp_task.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "hb_sntp.h"

static const char *TAG = "uplink_task";

/* An estimate, to be checked with uxTaskGetStackHighWaterMark on hardware. The task calls the core
 * (wasm3's interpreter frames, as in the main task's 32 KiB) and libsodium to sign. It renders
 * outbox bodies with cJSON and reads spooled batches through FATFS. It runs esp_http_client, whose
 * TLS handshake with mbedTLS needs several KiB on its own. */
#define UPLINK_TASK_STACK_BYTES (24 * 1024)
/* The main task's priority: FreeRTOS shares the core between the two, and a post that waits on
 * the network blocks, so the main loop runs then. */
#define UPLINK_TASK_PRIORITY ESP_TASK_MAIN_PRIO
/* Maximum wait between rounds, so the task sees the end of a retry delay within this time. */
#define UPLINK_TASK_WAIT_MAX_MS 1000

/* Written once by uplink_task_start, read by every task that spools (a pointer-sized store and
 * load, atomic on the P4). */
static TaskHandle_t volatile s_task;

static void run_sender(void *arg)
{
    uplink_sender_t *sender = arg;

    for (;;) {
        uint32_t wait_ms = UPLINK_TASK_WAIT_MAX_MS;

        if (hb_sntp_time_is_set()) {
            wait_ms = uplink_sender_round(sender, UPLINK_TASK_WAIT_MAX_MS);
        }

        /* A wake ends the wait early. Several wakes during a round count as one. */
        ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(wait_ms));
    }
}

esp_err_t uplink_task_start(uplink_sender_t *sender)
{
    TaskHandle_t task = NULL;

    if (xTaskCreate(run_sender, "uplink", UPLINK_TASK_STACK_BYTES, sender, UPLINK_TASK_PRIORITY,
                    &task) != pdPASS) {
        ESP_LOGE(TAG, "uplink task not created: stack=%d bytes", UPLINK_TASK_STACK_BYTES);
        return ESP_ERR_NO_MEM;
    }
    s_task = task;
    ESP_LOGI(TAG, "uplink task started: stack=%d bytes", UPLINK_TASK_STACK_BYTES);
    return ESP_OK;
}

void uplink_task_wake(void *ctx)
{
    TaskHandle_t task = s_task;

    (void)ctx;
    if (task != NULL) {
        xTaskNotifyGive(task);
    }
}
