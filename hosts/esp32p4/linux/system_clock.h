/* The Linux clock: Unix seconds from CLOCK_REALTIME. */
#ifndef SYSTEM_CLOCK_H
#define SYSTEM_CLOCK_H

#include "hb_clock.h"

extern const hb_clock_t system_clock;

#endif
