/* Sends the portable code's log lines (hb_log.h) to ESP_LOG under the tag "homebase". */
#ifndef HB_LOG_IDF_H
#define HB_LOG_IDF_H

/* Installs the sink; lines above ESP-IDF's default log level are dropped before formatting. */
void hb_log_idf_install(void);

#endif
