/* The one clock of the home base. Every module reads the time from it, so tests move a manual clock. */
#ifndef HB_CLOCK_H
#define HB_CLOCK_H

#include <stdint.h>

/* Returns Unix seconds. `ctx` is the clock's own state (NULL for the system clock). */
typedef uint32_t (*hb_clock_fn)(void *ctx);

typedef struct {
    hb_clock_fn now;
    void *ctx;
} hb_clock_t;

static inline uint32_t hb_clock_now(const hb_clock_t *clock)
{
    return clock->now(clock->ctx);
}

#endif
