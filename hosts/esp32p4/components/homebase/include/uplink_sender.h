/* The uplink sender: everything the home base sends to the central server, in its own thread or
 * task, so that the main loop keeps reading the radio while a request waits on the network.
 *
 * A round sends the spooled batches (homebase_send_spooled), then each outbox (command results,
 * media reports), and returns how long the port may wait before the next round. Each send takes
 * the home base lock to prepare and to finish, and releases it for the post, so a slow or
 * unreachable central server holds the lock for none of the post's time. Between rounds the port's
 * loop waits on its own primitive (a condition variable on Linux, a task notification on the
 * ESP32-P4) until the returned time passes or `wake` runs. The home base calls `wake` whenever it
 * spools a batch, and the outboxes whenever they take an entry. Standard C only. */
#ifndef UPLINK_SENDER_H
#define UPLINK_SENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hb_lock.h"
#include "homebase.h"
#include "outbox.h"

/* Outboxes one sender serves: the command results and the media reports, with room to spare. */
#define UPLINK_SENDER_OUTBOX_MAX 4

typedef struct {
    homebase_t *homebase;
    outbox_t *outboxes[UPLINK_SENDER_OUTBOX_MAX];
    size_t outbox_count;
    hb_lock_t lock;
    void (*wake)(void *ctx);
    void *wake_ctx;
    /* Set under the lock by uplink_sender_stop. A round checks it before each send. */
    bool stop_requested;
} uplink_sender_t;

/* Sets the sender up for `homebase` under `lock` (copied), and has the home base call `wake` with
 * `wake_ctx` whenever it spools a batch. `wake` runs under the lock, so it must not take it. Call
 * with the lock held once other threads use the home base. */
void uplink_sender_init(uplink_sender_t *sender, homebase_t *homebase, const hb_lock_t *lock,
                        void (*wake)(void *ctx), void *wake_ctx);

/* Adds `outbox`, sent after the batches in each round, and has it call the same `wake` on every new
 * entry. Call with the lock held once other threads use the outbox. Returns 0, or -1 when
 * UPLINK_SENDER_OUTBOX_MAX outboxes are added already. */
int uplink_sender_add_outbox(uplink_sender_t *sender, outbox_t *outbox);

/* Asks a running round to return before its next send (the request on its way, if any, still
 * finishes), and detaches `wake` from the home base and the outboxes. Takes the lock itself, so
 * the caller must not hold it. */
void uplink_sender_stop(uplink_sender_t *sender);

/* Runs one round; the caller does not hold the lock. Returns the milliseconds until the next send is
 * due: 0 when one is due now, and at most `wait_max_ms` (also when nothing waits). The clock counts
 * whole seconds, so a retry delay may end up to a second before the returned time. */
uint32_t uplink_sender_round(uplink_sender_t *sender, uint32_t wait_max_ms);

#endif
