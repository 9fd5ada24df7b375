#include "oled_screen.h"

#include <stdio.h>

#include "api_events.h"
#include "status.h"

/* Lights a whole text line, including the 2 pixel columns right of the 21st cell, so an inverted
 * line reads as one bar across the screen. */
static void draw_bar(oled_fb_t *fb, int line, const char *text)
{
    for (int y = line * OLED_CELL_HEIGHT; y < (line + 1) * OLED_CELL_HEIGHT; y++) {
        for (int x = 0; x < OLED_WIDTH; x++) {
            oled_fb_set_pixel(fb, x, y, true);
        }
    }
    oled_fb_draw_text(fb, line, 0, text, true);
}

void oled_screen_render(oled_fb_t *fb, const oled_screen_t *screen)
{
    char line[OLED_TEXT_COLUMNS * 2];

    oled_fb_clear(fb);

    snprintf(line, sizeof line, "HOMEMESH %s", screen->home_base_id != NULL ? screen->home_base_id : "");
    draw_bar(fb, 0, line);

    snprintf(line, sizeof line, "IP %s", screen->ip != NULL ? screen->ip : "NO IP");
    oled_fb_draw_text(fb, 1, 0, line, false);

    snprintf(line, sizeof line, "LINK %s SPOOL %u", screen->link_state, (unsigned)screen->spooled);
    oled_fb_draw_text(fb, 2, 0, line, false);

    snprintf(line, sizeof line, "DEVICES %u/%u ON", (unsigned)screen->online_count,
             (unsigned)screen->device_count);
    oled_fb_draw_text(fb, 3, 0, line, false);

    oled_fb_draw_text(fb, 4, 0, "LAST EVENT", false);
    oled_fb_draw_text(fb, 5, 0, screen->last_event != NULL && screen->last_event[0] != '\0'
                                    ? screen->last_event : "NONE", false);

    if (screen->error != NULL) {
        snprintf(line, sizeof line, "! %s", screen->error);
        draw_bar(fb, 7, line);
    } else {
        oled_fb_draw_text(fb, 7, 0, "OK", false);
    }
}

void oled_screen_collect(homebase_t *homebase, const char *ip, const char *error, oled_screen_t *screen)
{
    uint32_t online = 0;

    for (size_t slot = 0; slot < homebase->registry->device_count; slot++) {
        online += core_device_online(homebase->core, (uint32_t)slot) ? 1 : 0;
    }
    *screen = (oled_screen_t){
        .home_base_id = homebase->registry->home_base_id,
        .ip = ip,
        .link_state = status_link_state(homebase),
        .spooled = homebase_spooled_count(homebase),
        .device_count = (uint32_t)homebase->registry->device_count,
        .online_count = online,
        .last_event = homebase->events != NULL ? homebase->events->last_summary : NULL,
        .error = homebase->core->engine->trapped ? "CORE STOPPED"
                 : error != NULL                 ? error
                 : homebase->spool_full          ? "SPOOL FULL"
                                                 : NULL,
    };
}
