#include "system_clock.h"

#include <time.h>

static uint32_t system_now(void *ctx)
{
    struct timespec now;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint32_t)now.tv_sec;
}

const hb_clock_t system_clock = { .now = system_now, .ctx = 0 };
