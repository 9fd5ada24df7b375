#include "media_status.h"

static cJSON *render_card(const storage_t *storage)
{
    cJSON *card = cJSON_CreateObject();
    uint64_t used = storage_used_total(storage);
    uint64_t capacity = storage->limits.capacity_bytes;

    cJSON_AddNumberToObject(card, "capacity_bytes", (double)capacity);
    cJSON_AddNumberToObject(card, "used_bytes", (double)used);
    cJSON_AddNumberToObject(card, "used_percent", capacity == 0 ? 100.0 : (double)(used * 100 / capacity));
    cJSON_AddBoolToObject(card, "nearly_full", storage->warning_active);
    cJSON_AddNumberToObject(card, "media_bytes", (double)storage->used_bytes[STORAGE_AREA_MEDIA]);
    cJSON_AddNumberToObject(card, "spool_bytes", (double)storage->used_bytes[STORAGE_AREA_SPOOL]);
    cJSON_AddNumberToObject(card, "logs_bytes", (double)storage->used_bytes[STORAGE_AREA_LOGS]);
    cJSON_AddNumberToObject(card, "evicted_files", storage->evicted_files);
    return card;
}

static cJSON *render_media(const media_t *media)
{
    cJSON *counters = cJSON_CreateObject();

    cJSON_AddNumberToObject(counters, "transfers_open", (double)media_open_count(media));
    cJSON_AddNumberToObject(counters, "stored", media->contents_stored);
    cJSON_AddNumberToObject(counters, "digest_mismatches", media->digest_mismatches);
    cJSON_AddNumberToObject(counters, "transfers_expired", media->transfers_expired);
    cJSON_AddNumberToObject(counters, "transfers_dropped", media->transfers_dropped);
    cJSON_AddNumberToObject(counters, "chunks_dropped", media->chunks_dropped);
    cJSON_AddNumberToObject(counters, "refused", media->contents_refused);
    return counters;
}

cJSON *media_status_render(const media_t *media)
{
    cJSON *storage = cJSON_CreateObject();

    if (storage == NULL) {
        return NULL;
    }
    cJSON_AddItemToObject(storage, "sd_card", render_card(media->storage));
    cJSON_AddItemToObject(storage, "media", render_media(media));
    return storage;
}
