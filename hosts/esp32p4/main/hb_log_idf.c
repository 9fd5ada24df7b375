/* Adapts hb_log's sink to ESP_LOG (hb_log_idf.h). */
#include "hb_log_idf.h"

#include "esp_log.h"
#include "hb_log.h"
#include "sdkconfig.h"

static const char *TAG = "homebase";

static void write_line(hb_log_level_t level, const char *line)
{
    switch (level) {
    case HB_LOG_ERROR: ESP_LOGE(TAG, "%s", line); break;
    case HB_LOG_WARN: ESP_LOGW(TAG, "%s", line); break;
    case HB_LOG_INFO: ESP_LOGI(TAG, "%s", line); break;
    default: ESP_LOGD(TAG, "%s", line); break;
    }
}

void hb_log_idf_install(void)
{
    hb_log_level_t max_level = CONFIG_LOG_DEFAULT_LEVEL >= ESP_LOG_DEBUG ? HB_LOG_DEBUG : HB_LOG_INFO;

    hb_log_set_sink(write_line, max_level);
}
