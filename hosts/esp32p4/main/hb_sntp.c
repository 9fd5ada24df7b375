/* Adapts esp_netif_sntp to the home base's clock and its time-is-set flag (hb_sntp.h). */
#include "hb_sntp.h"

#include <stdatomic.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "esp_log.h"
#include "esp_netif_sntp.h"
#include "sdkconfig.h"

static const char *TAG = "hb_sntp";

static atomic_bool s_time_is_set;

static uint32_t read_system_time(void *ctx)
{
    (void)ctx;
    return (uint32_t)time(NULL);
}

const hb_clock_t hb_sntp_clock = { .now = read_system_time, .ctx = NULL };

/* Runs in the lwIP task after each synchronisation. */
static void on_time_synchronised(struct timeval *tv)
{
    if (!atomic_exchange(&s_time_is_set, true)) {
        ESP_LOGI(TAG, "time set by sntp: unix=%lld", (long long)tv->tv_sec);
    }
}

esp_err_t hb_sntp_start(void)
{
    esp_sntp_config_t config = ESP_NETIF_SNTP_DEFAULT_CONFIG(CONFIG_HB_SNTP_SERVER_PRIMARY);
    esp_err_t err;

#if CONFIG_LWIP_SNTP_MAX_SERVERS > 1
    if (strlen(CONFIG_HB_SNTP_SERVER_SECONDARY) > 0) {
        config.servers[1] = CONFIG_HB_SNTP_SERVER_SECONDARY;
        config.num_of_servers = 2;
    }
#endif
    /* Nothing waits on the semaphore, because the command path reads the flag instead. */
    config.wait_for_sync = false;
    config.sync_cb = on_time_synchronised;

    err = esp_netif_sntp_init(&config);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "esp_netif_sntp_init failed: %s", esp_err_to_name(err));
    }
    return err;
}

bool hb_sntp_time_is_set(void)
{
    return atomic_load(&s_time_is_set);
}
