/* Adapts esp_ota_ops to the home base's OTA slot writer (hb_ota_writer.h). */
#include "hb_ota_writer.h"

#include <stdatomic.h>

#include "esp_log.h"

static const char *TAG = "hb_ota_writer";

static atomic_bool s_confirmed;

esp_err_t hb_ota_writer_begin(hb_ota_writer_t *writer, size_t image_len)
{
    esp_err_t err;

    *writer = (hb_ota_writer_t){ 0 };
    writer->partition = esp_ota_get_next_update_partition(NULL);
    if (writer->partition == NULL) {
        ESP_LOGE(TAG, "no ota slot to write: the partition table needs ota_0 and ota_1");
        return ESP_ERR_NOT_FOUND;
    }

    err = esp_ota_begin(writer->partition, image_len, &writer->handle);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_begin failed: slot=%s error=%s", writer->partition->label,
                 esp_err_to_name(err));
        return err;
    }
    writer->open = true;
    ESP_LOGI(TAG, "ota slot opened: slot=%s", writer->partition->label);
    return ESP_OK;
}

esp_err_t hb_ota_writer_write(hb_ota_writer_t *writer, const void *bytes, size_t len)
{
    esp_err_t err;

    if (!writer->open) {
        return ESP_ERR_INVALID_STATE;
    }
    err = esp_ota_write(writer->handle, bytes, len);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_write failed after %u bytes: %s", (unsigned)writer->written_len,
                 esp_err_to_name(err));
        hb_ota_writer_abort(writer);
        return err;
    }
    writer->written_len += len;
    return ESP_OK;
}

esp_err_t hb_ota_writer_finish(hb_ota_writer_t *writer)
{
    esp_err_t err;

    if (!writer->open) {
        return ESP_ERR_INVALID_STATE;
    }
    writer->open = false;

    /* esp_ota_end releases the handle whatever it returns. */
    err = esp_ota_end(writer->handle);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_end failed: slot=%s bytes=%u error=%s", writer->partition->label,
                 (unsigned)writer->written_len, esp_err_to_name(err));
        return err;
    }
    err = esp_ota_set_boot_partition(writer->partition);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_set_boot_partition failed: slot=%s error=%s",
                 writer->partition->label, esp_err_to_name(err));
        return err;
    }
    ESP_LOGI(TAG, "ota image written: slot=%s bytes=%u; it runs after the next restart",
             writer->partition->label, (unsigned)writer->written_len);
    return ESP_OK;
}

void hb_ota_writer_abort(hb_ota_writer_t *writer)
{
    if (!writer->open) {
        return;
    }
    writer->open = false;
    esp_ota_abort(writer->handle);
    ESP_LOGW(TAG, "ota image dropped: slot=%s bytes=%u", writer->partition->label,
             (unsigned)writer->written_len);
}

bool hb_ota_writer_pending_verify(void)
{
    esp_ota_img_states_t state;
    const esp_partition_t *running = esp_ota_get_running_partition();

    return running != NULL && esp_ota_get_state_partition(running, &state) == ESP_OK &&
           state == ESP_OTA_IMG_PENDING_VERIFY;
}

esp_err_t hb_ota_writer_confirm(void)
{
    esp_err_t err;

    if (!hb_ota_writer_pending_verify()) {
        return ESP_OK;
    }
    err = esp_ota_mark_app_valid_cancel_rollback();
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_ota_mark_app_valid_cancel_rollback failed: %s", esp_err_to_name(err));
        return err;
    }
    ESP_LOGI(TAG, "running app confirmed after reaching the central server; rollback cancelled");
    return ESP_OK;
}

void hb_ota_writer_on_uplink_response(void *ctx, int http_status)
{
    (void)ctx;
    if (http_status < 200 || http_status > 299 || atomic_load(&s_confirmed)) {
        return;
    }
    if (hb_ota_writer_confirm() == ESP_OK) {
        atomic_store(&s_confirmed, true);
    }
}
