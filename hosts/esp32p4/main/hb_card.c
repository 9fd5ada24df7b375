/* Opens the portable storage (storage.h) and media on the SD card (hb_card.h). Usage is counted in
 * clusters of the mounted file system's size (sd_card_cluster_bytes), or of
 * CONFIG_HB_CARD_CLUSTER_BYTES when FATFS does not report one. Only hardware can show the real
 * figures for a given card. */
#include "hb_card.h"

#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "esp_vfs_fat.h"
#include "sd_card.h"
#include "sdkconfig.h"

static const char *TAG = "hb_card";

static void log_card_warning(void *ctx, const storage_warning_t *warning)
{
    (void)ctx;
    ESP_LOGE(TAG, "sd card warning: %u percent used (%llu of %llu bytes); oldest media and logs are "
             "evicted from now on", (unsigned)warning->percent,
             (unsigned long long)warning->used_bytes, (unsigned long long)warning->capacity_bytes);
}

esp_err_t hb_card_open(hb_card_t *card, char *error)
{
    char storage_error[STORAGE_ERROR_LEN] = "";
    storage_limits_t limits;
    uint64_t total_bytes = 0;
    uint64_t free_bytes = 0;
    uint32_t cluster_bytes;
    esp_err_t err;

    memset(card, 0, sizeof *card);
    err = esp_vfs_fat_info(SD_CARD_MOUNT_POINT, &total_bytes, &free_bytes);
    if (err != ESP_OK) {
        snprintf(error, HB_CARD_ERROR_LEN, "sd card size not read: esp_vfs_fat_info: %s",
                 esp_err_to_name(err));
        return ESP_FAIL;
    }

    cluster_bytes = sd_card_cluster_bytes();
    if (cluster_bytes == 0) {
        cluster_bytes = CONFIG_HB_CARD_CLUSTER_BYTES;
        ESP_LOGW(TAG, "sd card cluster size not read; counting usage in %u-byte clusters (Kconfig)",
                 (unsigned)cluster_bytes);
    }
    storage_default_limits(&limits, total_bytes, cluster_bytes);
    if (storage_open(&card->storage, SD_CARD_MOUNT_POINT, &limits, storage_error) != 0) {
        snprintf(error, HB_CARD_ERROR_LEN, "sd card not opened: %s", storage_error);
        return ESP_FAIL;
    }
    storage_set_warning(&card->storage, log_card_warning, NULL);
    card->open = true;
    ESP_LOGI(TAG, "sd card opened: capacity=%llu free=%llu cluster=%u used_by_home_base=%llu",
             (unsigned long long)total_bytes, (unsigned long long)free_bytes, (unsigned)cluster_bytes,
             (unsigned long long)storage_used_total(&card->storage));
    return ESP_OK;
}

void hb_card_attach_media(hb_card_t *card, homebase_t *homebase)
{
    media_init(&card->media, &card->storage);
    homebase_attach_media(homebase, &card->media);
}
