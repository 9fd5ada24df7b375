/* Sends the portable code's log lines (hb_log.h) to ESP_LOG under the tag "homebase". */
#ifndef HB_LOG_IDF_H
#define HB_LOG_IDF_H

/* Installs the sink. Debug lines are dropped before formatting unless ESP-IDF's default log level
 * (CONFIG_LOG_DEFAULT_LEVEL) is debug or verbose. */
void hb_log_idf_install(void);

#endif
