#include "sim_card.h"

#include <stdio.h>
#include <string.h>

#include "dashboard_token.h"
#include "hb_hex.h"
#include "hb_log.h"

static void log_card_warning(void *ctx, const storage_warning_t *warning)
{
    (void)ctx;
    hb_log(HB_LOG_ERROR, "sd card warning: %u percent used (%llu of %llu bytes); oldest media and "
           "logs are evicted from now on", (unsigned)warning->percent,
           (unsigned long long)warning->used_bytes, (unsigned long long)warning->capacity_bytes);
}

int sim_card_open(sim_card_t *card, const char *dir, uint32_t capacity_mb,
                  const char *token_sha256_hex, homebase_t *homebase, char *error)
{
    char storage_error[STORAGE_ERROR_LEN] = "";
    storage_limits_t limits;
    uint8_t sha256[32];

    memset(card, 0, sizeof *card);
    if (token_sha256_hex != NULL && hb_hex_decode(token_sha256_hex, sha256, sizeof sha256) != 0) {
        snprintf(error, SIM_CARD_ERROR_LEN, "--dashboard-token-sha256 must be 64 hex characters");
        return -1;
    }
    storage_default_limits(&limits, (uint64_t)capacity_mb * 1024 * 1024, SIM_CARD_CLUSTER_BYTES);
    if (storage_open(&card->storage, dir, &limits, storage_error) != 0) {
        snprintf(error, SIM_CARD_ERROR_LEN, "sd card not opened: %s", storage_error);
        return -1;
    }
    storage_set_warning(&card->storage, log_card_warning, NULL);
    media_init(&card->media, &card->storage);
    homebase_attach_media(homebase, &card->media);
    if (token_sha256_hex != NULL) {
        hb_dashboard_token_set_sha256(sha256);
    }
    card->open = true;
    hb_log(HB_LOG_INFO, "sd card opened: dir=%s capacity_mb=%u used=%llu", dir, (unsigned)capacity_mb,
           (unsigned long long)storage_used_total(&card->storage));
    return 0;
}

void sim_card_close(sim_card_t *card, homebase_t *homebase)
{
    if (!card->open) {
        return;
    }
    homebase_attach_media(homebase, NULL);
    media_free(&card->media);
    card->open = false;
}
