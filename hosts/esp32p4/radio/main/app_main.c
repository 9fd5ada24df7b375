/* The radio co-processor app (ESP32-C6, C3 or S3, ESP-IDF 5.4): ESP-NOW on a fixed channel on one
 * side, the UART link to the home base (docs/radio-link.md) on the other. Wi-Fi is started but
 * never associated and never carries IP traffic. The link logic is the portable radio_coproc.c
 * that the Linux simulator (radio-sim) also runs; the files here only adapt ESP-IDF to it.
 *
 * Nothing here has run on hardware: it was compiled against ESP-IDF 5.4.4's headers only
 * (hosts/esp32p4/radio/README.md). */
#include "coproc_espnow.h"
#include "coproc_event.h"
#include "coproc_link.h"
#include "coproc_uart.h"
#include "coproc_wifi.h"
#include "esp_err.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "sdkconfig.h"

/* A failure here leaves the co-processor useless. ESP_ERROR_CHECK aborts, ESP-IDF's default panic
 * handler restarts the chip, and the home base detects the restart from the lower uptime in the
 * next heartbeat. */
void app_main(void)
{
    QueueHandle_t events = xQueueCreate(COPROC_LINK_QUEUE_LEN, sizeof(coproc_event_t));

    ESP_ERROR_CHECK(events != NULL ? ESP_OK : ESP_ERR_NO_MEM);

    /* The UART starts first, because coproc_link_start sends the version message over it. */
    ESP_ERROR_CHECK(coproc_uart_start(events));
    ESP_ERROR_CHECK(coproc_wifi_start(CONFIG_COPROC_ESPNOW_CHANNEL));
    ESP_ERROR_CHECK(coproc_espnow_start(events, CONFIG_COPROC_ESPNOW_CHANNEL));
    ESP_ERROR_CHECK(coproc_link_start(events));
}
