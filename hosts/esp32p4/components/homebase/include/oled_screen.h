/* The OLED status screen, for a person standing at the home base without a phone. Eight text lines of
 * the built-in font:
 *
 *   0  HOMEMESH <home base id>      (lit bar)
 *   1  IP <address>
 *   2  LINK <state> SPOOL <batches waiting>
 *   3  DEVICES <online>/<registered> ON
 *   4  LAST EVENT
 *   5  <event> <device id>
 *   7  ! <error>  or  OK            (lit bar for an error)
 *
 * Text longer than a line (21 characters) is cut at the right edge. */
#ifndef OLED_SCREEN_H
#define OLED_SCREEN_H

#include <stdint.h>

#include "homebase.h"
#include "oled_fb.h"

typedef struct {
    const char *home_base_id;
    /* The home base's IP address as text; NULL shows "NO IP". */
    const char *ip;
    /* "up", "down" or "unknown" (status_link_state). */
    const char *link_state;
    uint32_t spooled;
    uint32_t device_count;
    uint32_t online_count;
    /* "motion porch-cam" and the like; NULL or "" shows "NONE". */
    const char *last_event;
    /* The most urgent problem ("NO SD CARD"), NULL when there is none. */
    const char *error;
} oled_screen_t;

/* Clears `fb` and draws `screen` into it. */
void oled_screen_render(oled_fb_t *fb, const oled_screen_t *screen);

/* Fills `screen` from the home base (called under its lock). `ip` and `error` come from the port,
 * because only the port can read its network interface and its SD card. The strings stay owned by
 * their sources. The error line shows, first to last: "CORE STOPPED", the port's `error`, and
 * "SPOOL FULL" while the home base seals no batch. */
void oled_screen_collect(homebase_t *homebase, const char *ip, const char *error, oled_screen_t *screen);

#endif
