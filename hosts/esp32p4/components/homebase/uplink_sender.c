#include "uplink_sender.h"

#include <string.h>

void uplink_sender_init(uplink_sender_t *sender, homebase_t *homebase, const hb_lock_t *lock,
                        void (*wake)(void *ctx), void *wake_ctx)
{
    memset(sender, 0, sizeof *sender);
    sender->homebase = homebase;
    sender->lock = *lock;
    sender->wake = wake;
    sender->wake_ctx = wake_ctx;
    homebase->on_spooled = wake;
    homebase->spooled_ctx = wake_ctx;
}

int uplink_sender_add_outbox(uplink_sender_t *sender, outbox_t *outbox)
{
    if (sender->outbox_count == UPLINK_SENDER_OUTBOX_MAX) {
        return -1;
    }
    sender->outboxes[sender->outbox_count++] = outbox;
    outbox->on_commit = sender->wake;
    outbox->commit_ctx = sender->wake_ctx;
    return 0;
}

/* Under the lock: the earliest time anything waiting may be sent. Returns false when nothing waits
 * (or all that waits is on its way). */
static bool earliest_due(const uplink_sender_t *sender, uint32_t *earliest)
{
    bool waiting = homebase_send_next_at(sender->homebase, earliest);
    uint32_t due_at;

    for (size_t i = 0; i < sender->outbox_count; i++) {
        if (outbox_next_at(sender->outboxes[i], &due_at) && (!waiting || due_at < *earliest)) {
            *earliest = due_at;
            waiting = true;
        }
    }
    return waiting;
}

static uint32_t wait_until_due(const uplink_sender_t *sender, uint32_t wait_max_ms)
{
    uint32_t now = hb_clock_now(sender->homebase->clock);
    uint32_t earliest = 0;

    if (!earliest_due(sender, &earliest)) {
        return wait_max_ms;
    }
    if (earliest <= now) {
        return 0;
    }

    /* Compared in seconds first, so the product cannot overflow. */
    return earliest - now > wait_max_ms / 1000 ? wait_max_ms : (earliest - now) * 1000;
}

void uplink_sender_stop(uplink_sender_t *sender)
{
    hb_lock_acquire(&sender->lock);
    sender->stop_requested = true;

    /* Nothing wakes a sender that is gone: a batch sealed after this waits in the spool. */
    sender->homebase->on_spooled = NULL;
    for (size_t i = 0; i < sender->outbox_count; i++) {
        sender->outboxes[i]->on_commit = NULL;
    }
    hb_lock_release(&sender->lock);
}

static bool stopping(uplink_sender_t *sender)
{
    bool stop;

    hb_lock_acquire(&sender->lock);
    stop = sender->stop_requested;
    hb_lock_release(&sender->lock);
    return stop;
}

uint32_t uplink_sender_round(uplink_sender_t *sender, uint32_t wait_max_ms)
{
    uint32_t wait_ms;

    /* One batch at a time, so a stop waits for one request at most. */
    for (uint32_t i = 0; i < HOMEBASE_SEND_MAX_PER_ROUND && !stopping(sender); i++) {
        if (homebase_send_spooled(sender->homebase, &sender->lock, 1) == 0) {
            break;
        }
    }
    for (size_t i = 0; i < sender->outbox_count && !stopping(sender); i++) {
        outbox_flush(sender->outboxes[i], &sender->lock);
    }

    hb_lock_acquire(&sender->lock);
    wait_ms = wait_until_due(sender, wait_max_ms);
    hb_lock_release(&sender->lock);
    return wait_ms;
}
