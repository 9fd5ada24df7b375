/* The UART to the radio co-processor (radio_uart.h): ESP-IDF's UART driver under the portable
 * radio link, which does all framing (COBS, CRC, message types).
 *
 * Checked on these machines: compiled against ESP-IDF 5.4.4's headers, and the link's C runs in the
 * Linux simulator over a pseudo-terminal. Only hardware can show the pins, the baud rate over the
 * board's traces and the co-processor's reset through EN and BOOT. */
#include "radio_uart.h"

#include "driver/gpio.h"
#include "driver/uart.h"
#include "esp_check.h"
#include "esp_log.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "link_message.h"
#include "sdkconfig.h"
/* The radio firmware version this home base expects, defined once for the simulator, the radio app
 * and this app. */
#include "../linux/radio_firmware.h"

#define RADIO_UART_PORT CONFIG_HOMEBASE_RADIO_UART_PORT

/* The driver's receive buffer: 8 messages of the longest kind on the wire (2112 bytes). That is
 * about 45 ms of back-to-back messages at 460800 baud, or about 80 ms at the roughly 100 frames a
 * second that ESP-NOW delivers, while the reading task is busy (a verify, an SD card write). Bytes
 * beyond it are dropped, and the link's decoder resynchronises at the next 0x00. */
#define RADIO_UART_RX_BUFFER_LEN (8 * LINK_WIRE_MAX_LEN)
/* The transmit buffer: 4 messages, so a writer under the home base lock rarely waits for the wire. */
#define RADIO_UART_TX_BUFFER_LEN (4 * LINK_WIRE_MAX_LEN)

/* The co-processor's EN low time: an estimate with a wide margin, because an RC delay on the EN line
 * (common on modules) slows its edges. */
#define RADIO_EN_LOW_MS 10

/* A pin shared with the OLED's I2C bus would break both, so the build fails instead. */
#if CONFIG_HOMEBASE_RADIO_BOOT_GPIO == CONFIG_HOMEBASE_OLED_SDA_GPIO || \
    CONFIG_HOMEBASE_RADIO_BOOT_GPIO == CONFIG_HOMEBASE_OLED_SCL_GPIO
#error "the radio co-processor's BOOT GPIO is also an OLED I2C pin: move the OLED (Kconfig.peripherals)"
#endif
#if CONFIG_HOMEBASE_RADIO_UART_TX_GPIO == CONFIG_HOMEBASE_OLED_SDA_GPIO || \
    CONFIG_HOMEBASE_RADIO_UART_TX_GPIO == CONFIG_HOMEBASE_OLED_SCL_GPIO || \
    CONFIG_HOMEBASE_RADIO_UART_RX_GPIO == CONFIG_HOMEBASE_OLED_SDA_GPIO || \
    CONFIG_HOMEBASE_RADIO_UART_RX_GPIO == CONFIG_HOMEBASE_OLED_SCL_GPIO
#error "a radio UART GPIO is also an OLED I2C pin: change one of them (Kconfig.peripherals)"
#endif

static const char *TAG = "radio_uart";

static bool s_started;

/* The link's writer: radio_link calls it for every message, with the home base lock held. */
static int write_to_uart(void *ctx, const uint8_t *bytes, size_t len)
{
    (void)ctx;

    int written = uart_write_bytes(RADIO_UART_PORT, bytes, len);
    if (written < 0 || (size_t)written != len) {
        ESP_LOGW(TAG, "uart_write_bytes wrote %d of %u bytes", written, (unsigned)len);
        return -1;
    }
    return 0;
}

#if CONFIG_HOMEBASE_RADIO_BOOT_GPIO >= 0 || CONFIG_HOMEBASE_RADIO_EN_GPIO >= 0
/* Makes `gpio` an output at `level`. The level is set first, so the pin never shows the other one. */
static esp_err_t drive_pin(int gpio, int level)
{
    const gpio_config_t config = {
        .pin_bit_mask = 1ULL << gpio,
        .mode = GPIO_MODE_OUTPUT,
        .pull_up_en = GPIO_PULLUP_DISABLE,
        .pull_down_en = GPIO_PULLDOWN_DISABLE,
        .intr_type = GPIO_INTR_DISABLE,
    };

    ESP_RETURN_ON_ERROR(gpio_set_level(gpio, level), TAG, "gpio_set_level failed on GPIO %d", gpio);
    return gpio_config(&config);
}
#endif

/* Holds BOOT high and pulses EN, where Kconfig names those pins, so the co-processor starts its app
 * (not the serial download mode) together with this side of the link. */
