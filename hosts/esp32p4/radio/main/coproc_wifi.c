/* Adapts ESP-IDF's Wi-Fi driver (esp_wifi.h) to the co-processor's needs: a started station
 * interface on a fixed channel, with no connect and no network interface. */
#include "coproc_wifi.h"

#include "coproc_check.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_wifi.h"
#include "nvs_flash.h"

static const char *TAG = "coproc_wifi";

/* Erases NVS and retries once when its partition is full or was written by a newer NVS format,
 * as ESP-IDF's nvs_flash_init documentation advises. The app keeps nothing else in NVS. */
static esp_err_t init_nvs(void)
{
    esp_err_t err = nvs_flash_init();

    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_LOGW(TAG, "nvs_flash_init failed: %s; erasing NVS and retrying", esp_err_to_name(err));
        COPROC_RETURN_ON_ERROR(TAG, nvs_flash_erase());
        err = nvs_flash_init();
    }
    return err;
}

esp_err_t coproc_wifi_start(uint8_t channel)
{
    wifi_init_config_t init_config = WIFI_INIT_CONFIG_DEFAULT();
    uint8_t mac[6];

    COPROC_RETURN_ON_ERROR(TAG, init_nvs());
    COPROC_RETURN_ON_ERROR(TAG, esp_event_loop_create_default());

    /* Station mode, configuration in RAM only: no access point is stored or joined. */
    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_init(&init_config));
    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_set_storage(WIFI_STORAGE_RAM));
    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_set_mode(WIFI_MODE_STA));
    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_start());

    /* The channel can be set only once Wi-Fi has started (esp_wifi_set_channel's documentation).
     * Power saving stays off so the radio listens all the time. */
    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_set_channel(channel, WIFI_SECOND_CHAN_NONE));
    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_set_ps(WIFI_PS_NONE));

    COPROC_RETURN_ON_ERROR(TAG, esp_wifi_get_mac(WIFI_IF_STA, mac));
    ESP_LOGI(TAG, "wifi started: mode=station channel=%u mac=" MACSTR, (unsigned)channel, MAC2STR(mac));
    return ESP_OK;
}
