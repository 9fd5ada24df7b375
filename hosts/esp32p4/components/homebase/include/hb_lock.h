/* The one lock around the home base: a pthread mutex on Linux, a FreeRTOS mutex on the ESP32-P4.
 * The main loop, the local API's handlers and the uplink sender take it around every use of the
 * home base, so the portable modules take it through this interface without knowing the port. */
#ifndef HB_LOCK_H
#define HB_LOCK_H

#include <stddef.h>

typedef struct {
    void (*acquire)(void *ctx);
    void (*release)(void *ctx);
    void *ctx;
} hb_lock_t;

/* Takes `lock`. A NULL lock takes nothing, for a caller that runs alone (a test, or a program with
 * one thread). */
static inline void hb_lock_acquire(const hb_lock_t *lock)
{
    if (lock != NULL) {
        lock->acquire(lock->ctx);
    }
}

static inline void hb_lock_release(const hb_lock_t *lock)
{
    if (lock != NULL) {
        lock->release(lock->ctx);
    }
}

#endif
