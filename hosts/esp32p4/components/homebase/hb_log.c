#include "hb_log.h"

#include <stdarg.h>
#include <stdio.h>

static hb_log_sink_fn s_sink;
static hb_log_level_t s_max_level = HB_LOG_INFO;

static const char *const s_level_names[] = { "error", "warn", "info", "debug" };

void hb_log_set_sink(hb_log_sink_fn sink, hb_log_level_t max_level)
{
    s_sink = sink;
    s_max_level = max_level;
}

void hb_log(hb_log_level_t level, const char *format, ...)
{
    char line[256];
    va_list args;

    if (level > s_max_level) {
        return;
    }

    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);

    if (s_sink != NULL) {
        s_sink(level, line);
        return;
    }
    fprintf(stderr, "%s: %s\n", s_level_names[level], line);
}
