/* The home base's work: frames in, device expiry, batches sealed, spooled and sent.
 *
 * Every function here runs under the one home base lock (hb_lock.h), shared with the local API's
 * handlers. The main loop runs homebase_receive or homebase_frame for each received frame and
 * homebase_tick at least once a second; neither sends anything. A sender (uplink_sender.h, in its
 * own thread or task) sends the spooled batches with homebase_send_spooled, which takes the lock
 * only to prepare and to finish each batch and releases it while the request waits on the
 * network. A program with one thread may call homebase_send_spooled with a NULL lock. */
#ifndef HOMEBASE_H
#define HOMEBASE_H

#include <stdbool.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "hb_lock.h"
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
/* Batches the uplink sender handles at most in one round, so it also gets to the outboxes during a
 * long backlog. */
#define HOMEBASE_SEND_MAX_PER_ROUND 8
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

    /* The spooled batch being posted, between homebase_send_prepare and homebase_send_finish. Only
     * those two remove or set aside spooled batches, and neither picks another batch while one is
     * in flight, so the batch on its way is never deleted or moved under the sender. */
    bool send_in_flight;
    uint32_t send_seq;
    /* Called under the lock after a batch was spooled, so a waiting sender posts it at once; NULL
     * for none (uplink_sender_init sets it). */
    void (*on_spooled)(void *ctx);
    void *spooled_ctx;

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

/* Takes one received frame (see intake_frame), then runs a tick so urgent entries are sealed and
 * spooled at once, which wakes the sender. */
int32_t homebase_frame(homebase_t *homebase, const uint8_t *frame, size_t len,
                       const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* Takes one frame from the radio. A media chunk has no signature and goes to media at once. Any
 * other frame gets the cheap checks, then waits in the verify queue of its sender (intake_admit).
 * The tick that follows verifies queued frames within the budget. */
int32_t homebase_receive(homebase_t *homebase, const uint8_t *frame, size_t len,
                         const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* Verifies queued frames within the budget, marks silent devices offline, and seals and spools the
 * batch when it is due. Sends nothing: homebase_send_spooled does. */
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

/* ---- Sending spooled batches (homebase_send.c) ---- */

/* One spooled batch between homebase_send_prepare and homebase_send_finish. */
typedef struct {
    uint32_t seq;
    /* The batch read from the spool (malloc), which request.body points into. */
    char *json;
    uplink_request_t request;
} homebase_send_t;

typedef enum {
    /* Nothing to post now: the spool is empty, a retry delay runs, or another send is in flight. */
    HOMEBASE_SEND_IDLE,
    /* `send` holds the oldest batch, signed: post it without the lock, then finish it. */
    HOMEBASE_SEND_READY,
    /* The oldest batch was unreadable and is removed (logged); prepare again. */
    HOMEBASE_SEND_SKIPPED,
} homebase_send_step_t;

/* Under the lock: reads the oldest spooled batch, signs an attempt through the core, and marks the
 * batch in flight. A signing failure starts the retry delay and returns HOMEBASE_SEND_IDLE. */
homebase_send_step_t homebase_send_prepare(homebase_t *homebase, homebase_send_t *send);

/* Under the lock, after a READY prepare and the post (`post_result` and `http_status` as
 * uplink_request_post returned them): deletes the batch after a 200, sets it aside after 400, 413
 * or 415, and otherwise keeps it and starts the retry delay. Frees `send`'s buffer and ends the
 * flight. Returns 0 when the batch was handled (sent or set aside), -1 after a failure. */
int homebase_send_finish(homebase_t *homebase, homebase_send_t *send, int post_result,
                         int http_status);

/* Sends spooled batches oldest first until the spool is empty, a send fails, or `max_batches`
 * were handled. Takes `lock` (not held by the caller) around each prepare and finish and releases
 * it for each post; NULL takes no lock. Returns the number of batches handled. */
uint32_t homebase_send_spooled(homebase_t *homebase, const hb_lock_t *lock, uint32_t max_batches);

/* Under the lock: returns true with the clock time from which the next spooled batch may be sent in
 * *due_at (a past time means now), or false when no batch waits or one is in flight. */
bool homebase_send_next_at(const homebase_t *homebase, uint32_t *due_at);

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
