/* The OTA slot writer: writes a new app image into the OTA slot that is not running
 * (partitions.csv has ota_0 and ota_1) and makes it the boot slot. A freshly updated app is
 * confirmed once it has reached the central server, so the bootloader's rollback
 * (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE) only undoes an update that cannot reach it.
 *
 * The update flow (where the image comes from, its signature, when to restart) is not here; this
 * module only moves bytes into flash. esp_ota_end checks the image's format and its appended
 * SHA-256, not who made it. Only hardware can show the flash writes, the restart into the new slot
 * and the rollback. */
#ifndef HB_OTA_WRITER_H
#define HB_OTA_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "esp_err.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"

typedef struct {
    const esp_partition_t *partition;
    esp_ota_handle_t handle;
    size_t written_len;
    bool open;
} hb_ota_writer_t;

/* ---- Writing an image ---- */

/* Opens the slot that is not running and erases room for `image_len` bytes (OTA_SIZE_UNKNOWN
 * erases the whole slot). Returns ESP_OK, ESP_ERR_NOT_FOUND when the partition table has no
 * other slot, or the error of esp_ota_begin. */
esp_err_t hb_ota_writer_begin(hb_ota_writer_t *writer, size_t image_len);

/* Appends `len` bytes. Returns ESP_OK, ESP_ERR_INVALID_STATE when the writer is not open, or the
 * error of esp_ota_write (ESP_ERR_OTA_VALIDATE_FAILED when the first bytes are no app image). The
 * writer is aborted on any error. */
esp_err_t hb_ota_writer_write(hb_ota_writer_t *writer, const void *bytes, size_t len);

/* Checks the written image and makes its slot the boot slot; the new app runs after the next
 * restart, which the caller decides. Returns ESP_OK, ESP_ERR_INVALID_STATE when the writer is not
 * open, or the error of esp_ota_end (ESP_ERR_OTA_VALIDATE_FAILED for a corrupt image) or of
 * esp_ota_set_boot_partition. The writer is closed either way. */
esp_err_t hb_ota_writer_finish(hb_ota_writer_t *writer);

/* Drops an unfinished image; the boot slot stays as it was. Safe on a closed writer. */
void hb_ota_writer_abort(hb_ota_writer_t *writer);

/* ---- Confirming the running app ---- */

/* True while the running app is a new image that the bootloader will roll back at the next restart
 * unless it is confirmed. */
bool hb_ota_writer_pending_verify(void);

/* Marks the running app valid and cancels the rollback. Returns ESP_OK (also when there was nothing
 * to confirm) or the error of esp_ota_mark_app_valid_cancel_rollback. */
esp_err_t hb_ota_writer_confirm(void);

/* The uplink's on_response hook (hb_uplink_idf.h): confirms the running app after the first 2xx
 * response from the central server since this start. `ctx` is unused. */
void hb_ota_writer_on_uplink_response(void *ctx, int http_status);

#endif
