/* Adapts ESP-IDF's UART driver (driver/uart.h) to the link: one port from Kconfig, 8N1, no flow
 * control, and a task that blocks until bytes arrive and queues them for the link task. */
#include "coproc_uart.h"

#include "coproc_check.h"
#include "coproc_event.h"
#include "driver/gpio.h"
#include "driver/uart.h"
#include "esp_log.h"
#include "freertos/task.h"
#include "sdkconfig.h"
#include "soc/soc_caps.h"

#define UART_PORT ((uart_port_t)CONFIG_COPROC_UART_PORT)
/* Driver ring buffers. RX has room for about 7 of the longest messages (264 bytes on the wire)
 * while the link task's queue is full, and TX for about 3. Both exceed the hardware FIFO (UART_HW_FIFO_LEN,
 * 128 bytes on these chips), as uart_driver_install requires. */
#define UART_RX_BUFFER_LEN 2048
#define UART_TX_BUFFER_LEN 1024
#define READER_TASK_STACK_LEN 3072
#define READER_TASK_PRIORITY 5
/* After a driver error, the reader waits this long before it reads again, so a broken driver does
 * not flood the log. */
#define READER_ERROR_PAUSE_MS 1000

_Static_assert(CONFIG_COPROC_UART_PORT < SOC_UART_HP_NUM,
               "COPROC_UART_PORT must be an HP UART of this chip (below SOC_UART_HP_NUM)");
_Static_assert(GPIO_IS_VALID_OUTPUT_GPIO(CONFIG_COPROC_UART_TX_GPIO),
               "COPROC_UART_TX_GPIO is not an output GPIO of this chip");
_Static_assert(GPIO_IS_VALID_GPIO(CONFIG_COPROC_UART_RX_GPIO),
               "COPROC_UART_RX_GPIO is not a GPIO of this chip");
_Static_assert(CONFIG_COPROC_UART_TX_GPIO != CONFIG_COPROC_UART_RX_GPIO,
               "COPROC_UART_TX_GPIO and COPROC_UART_RX_GPIO must differ");

static const char *TAG = "coproc_uart";

/* Reads what has arrived, at least one byte, into one queue item. */
static int read_piece(coproc_event_t *event)
{
    size_t buffered = 0;
    int len = uart_read_bytes(UART_PORT, event->data, 1, portMAX_DELAY);
    int more;

    if (len <= 0) {
        return len;
    }
    if (uart_get_buffered_data_len(UART_PORT, &buffered) != ESP_OK || buffered == 0) {
        return len;
    }
    if (buffered > sizeof event->data - 1) {
        buffered = sizeof event->data - 1;
    }
    more = uart_read_bytes(UART_PORT, event->data + 1, buffered, 0);
    return more > 0 ? len + more : len;
}

static void reader_task(void *arg)
{
    QueueHandle_t events = arg;

    for (;;) {
        coproc_event_t event = { .kind = COPROC_EVENT_UART_BYTES };
        int len = read_piece(&event);

        if (len < 0) {
            ESP_LOGE(TAG, "uart_read_bytes failed: port=%d", CONFIG_COPROC_UART_PORT);
            vTaskDelay(pdMS_TO_TICKS(READER_ERROR_PAUSE_MS));
            continue;
        }
        if (len == 0) {
            continue;
        }

        /* Waiting here lets the driver's RX buffer take the bytes that follow. */
        event.len = (uint16_t)len;
        xQueueSend(events, &event, portMAX_DELAY);
    }
}

static esp_err_t configure_port(void)
{
    const uart_config_t config = {
        .baud_rate = CONFIG_COPROC_UART_BAUD,
        .data_bits = UART_DATA_8_BITS,
        .parity = UART_PARITY_DISABLE,
        .stop_bits = UART_STOP_BITS_1,
        .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
        .source_clk = UART_SCLK_DEFAULT,
    };

    COPROC_RETURN_ON_ERROR(TAG, uart_param_config(UART_PORT, &config));
    COPROC_RETURN_ON_ERROR(TAG, uart_set_pin(UART_PORT, CONFIG_COPROC_UART_TX_GPIO,
                                             CONFIG_COPROC_UART_RX_GPIO, UART_PIN_NO_CHANGE,
                                             UART_PIN_NO_CHANGE));

    /* uart_set_pin (ESP-IDF 5.4) enables no pull-up on an HP UART's RX pin. This one keeps the
     * line idle-high while the home base does not drive it (during its reset, say), so a floating
     * line does not turn into stray bytes. */
    COPROC_RETURN_ON_ERROR(TAG, gpio_pullup_en(CONFIG_COPROC_UART_RX_GPIO));
    return ESP_OK;
}

esp_err_t coproc_uart_start(QueueHandle_t events)
{
    esp_err_t err;

    COPROC_RETURN_ON_ERROR(TAG, uart_driver_install(UART_PORT, UART_RX_BUFFER_LEN, UART_TX_BUFFER_LEN,
                                                    0, NULL, 0));
    err = configure_port();
    if (err == ESP_OK &&
        xTaskCreate(reader_task, "coproc_uart_rx", READER_TASK_STACK_LEN, events,
                    READER_TASK_PRIORITY, NULL) != pdPASS) {
        ESP_LOGE(TAG, "xTaskCreate failed for the UART reader: out of memory");
        err = ESP_ERR_NO_MEM;
    }
    if (err != ESP_OK) {
        uart_driver_delete(UART_PORT);
        return err;
    }

    ESP_LOGI(TAG, "uart started: port=%d tx_gpio=%d rx_gpio=%d baud=%d", CONFIG_COPROC_UART_PORT,
             CONFIG_COPROC_UART_TX_GPIO, CONFIG_COPROC_UART_RX_GPIO, CONFIG_COPROC_UART_BAUD);
    return ESP_OK;
}

int coproc_uart_write(const uint8_t *bytes, size_t len)
{
    int written = uart_write_bytes(UART_PORT, bytes, len);

    return written == (int)len ? 0 : -1;
}
