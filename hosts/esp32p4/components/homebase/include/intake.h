/* Frames from the radio: each goes through the core's frame_accept, is counted by outcome, and on
 * OK is added to the open batch (and a device_status entry when its device came online). */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "registry.h"

/* Rejected counters are indexed by -status; the core's codes run from -1 to -57. */
#define INTAKE_REASON_SLOTS 64
#define INTAKE_MAC_LEN 6
/* Rejected-frame log lines per clock second; a flood of bad frames is counted, not all logged. */
#define INTAKE_REJECT_LOGS_PER_SEC 10

/* Called when the open batch is full: seal it and keep it safe, so the frame can be added again.
 * Returns 0 on success. */
typedef int (*intake_batch_full_fn)(void *ctx);

/* Called for each accepted frame before it is batched, while the core's getters still describe it.
 * Returns true when the frame was taken elsewhere (a manifest opens a media transfer) and must not
 * be batched. */
typedef bool (*intake_accepted_fn)(void *ctx, size_t len, uint32_t now);

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
} intake_t;

void intake_init(intake_t *intake, core_t *core, const registry_t *registry,
                 const hb_clock_t *clock, intake_batch_full_fn on_batch_full, void *ctx);

/* Sets the hook that is called first for each accepted frame (NULL removes it). */
void intake_set_accepted_hook(intake_t *intake, intake_accepted_fn on_accepted, void *ctx);

/* Takes one frame as received and returns the core's status for it. `mac` is the sender's radio
 * address, used for log lines only, because the frame's signature, not its MAC, names the sender. */
int32_t intake_frame(intake_t *intake, const uint8_t *frame, size_t len,
                     const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi);

/* Total of every rejected counter. */
uint32_t intake_rejected_total(const intake_t *intake);

#endif
