/* The uplink sender's thread on Linux: a pthread that runs uplink_sender_round, then waits on a
 * condition variable until the round's returned time passes, a wake arrives (a batch spooled, an
 * outbox entry added) or a stop is asked for.
 *
 * Limits: uplink_thread_stop joins after the request on its way, if any, returns, so a stop can
 * take up to that request's timeouts (HTTP_CLIENT_TIMEOUT_MS for connecting and for each read or
 * write) while the central server does not respond. */
#ifndef UPLINK_THREAD_H
#define UPLINK_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "uplink_sender.h"

typedef struct {
    uplink_sender_t *sender;
    uint32_t wait_max_ms;
    pthread_t thread;
    bool initialized;
    bool running;
    /* Guard wake_pending and stop_requested only. The home base lock is never held together
     * with them for longer than a flag change. */
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    bool wake_pending;
    bool stop_requested;
} uplink_thread_t;

/* Prepares the flags and the condition variable. Call it before uplink_sender_init, whose `wake`
 * is uplink_thread_wake with this thread as ctx. Returns 0, or -1 (errno set). */
int uplink_thread_init(uplink_thread_t *thread);

/* Starts the thread over `sender`, waiting at most `wait_max_ms` between rounds. Returns 0, or -1
 * (errno set) when the thread could not start. */
int uplink_thread_start(uplink_thread_t *thread, uplink_sender_t *sender, uint32_t wait_max_ms);

/* Ends the current wait at once: the `wake` of uplink_sender_init. Safe from any thread, also
 * under the home base lock. */
void uplink_thread_wake(void *thread);

/* Asks the thread to stop before its next send and joins it, then frees what init made. Call
 * without the home base lock. Does nothing when init did not succeed; safe when the thread never
 * started. */
void uplink_thread_stop(uplink_thread_t *thread);

#endif
