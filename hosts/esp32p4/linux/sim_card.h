/* The simulator's SD card: a folder with a capacity setting, holding media and the spool as
 * docs/sd-layout.md describes. */
#ifndef SIM_CARD_H
#define SIM_CARD_H

#include <stdint.h>

#include "homebase.h"
#include "media.h"
#include "storage.h"

/* FAT32's cluster on a typical 16 to 32 GB card; usage is counted in whole clusters of this size. */
#define SIM_CARD_CLUSTER_BYTES 16384
#define SIM_CARD_DEFAULT_MB 1024
#define SIM_CARD_MAX_MB (1024u * 1024u)
#define SIM_CARD_ERROR_LEN 512

typedef struct {
    storage_t storage;
    media_t media;
    bool media_attached;
} sim_card_t;

/* Opens the card at `dir` with `capacity_mb` megabytes (MiB), before the spool is opened on it.
 * Returns 0, or -1 with a reason in `error` (SIM_CARD_ERROR_LEN bytes). */
int sim_card_open(sim_card_t *card, const char *dir, uint32_t capacity_mb, char *error);

/* Stores media from `homebase` on the open card from now on. */
void sim_card_attach_media(sim_card_t *card, homebase_t *homebase);

void sim_card_close(sim_card_t *card, homebase_t *homebase);

#endif
