/* The home base's work: frames in, device expiry, batches sealed, spooled and sent.
 *
 * Single-threaded: the caller runs homebase_frame for each received frame and homebase_tick at
 * least once a second, from one thread (or under one lock shared with the status pages). */
#ifndef HOMEBASE_H
#define HOMEBASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "intake.h"
#include "media.h"
#include "registry.h"
#include "replay_store.h"
#include "spool.h"
#include "uplink.h"

/* Retry delays after a failed send: doubling from the first to the maximum. */
#define HOMEBASE_RETRY_FIRST_SEC 1
#define HOMEBASE_RETRY_MAX_SEC 60
#define HOMEBASE_ERROR_LEN 400
/* homebase_seal's result when the spool has no room for another batch. */
#define HOMEBASE_SEAL_SPOOL_FULL (-2)

/* Why an entry (a frame, a device status) never reached a spooled batch. */
typedef enum {
    /* The batch was full and the spool had no room to take it, so it was not sealed. */
    HOMEBASE_DROP_SPOOL_FULL,
    /* The core failed to seal the batch, or the card failed to store it. */
    HOMEBASE_DROP_SEAL_FAILED,
    HOMEBASE_DROP_REASON_COUNT,
} homebase_drop_reason_t;

typedef struct {
    const registry_t *registry;
    core_t *core;
    spool_t *spool;
    uplink_t *uplink;
    const hb_clock_t *clock;
    intake_t intake;
    /* Media reassembly, or NULL when the home base runs without a card (homebase_attach_media). */
    media_t *media;
    /* Where the replay state is written before a raised floor has effects; NULL keeps it in memory
     * only (tests of other parts). Set with homebase_persist_replay. */
    replay_store_t *replay_store;

    uint32_t started_at;
    uint32_t batch_interval_sec;
    uint32_t batches_sent;
    uint32_t send_failures;
    /* Batches the central server rejected as malformed, set aside in the spool folder. */
    uint32_t batches_set_aside;
    uint32_t last_sealed_seq;
    bool sealed_any;
    /* True while the spool has no room for another batch (homebase_seal). */
    bool spool_full;
    uint32_t entries_dropped[HOMEBASE_DROP_REASON_COUNT];

    /* When the next send may be tried, and the delay to use after the next failure. */
    uint32_t retry_at;
    uint32_t retry_delay_sec;

    char *batch_json;
    size_t batch_json_cap;

    /* The link to the central server for the status page: when a batch last went through (200) and
     * when a send last failed, 0 for never. */
    uint32_t last_send_ok_at;
    uint32_t last_send_failed_at;

    /* Optional (NULL: none): events for the local API's WebSocket stream and its status pages. */
    struct api_events *events;
    /* The radio's state for the status page ("up", "down"), set by the port; NULL reads "unknown". */
    const char *radio_state;
} homebase_t;

/* Restores the next batch seq from the spool and configures the core's batcher. The registry must
 * already be applied to the core. Returns 0, or -1 with a reason in `error`. */
int homebase_init(homebase_t *homebase, const registry_t *registry, core_t *core, spool_t *spool,
                  uplink_t *uplink, const hb_clock_t *clock, uint32_t batch_interval_sec,
                  char *error);

/* Takes one received frame (see intake_frame), then runs a tick so urgent entries go out at once. */
int32_t homebase_frame(homebase_t *homebase, const uint8_t *frame, size_t len,
                       const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* Takes one frame from the radio. A media chunk has no signature and goes to media at once. Any
 * other frame gets the cheap checks, then waits in the verify queue of its sender (intake_admit).
 * The tick that follows verifies queued frames within the budget. */
int32_t homebase_receive(homebase_t *homebase, const uint8_t *frame, size_t len,
                         const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* Verifies queued frames within the budget, marks silent devices offline, seals the batch when it
 * is due, and sends spooled batches unless a retry delay is running. */
void homebase_tick(homebase_t *homebase);

/* Seals the open batch and spools it. Seals nothing and returns HOMEBASE_SEAL_SPOOL_FULL when the
 * spool has no room for the largest batch the core can seal, so the open batch stays in the core.
 * Returns 0, or -1 when the batch could not be sealed or stored (its entries are counted as
 * dropped). */
int homebase_seal(homebase_t *homebase);

/* Seals the full batch so that one more entry fits; when that fails, counts the waiting entry as
 * dropped by reason. Returns what homebase_seal returns. */
int homebase_seal_for_entry(homebase_t *homebase);

/* Seals the open batch and spools it before a clean stop, so entries already accepted (whose replay
 * floors are saved, so the devices never send them again) are not lost. Does nothing and returns
 * 0 when the batch is empty. Returns what homebase_seal returns otherwise; a full spool loses the
 * entries, which are counted as dropped and logged. Call it with no other thread in the home base,
 * before the spool and the replay store are closed. */
int homebase_seal_open_batch(homebase_t *homebase);

/* The name of a drop reason in GET /api/v1/status: "spool_full", "seal_failed". */
const char *homebase_drop_reason_name(homebase_drop_reason_t reason);

/* Writes the replay state to `store` from now on, whenever a floor moves (accepted frames, sealed
 * batches), and restores it now. Call after homebase_init. Returns 0, or -1 with the reason in
 * `error` when the stored state cannot be restored. */
int homebase_persist_replay(homebase_t *homebase, replay_store_t *store, char *error);

/* Number of batches waiting in the spool. */
uint32_t homebase_spooled_count(homebase_t *homebase);

void homebase_free(homebase_t *homebase);

/* ---- Media (homebase_media.c) ---- */

/* Routes manifests and chunk frames to `media` from now on, and notes motion frames for linking. */
void homebase_attach_media(homebase_t *homebase, media_t *media);

/* Takes a chunk frame when media is attached and returns true, with `status` CORE_OK or
 * CORE_ENGINE_FAILED. Returns false for any other frame, which the caller gives to the intake. */
bool homebase_media_frame(homebase_t *homebase, const uint8_t *frame, size_t len, int32_t *status);

#endif
