#include "homebase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_events.h"
#include "hb_log.h"
#include "homebase_internal.h"

static const char *const s_drop_reason_names[HOMEBASE_DROP_REASON_COUNT] = { "spool_full",
                                                                              "seal_failed" };

const char *homebase_drop_reason_name(homebase_drop_reason_t reason)
{
    return reason < HOMEBASE_DROP_REASON_COUNT ? s_drop_reason_names[reason] : "?";
}

static int seal_when_full(void *ctx)
{
    return homebase_seal_for_entry(ctx);
}

/* Sends an accepted frame to the local dashboard's live stream, once that stream exists. */
static void publish_frame_event(void *ctx, const uint8_t *frame, size_t len, uint32_t now)
{
    homebase_t *homebase = ctx;

    if (homebase->events != NULL) {
        api_events_frame_accepted(homebase->events, frame, len, now);
    }
}

int homebase_init(homebase_t *homebase, const registry_t *registry, core_t *core, spool_t *spool,
                  uplink_t *uplink, const hb_clock_t *clock, uint32_t batch_interval_sec,
                  char *error)
{
    char name[CORE_STATUS_NAME_MAX + 1];
    uint32_t next_seq = spool_load_next_seq(spool);
    int32_t status;

    memset(homebase, 0, sizeof *homebase);
    homebase->registry = registry;
    homebase->core = core;
    homebase->spool = spool;
    homebase->uplink = uplink;
    homebase->clock = clock;
    homebase->batch_interval_sec = batch_interval_sec;
    homebase->started_at = hb_clock_now(clock);
    homebase->retry_delay_sec = HOMEBASE_RETRY_FIRST_SEC;
    intake_init(&homebase->intake, core, registry, clock, seal_when_full, homebase);
    homebase->intake.hooks.on_batched = publish_frame_event;
    homebase->intake.hooks.batched_ctx = homebase;

    status = core_batch_configure(core, registry->key_id, batch_interval_sec, next_seq);
    if (status != CORE_OK) {
        snprintf(error, HOMEBASE_ERROR_LEN, "core rejected the batch settings (interval %u s, "
                 "next seq %u): %s", (unsigned)batch_interval_sec, (unsigned)next_seq,
                 core_status_name(core, status, name));
        return -1;
    }

    homebase->batch_json_cap = core_batch_max_len(core) + 1;
    homebase->batch_json = malloc(homebase->batch_json_cap);
    if (homebase->batch_json == NULL) {
        snprintf(error, HOMEBASE_ERROR_LEN, "out of memory for a %zu-byte batch",
                 homebase->batch_json_cap);
        return -1;
    }
    hb_log(HB_LOG_INFO, "batches: interval=%us next_seq=%u spooled=%u", (unsigned)batch_interval_sec,
           (unsigned)next_seq, (unsigned)homebase_spooled_count(homebase));
    return 0;
}

bool homebase_spool_room_for_batch(homebase_t *homebase)
{
    const storage_t *storage = homebase->spool->storage;
    bool room = spool_has_room(homebase->spool, homebase->batch_json_cap);

    if (!room && !homebase->spool_full) {
        hb_log(HB_LOG_ERROR, "spool full: used=%llu quota=%llu batches=%u; no batch is sealed and new "
               "entries are dropped until the central server takes spooled batches",
               (unsigned long long)storage->used_bytes[STORAGE_AREA_SPOOL],
               (unsigned long long)storage->limits.quota_bytes[STORAGE_AREA_SPOOL],
               (unsigned)spool_count(homebase->spool));
    } else if (room && homebase->spool_full) {
        hb_log(HB_LOG_WARN, "spool has room again: entries dropped while full=%u",
               (unsigned)homebase->entries_dropped[HOMEBASE_DROP_SPOOL_FULL]);
    }
    homebase->spool_full = !room;
    return room;
}

int homebase_seal(homebase_t *homebase)
{
    char name[CORE_STATUS_NAME_MAX + 1];
    char error[SPOOL_ERROR_LEN] = "replay state not stored";
    uint32_t now = hb_clock_now(homebase->clock);
    uint32_t entries;
    int32_t len;
    uint32_t seq;

    if (!homebase_spool_room_for_batch(homebase)) {
        return HOMEBASE_SEAL_SPOOL_FULL;
    }
    entries = core_batch_entry_count(homebase->core);
    len = core_batch_seal(homebase->core, now, homebase->batch_json, homebase->batch_json_cap);
    if (len < 0) {
        hb_log(HB_LOG_ERROR, "batch not sealed: reason=%s", core_status_name(homebase->core, len, name));
        return -1;
    }
    seq = core_batch_sealed_seq(homebase->core);
    homebase->last_sealed_seq = seq;
    homebase->sealed_any = true;

    /* The seq is stored before anything can go out, so a restart never reuses it. */
    if ((homebase->replay_store != NULL && replay_store_save_if_due(homebase->replay_store, now) != 0) ||
        spool_write(homebase->spool, seq, homebase->batch_json, (size_t)len, error) != 0) {
        homebase->entries_dropped[HOMEBASE_DROP_SEAL_FAILED] += entries;
        hb_log(HB_LOG_ERROR, "batch lost: seq=%u entries=%u error=%s", (unsigned)seq,
               (unsigned)entries, error);
        return -1;
    }

    /* On failure the spooled batch still records its seq (spool_load_next_seq), so it is kept. */
    spool_store_next_seq(homebase->spool, core_batch_next_seq(homebase->core));
    hb_log(HB_LOG_DEBUG, "batch sealed: seq=%u bytes=%d", (unsigned)seq, (int)len);
    if (homebase->on_spooled != NULL) {
        homebase->on_spooled(homebase->spooled_ctx);
    }
    return 0;
}

