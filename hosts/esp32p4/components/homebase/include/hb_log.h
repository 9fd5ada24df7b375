/* Log lines of the portable code. The Linux build writes them to stderr; the ESP-IDF app plugs in
 * ESP_LOG through hb_log_set_sink. */
#ifndef HB_LOG_H
#define HB_LOG_H

typedef enum {
    HB_LOG_ERROR,
    HB_LOG_WARN,
    HB_LOG_INFO,
    HB_LOG_DEBUG,
} hb_log_level_t;

typedef void (*hb_log_sink_fn)(hb_log_level_t level, const char *line);

/* Replaces the sink (NULL restores stderr). Lines above `max_level` are dropped before formatting. */
void hb_log_set_sink(hb_log_sink_fn sink, hb_log_level_t max_level);

void hb_log(hb_log_level_t level, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

#endif
