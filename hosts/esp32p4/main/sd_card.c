/* The SD card on SDMMC slot 0 with FATFS (sd_card.h). Long file names need FATFS's LFN support,
 * which sdkconfig.defaults must turn on (CONFIG_FATFS_LFN_HEAP). Without it, names longer than
 * 8.3, such as the spool's batch files, cannot be created.
 *
 * Checked on these machines: compiled against ESP-IDF 5.4.4's headers. Only hardware can show that a
 * card mounts, the 4-line bus is clean at the default clock, and the LDO channel is the right one. */
#include "sd_card.h"

#include "driver/sdmmc_host.h"
#include "esp_check.h"
#include "esp_log.h"
#include "esp_vfs_fat.h"
#include "ff.h"
/* After ff.h, which defines the BYTE type this header uses. */
#include "diskio_sdmmc.h"
#include "sdkconfig.h"
#include "sdmmc_cmd.h"

#if CONFIG_HOMEBASE_SD_LDO_POWER
#include "sd_pwr_ctrl_by_on_chip_ldo.h"
#endif

/* Files open at once: a spool or registry write, a media chunk write, a few media downloads over
 * HTTP and a storage walk stay below it. A further open fails with ENFILE. */
#define SD_CARD_MAX_OPEN_FILES 8

static const char *TAG = "sd";

static sdmmc_card_t *s_card;
/* Set by sd_card_mount; the OLED shows it while no card is mounted. */
static const char *s_problem = "NO SD CARD";

#if CONFIG_HOMEBASE_SD_LDO_POWER
static sd_pwr_ctrl_handle_t s_power;

/* Turns on the on-chip LDO that supplies the card's I/O. */
static esp_err_t power_on(sdmmc_host_t *host)
{
    sd_pwr_ctrl_ldo_config_t ldo_config = { .ldo_chan_id = CONFIG_HOMEBASE_SD_LDO_CHANNEL };

    esp_err_t err = sd_pwr_ctrl_new_on_chip_ldo(&ldo_config, &s_power);
    ESP_RETURN_ON_ERROR(err, TAG, "sd_pwr_ctrl_new_on_chip_ldo failed for LDO channel %d",
                        CONFIG_HOMEBASE_SD_LDO_CHANNEL);
    host->pwr_ctrl_handle = s_power;
    return ESP_OK;
}

static void power_off(void)
{
    if (s_power != NULL && sd_pwr_ctrl_del_on_chip_ldo(s_power) == ESP_OK) {
        s_power = NULL;
    }
}
#else
static esp_err_t power_on(sdmmc_host_t *host)
{
    (void)host;
    return ESP_OK;
}

static void power_off(void)
{
}
#endif

/* Logs why esp_vfs_fat_sdmmc_mount failed and returns the OLED's line for it. ESP_FAIL comes from
 * FATFS after the card responded. A missing card fails earlier, in the card's probe (ESP_ERR_TIMEOUT
 * on the first command is typical). */
static const char *problem_of(esp_err_t err)
{
    if (err == ESP_FAIL) {
        ESP_LOGE(TAG, "SD card mount failed: no FAT file system on the card. Format it as FAT32 on a "
                      "computer; the home base never formats a card");
        return "SD CARD NOT FAT";
    }
    if (err == ESP_ERR_TIMEOUT || err == ESP_ERR_NOT_FOUND || err == ESP_ERR_INVALID_RESPONSE) {
        ESP_LOGE(TAG, "SD card mount failed: %s. Is a card inserted in the slot?", esp_err_to_name(err));
        return "NO SD CARD";
    }
    ESP_LOGE(TAG, "SD card mount failed: %s", esp_err_to_name(err));
    return "SD CARD FAILED";
}

esp_err_t sd_card_mount(void)
{
    sdmmc_host_t host = SDMMC_HOST_DEFAULT();
    sdmmc_slot_config_t slot = SDMMC_SLOT_CONFIG_DEFAULT();
    /* Never format, because a card that does not mount may hold a user's files. The OLED shows the
     * error so that they can check the card. */
    esp_vfs_fat_sdmmc_mount_config_t mount_config = {
        .format_if_mount_failed = false,
        .max_files = SD_CARD_MAX_OPEN_FILES,
        .allocation_unit_size = 0,
    };

    ESP_RETURN_ON_FALSE(s_card == NULL, ESP_ERR_INVALID_STATE, TAG, "sd_card_mount called twice");

    /* Slot 0 uses the ESP32-P4's dedicated pins (CLK 43, CMD 44, D0 to D3 39 to 42), which
     * SDMMC_SLOT_CONFIG_DEFAULT names, so only the width is set here. */
    host.slot = SDMMC_HOST_SLOT_0;
    slot.width = CONFIG_HOMEBASE_SD_BUS_WIDTH;
    esp_err_t err = power_on(&host);
    if (err != ESP_OK) {
        s_problem = "SD CARD FAILED";
        return err;
    }

    err = esp_vfs_fat_sdmmc_mount(SD_CARD_MOUNT_POINT, &host, &slot, &mount_config, &s_card);
    if (err != ESP_OK) {
        s_card = NULL;
        s_problem = problem_of(err);
        power_off();
        return err;
    }

    s_problem = NULL;
    ESP_LOGI(TAG, "SD card mounted at %s: %.8s, %llu MiB", SD_CARD_MOUNT_POINT, s_card->cid.name,
             (unsigned long long)(sd_card_capacity_bytes() / (1024 * 1024)));
    return ESP_OK;
}

bool sd_card_mounted(void)
{
    return s_card != NULL;
}

const char *sd_card_problem(void)
{
    return s_problem;
}

uint32_t sd_card_cluster_bytes(void)
{
    BYTE drive_number;
    char drive[3];
    DWORD free_clusters = 0;
    FATFS *volume = NULL;
    uint32_t sector_bytes = FF_MIN_SS;

    if (s_card == NULL) {
        return 0;
    }
    drive_number = ff_diskio_get_pdrv_card(s_card);
    if (drive_number == 0xFF) {
        return 0;
    }

    /* FATFS names a logical drive "<number>:", the number esp_vfs_fat_sdmmc_mount registered. */
    drive[0] = (char)('0' + drive_number);
    drive[1] = ':';
    drive[2] = '\0';
    if (f_getfree(drive, &free_clusters, &volume) != FR_OK || volume == NULL) {
        return 0;
    }
#if FF_MAX_SS != FF_MIN_SS
    sector_bytes = volume->ssize;
#endif
    return (uint32_t)volume->csize * sector_bytes;
}

uint64_t sd_card_capacity_bytes(void)
{
    if (s_card == NULL) {
        return 0;
    }
    return (uint64_t)s_card->csd.capacity * (uint64_t)s_card->csd.sector_size;
}