int homebase_seal_for_entry(homebase_t *homebase)
{
    int result = homebase_seal(homebase);

    if (result == HOMEBASE_SEAL_SPOOL_FULL) {
        homebase->entries_dropped[HOMEBASE_DROP_SPOOL_FULL]++;
    } else if (result != 0) {
        homebase->entries_dropped[HOMEBASE_DROP_SEAL_FAILED]++;
    }
    return result;
}

int homebase_seal_open_batch(homebase_t *homebase)
{
    uint32_t entries = core_batch_entry_count(homebase->core);
    int result;

    /* An empty batch carries nothing a restart would miss; the next start seals its own. */
    if (entries == 0) {
        return 0;
    }
    result = homebase_seal(homebase);
    if (result == HOMEBASE_SEAL_SPOOL_FULL) {
        homebase->entries_dropped[HOMEBASE_DROP_SPOOL_FULL] += entries;
        hb_log(HB_LOG_ERROR, "open batch lost at stop: entries=%u reason=spool_full",
               (unsigned)entries);
    } else if (result == 0) {
        hb_log(HB_LOG_INFO, "open batch spooled at stop: seq=%u entries=%u",
               (unsigned)homebase->last_sealed_seq, (unsigned)entries);
    }
    return result;
}

/* Marks every device silent for offline_after_sec offline and batches a device_status entry. */
static void expire_devices(homebase_t *homebase, uint32_t now)
{
    char name[CORE_STATUS_NAME_MAX + 1];
    int32_t slot;

    while ((slot = core_device_expire(homebase->core, now, homebase->registry->offline_after_sec)) >= 0) {
        const char *device_id = registry_device_id(homebase->registry, (uint32_t)slot);
        int32_t status = core_batch_add_status(homebase->core, (uint32_t)slot, false, now);

        if (status == CORE_BATCH_FULL && homebase_seal_for_entry(homebase) == 0) {
            status = core_batch_add_status(homebase->core, (uint32_t)slot, false, now);
        }
        hb_log(HB_LOG_INFO, "device offline: device=%s", device_id);
        if (homebase->events != NULL) {
            api_events_device_offline(homebase->events, (uint32_t)slot, now);
        }
        /* BATCH_FULL here means the seal failed, which is counted and logged already. */
        if (status != CORE_OK && status != CORE_BATCH_FULL) {
            hb_log(HB_LOG_ERROR, "device status not batched: device=%s reason=%s", device_id,
                   core_status_name(homebase->core, status, name));
        }
    }
}

void homebase_tick(homebase_t *homebase)
{
    uint32_t now = hb_clock_now(homebase->clock);

    intake_serve(&homebase->intake);
    expire_devices(homebase, now);
    if (homebase->media != NULL) {
        media_expire(homebase->media, now);
    }

    if (core_batch_due(homebase->core, now)) {
        homebase_seal(homebase);
    }

    /* Clears the spool-full state once the sender made room, not only at the next seal. */
    if (homebase->spool_full) {
        homebase_spool_room_for_batch(homebase);
    }
}

int32_t homebase_frame(homebase_t *homebase, const uint8_t *frame, size_t len,
                       const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi)
{
    int32_t status;

    if (homebase_media_frame(homebase, frame, len, &status)) {
        homebase_tick(homebase);
        return status;
    }
    status = intake_frame(&homebase->intake, frame, len, mac, rssi);
    homebase_tick(homebase);
    return status;
}

int32_t homebase_receive(homebase_t *homebase, const uint8_t *frame, size_t len,
                         const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi)
{
    int32_t status;

    /* A chunk has no signature to verify, so it skips the verify queue as in homebase_frame. */
    if (homebase_media_frame(homebase, frame, len, &status)) {
        homebase_tick(homebase);
        return status;
    }
    status = intake_admit(&homebase->intake, frame, len, mac, rssi);

    homebase_tick(homebase);
    return status;
}

static int persist_replay_now(void *ctx)
{
    homebase_t *homebase = ctx;

    return replay_store_save_if_due(homebase->replay_store, hb_clock_now(homebase->clock));
}

int homebase_persist_replay(homebase_t *homebase, replay_store_t *store, char *error)
{
    homebase->replay_store = store;
    homebase->intake.hooks.persist_replay = persist_replay_now;
    homebase->intake.hooks.persist_ctx = homebase;
    return replay_store_load(store, hb_clock_now(homebase->clock), error);
}

uint32_t homebase_spooled_count(homebase_t *homebase)
{
    return spool_count(homebase->spool);
}

void homebase_free(homebase_t *homebase)
{
    free(homebase->batch_json);
    homebase->batch_json = NULL;
}
