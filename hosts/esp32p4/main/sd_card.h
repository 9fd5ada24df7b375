/* The SD card: SDMMC slot 0, powered from the ESP32-P4's on-chip LDO (channel from Kconfig, 4 on
 * the Waveshare ESP32-P4-ETH), mounted with FATFS at SD_CARD_MOUNT_POINT. The portable storage code
 * (storage.c, spool.c) then reads and writes it through POSIX file calls.
 *
 * The card is never formatted: a card that does not mount stays unmounted, and the caller shows the
 * error on the OLED. Only hardware can show that the pins, bus width and LDO channel fit a board
 * and that a given card mounts. */
#ifndef SD_CARD_H
#define SD_CARD_H

#include <stdbool.h>
#include <stdint.h>

#include "esp_err.h"

#define SD_CARD_MOUNT_POINT "/sdcard"

/* Powers the slot, probes the card and mounts its FAT file system. Returns ESP_OK, or the error of
 * the step that failed, which is logged with the step's name. A missing card typically gives
 * ESP_ERR_TIMEOUT. On failure nothing stays mounted or powered, so a caller may retry (app_main
 * waits for a card that way). Returns ESP_ERR_INVALID_STATE when a card is mounted already. */
esp_err_t sd_card_mount(void);

/* True after sd_card_mount succeeded. */
bool sd_card_mounted(void);

/* The reason the card is not mounted, as a short upper-case line for the OLED's error line
 * (oled_screen_t.error): "NO SD CARD" when no card responded, "SD CARD NOT FAT" when the card has no
 * FAT file system FATFS can mount, "SD CARD FAILED" for other errors. NULL while mounted. */
const char *sd_card_problem(void);

/* The card's capacity in bytes from its CSD register (sector count times sector size), or 0 when no
 * card is mounted. The file system's usable space is somewhat smaller. */
uint64_t sd_card_capacity_bytes(void);

/* The mounted file system's cluster size in bytes (sectors per cluster times the sector size, from
 * FATFS's f_getfree), or 0 when no card is mounted or FATFS does not report it. */
uint32_t sd_card_cluster_bytes(void);

#endif
