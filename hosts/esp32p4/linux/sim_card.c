#include "sim_card.h"

#include <stdio.h>
#include <string.h>

#include "hb_log.h"

static void log_card_warning(void *ctx, const storage_warning_t *warning)
{
    (void)ctx;
    hb_log(HB_LOG_ERROR, "sd card warning: %u percent used (%llu of %llu bytes); oldest media and "
           "logs are evicted from now on", (unsigned)warning->percent,
           (unsigned long long)warning->used_bytes, (unsigned long long)warning->capacity_bytes);
}

int sim_card_open(sim_card_t *card, const char *dir, uint32_t capacity_mb, char *error)
{
    char storage_error[STORAGE_ERROR_LEN] = "";
    storage_limits_t limits;

    memset(card, 0, sizeof *card);
    storage_default_limits(&limits, (uint64_t)capacity_mb * 1024 * 1024, SIM_CARD_CLUSTER_BYTES);
    if (storage_open(&card->storage, dir, &limits, storage_error) != 0) {
        snprintf(error, SIM_CARD_ERROR_LEN, "sd card not opened: %s", storage_error);
        return -1;
    }
    storage_set_warning(&card->storage, log_card_warning, NULL);
    hb_log(HB_LOG_INFO, "sd card opened: dir=%s capacity_mb=%u used=%llu", dir, (unsigned)capacity_mb,
           (unsigned long long)storage_used_total(&card->storage));
    return 0;
}

void sim_card_attach_media(sim_card_t *card, homebase_t *homebase)
{
    media_init(&card->media, &card->storage);
    homebase_attach_media(homebase, &card->media);
    card->media_attached = true;
}

void sim_card_close(sim_card_t *card, homebase_t *homebase)
{
    if (!card->media_attached) {
        return;
    }
    homebase_attach_media(homebase, NULL);
    media_free(&card->media);
    card->media_attached = false;
}
