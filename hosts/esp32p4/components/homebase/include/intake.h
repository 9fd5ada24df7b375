/* Frames from the radio: each goes through the core's frame_accept, is counted by outcome, and on
 * OK is added to the open batch (and a device_status entry when its device came online). */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "registry.h"
#include "verify_budget.h"

/* Rejected counters are indexed by -status; the core's codes run from -1 to -57. */
#define INTAKE_REASON_SLOTS 64
#define INTAKE_MAC_LEN 6
#define INTAKE_FRAME_TYPE_ACK 0x05
/* Rejected-frame log lines per clock second; a flood of bad frames is counted, not all logged. */
#define INTAKE_REJECT_LOGS_PER_SEC 10
/* intake_admit: the frame passed the cheap checks but its verify queue dropped it. Below every core
 * code and the host codes of core_api.h. */
#define INTAKE_DROPPED (-2000)

/* Called when the open batch is full: seal it and keep it safe, so the frame can be added again.
 * Returns 0 on success. */
typedef int (*intake_batch_full_fn)(void *ctx);

/* Called for each accepted frame before it is batched, while the core's getters still describe it.
 * Returns true when the frame was taken elsewhere (a manifest opens a media transfer) and must not
 * be batched. */
typedef bool (*intake_accepted_fn)(void *ctx, size_t len, uint32_t now);

/* What the home base does with an accepted frame besides batching it. Each hook may be NULL. */
typedef struct {
    /* Writes the replay state when the core says a floor moved (docs/protocol.md section 10.3).
     * Runs after frame_accept and before anything acts on the frame; a non-zero return drops the
     * frame unbatched, because acting on it could not be made to survive a restart. */
    int (*persist_replay)(void *ctx);
    void *persist_ctx;
    /* An acknowledgement (0x05) from the device in `slot`, still in the core's frame buffer and
     * given whole in `frame`. Acknowledgements are not batched. */
    void (*on_ack)(void *ctx, uint32_t slot, const uint8_t *frame, size_t len);
    void *ack_ctx;
    /* The device in `slot` signed with its next key, which is now its only key. */
    void (*on_key_rotated)(void *ctx, uint32_t slot);
    void *key_rotated_ctx;
    /* A log, motion or heartbeat frame was accepted and handed to the batcher (live events for the
     * local dashboard). Runs for frames from the verify queue and from POST /api/v1/logs alike. */
    void (*on_batched)(void *ctx, const uint8_t *frame, size_t len, uint32_t now);
    void *batched_ctx;
} intake_hooks_t;

typedef struct {
    core_t *core;
    const registry_t *registry;
    const hb_clock_t *clock;
    intake_batch_full_fn on_batch_full;
    void *on_batch_full_ctx;
    intake_accepted_fn on_accepted;
    void *on_accepted_ctx;

    uint32_t accepted;
    uint32_t accepted_by_slot[REGISTRY_MAX_DEVICES];
    /* Counts of statuses outside the core's range (host failures such as ENGINE_FAILED). */
    uint32_t rejected_other;
    uint32_t rejected_by_reason[INTAKE_REASON_SLOTS];

    /* The second the rejected-frame log budget belongs to, lines logged in it, and lines dropped. */
    uint32_t log_second;
    uint32_t logged_in_second;
    uint32_t suppressed_logs;

    intake_hooks_t hooks;
    /* The MAC address of each slot's last accepted frame, where commands to the device are sent. */
    uint8_t mac_by_slot[REGISTRY_MAX_DEVICES][INTAKE_MAC_LEN];
    bool mac_known[REGISTRY_MAX_DEVICES];
    /* Frames that passed the cheap checks wait here for their verify (intake_queue.c). */
    verify_budget_t budget;
} intake_t;

void intake_init(intake_t *intake, core_t *core, const registry_t *registry,
                 const hb_clock_t *clock, intake_batch_full_fn on_batch_full, void *ctx);

/* Sets the hook that is called first for each accepted frame (NULL removes it). */
void intake_set_accepted_hook(intake_t *intake, intake_accepted_fn on_accepted, void *ctx);

/* Takes one frame as received and returns the core's status for it. `mac` is the sender's radio
 * address, used for log lines only, because the frame's signature, not its MAC, names the sender. */
int32_t intake_frame(intake_t *intake, const uint8_t *frame, size_t len,
                     const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* The cheap checks (core frame_precheck), then the verify queue of the frame's sender. A frame
 * failing a cheap check is counted as rejected at once; a chunk (no signature to verify) goes to
 * intake_frame directly. Returns the precheck status, 0 when the frame was queued or taken, or
 * INTAKE_DROPPED when the verify queue dropped it. */
int32_t intake_admit(intake_t *intake, const uint8_t *frame, size_t len,
                     const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* Runs intake_frame on queued frames, round robin by sender, while this clock second's verify
 * budget lasts. Returns the number of frames taken from the queues. */
uint32_t intake_serve(intake_t *intake);

/* Total of every rejected counter. */
uint32_t intake_rejected_total(const intake_t *intake);

#endif
