#include "uplink_thread.h"

#include <errno.h>
#include <time.h>

#include "hb_log.h"

int uplink_thread_init(uplink_thread_t *thread)
{
    pthread_condattr_t attributes;
    int error;

    thread->sender = NULL;
    thread->running = false;
    thread->initialized = false;
    thread->wake_pending = false;
    thread->stop_requested = false;
    error = pthread_mutex_init(&thread->mutex, NULL);
    if (error != 0) {
        errno = error;
        return -1;
    }

    /* The monotonic clock, so a step of the system clock cannot stretch a wait. */
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    error = pthread_cond_init(&thread->cond, &attributes);
    pthread_condattr_destroy(&attributes);
    if (error != 0) {
        pthread_mutex_destroy(&thread->mutex);
        errno = error;
        return -1;
    }
    thread->initialized = true;
    return 0;
}

static struct timespec deadline_after(uint32_t wait_ms)
{
    struct timespec deadline;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)(wait_ms / 1000);
    deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    return deadline;
}

/* Waits until `wait_ms` passed, a wake arrived or a stop was asked for. Returns false on a stop. */
static bool wait_for_work(uplink_thread_t *thread, uint32_t wait_ms)
{
    struct timespec deadline = deadline_after(wait_ms);
    bool keep_running;

    pthread_mutex_lock(&thread->mutex);
    while (!thread->wake_pending && !thread->stop_requested) {
        if (pthread_cond_timedwait(&thread->cond, &thread->mutex, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    thread->wake_pending = false;
    keep_running = !thread->stop_requested;
    pthread_mutex_unlock(&thread->mutex);
    return keep_running;
}

static void *run_sender(void *arg)
{
    uplink_thread_t *thread = arg;
    uint32_t wait_ms;

    do {
        wait_ms = uplink_sender_round(thread->sender, thread->wait_max_ms);
    } while (wait_for_work(thread, wait_ms));
    return NULL;
}

int uplink_thread_start(uplink_thread_t *thread, uplink_sender_t *sender, uint32_t wait_max_ms)
{
    int error;

    thread->sender = sender;
    thread->wait_max_ms = wait_max_ms;
    error = pthread_create(&thread->thread, NULL, run_sender, thread);
    if (error != 0) {
        errno = error;
        return -1;
    }
    thread->running = true;
    hb_log(HB_LOG_INFO, "uplink sender started: wait_max_ms=%u", (unsigned)wait_max_ms);
    return 0;
}

void uplink_thread_wake(void *ctx)
{
    uplink_thread_t *thread = ctx;

    pthread_mutex_lock(&thread->mutex);
    thread->wake_pending = true;
    pthread_cond_signal(&thread->cond);
    pthread_mutex_unlock(&thread->mutex);
}

void uplink_thread_stop(uplink_thread_t *thread)
{
    if (!thread->initialized) {
        return;
    }

    /* The round ends before its next send, nothing wakes the thread any more, and the wait ends
     * at once. */
    if (thread->sender != NULL) {
        uplink_sender_stop(thread->sender);
    }
    pthread_mutex_lock(&thread->mutex);
    thread->stop_requested = true;
    pthread_cond_signal(&thread->cond);
    pthread_mutex_unlock(&thread->mutex);

    if (thread->running) {
        pthread_join(thread->thread, NULL);
        thread->running = false;
        hb_log(HB_LOG_INFO, "uplink sender stopped");
    }
    pthread_cond_destroy(&thread->cond);
    pthread_mutex_destroy(&thread->mutex);
    thread->initialized = false;
}
