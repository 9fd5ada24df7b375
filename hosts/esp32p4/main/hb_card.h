/* The home base's storage on the mounted SD card (sd_card.h): the media and spool areas of
 * docs/sd-layout.md under SD_CARD_MOUNT_POINT, with the card's FAT size as capacity, as
 * linux/sim_card.c does with a folder. */
#ifndef HB_CARD_H
#define HB_CARD_H

#include <stdbool.h>

#include "esp_err.h"
#include "homebase.h"
#include "media.h"
#include "storage.h"

/* The folder of the spool, replay state, beacon state, registry and command results: "spool" under
 * SD_CARD_MOUNT_POINT. */
#define HB_CARD_SPOOL_DIR "/sdcard/spool"
#define HB_CARD_ERROR_LEN 512

typedef struct {
    storage_t storage;
    media_t media;
    bool open;
} hb_card_t;

/* Opens the storage on the mounted card. The spool is opened on it next, before the home base
 * starts. Returns ESP_OK, or ESP_FAIL with the reason in `error` (HB_CARD_ERROR_LEN bytes). */
esp_err_t hb_card_open(hb_card_t *card, char *error);

/* Attaches the card's media store to `homebase`, once the home base is initialised. */
void hb_card_attach_media(hb_card_t *card, homebase_t *homebase);

#endif