static esp_err_t reset_coprocessor(void)
{
#if CONFIG_HOMEBASE_RADIO_BOOT_GPIO >= 0
    ESP_RETURN_ON_ERROR(drive_pin(CONFIG_HOMEBASE_RADIO_BOOT_GPIO, 1), TAG, "BOOT GPIO not driven high");
#endif
#if CONFIG_HOMEBASE_RADIO_EN_GPIO >= 0
    ESP_RETURN_ON_ERROR(drive_pin(CONFIG_HOMEBASE_RADIO_EN_GPIO, 0), TAG, "EN GPIO not driven low");
    vTaskDelay(pdMS_TO_TICKS(RADIO_EN_LOW_MS));
    ESP_RETURN_ON_ERROR(gpio_set_level(CONFIG_HOMEBASE_RADIO_EN_GPIO, 1), TAG, "EN GPIO not released");
    ESP_LOGI(TAG, "radio co-processor reset through EN GPIO %d", CONFIG_HOMEBASE_RADIO_EN_GPIO);
#endif
    return ESP_OK;
}

/* Installs and configures the UART driver. On failure the driver is removed again. */
static esp_err_t install_uart(void)
{
    esp_err_t ret = ESP_OK;
    const uart_config_t config = {
        .baud_rate = CONFIG_HOMEBASE_RADIO_UART_BAUD,
        .data_bits = UART_DATA_8_BITS,
        .parity = UART_PARITY_DISABLE,
        .stop_bits = UART_STOP_BITS_1,
        .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
        .source_clk = UART_SCLK_DEFAULT,
    };

    ESP_RETURN_ON_ERROR(uart_driver_install(RADIO_UART_PORT, RADIO_UART_RX_BUFFER_LEN, RADIO_UART_TX_BUFFER_LEN, 0,
                                            NULL, 0),
                        TAG, "uart_driver_install failed on UART %d", RADIO_UART_PORT);
    ESP_GOTO_ON_ERROR(uart_param_config(RADIO_UART_PORT, &config), fail, TAG, "uart_param_config failed (baud %d)",
                      CONFIG_HOMEBASE_RADIO_UART_BAUD);
    ESP_GOTO_ON_ERROR(uart_set_pin(RADIO_UART_PORT, CONFIG_HOMEBASE_RADIO_UART_TX_GPIO,
                                   CONFIG_HOMEBASE_RADIO_UART_RX_GPIO, UART_PIN_NO_CHANGE, UART_PIN_NO_CHANGE),
                      fail, TAG, "uart_set_pin failed (TX GPIO %d, RX GPIO %d)", CONFIG_HOMEBASE_RADIO_UART_TX_GPIO,
                      CONFIG_HOMEBASE_RADIO_UART_RX_GPIO);
    return ESP_OK;

fail:
    uart_driver_delete(RADIO_UART_PORT);
    return ret;
}

esp_err_t radio_uart_start(radio_link_t *link, const hb_clock_t *clock)
{
    const link_version_t bundled = {
        .firmware_major = RADIO_FIRMWARE_MAJOR,
        .firmware_minor = RADIO_FIRMWARE_MINOR,
        .firmware_patch = RADIO_FIRMWARE_PATCH,
    };
    /* A lone delimiter ends whatever partial message line noise left at the co-processor. */
    static const uint8_t delimiter = 0x00;

    ESP_RETURN_ON_FALSE(!s_started, ESP_ERR_INVALID_STATE, TAG, "radio_uart_start called twice");
    ESP_RETURN_ON_ERROR(install_uart(), TAG, "radio UART not started");
    s_started = true;

    esp_err_t err = reset_coprocessor();
    if (err != ESP_OK) {
        /* The link still works when the co-processor runs already, so this is only a warning. */
        ESP_LOGW(TAG, "radio co-processor not reset: %s", esp_err_to_name(err));
    }
    write_to_uart(NULL, &delimiter, 1);

    /* radio_link_init sends the version message, so the UART is ready before it. */
    radio_link_init(link, write_to_uart, NULL, clock, &bundled);
    ESP_LOGI(TAG, "radio link on UART %d (TX GPIO %d, RX GPIO %d, %d baud)", RADIO_UART_PORT,
             CONFIG_HOMEBASE_RADIO_UART_TX_GPIO, CONFIG_HOMEBASE_RADIO_UART_RX_GPIO, CONFIG_HOMEBASE_RADIO_UART_BAUD);
    return ESP_OK;
}

int radio_uart_read(uint8_t *bytes, size_t cap, uint32_t wait_ms)
{
    size_t buffered = 0;

    if (!s_started || bytes == NULL || cap == 0) {
        return -1;
    }

    /* uart_read_bytes waits until all requested bytes arrived, so wait for one byte only, then take
     * what else is already buffered without waiting. */
    int first = uart_read_bytes(RADIO_UART_PORT, bytes, 1, pdMS_TO_TICKS(wait_ms));
    if (first <= 0) {
        return first;
    }
    if (cap == 1 || uart_get_buffered_data_len(RADIO_UART_PORT, &buffered) != ESP_OK || buffered == 0) {
        return 1;
    }

    size_t more = buffered < cap - 1 ? buffered : cap - 1;
    int rest = uart_read_bytes(RADIO_UART_PORT, bytes + 1, (uint32_t)more, 0);
    return rest < 0 ? 1 : 1 + rest;
}
