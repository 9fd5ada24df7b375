/* The SSD1306 128 x 64 OLED over I2C (oled_ssd1306.h). The start-up commands are those of the SSD1306
 * datasheet's command table (Solomon Systech), with the charge pump command of its application
 * note. The framebuffer is already in
 * the controller's page layout (oled_fb.h), so showing it copies each page unchanged.
 *
 * Checked on these machines: compiled against ESP-IDF 5.4.4's headers. Only hardware can show that
 * the panel lights, the picture is the right way up and the contrast suits the module. */
#include "oled_ssd1306.h"

#include <stdint.h>

#include "driver/i2c_master.h"
#include "esp_check.h"
#include "esp_log.h"
#include "sdkconfig.h"

/* The first byte of each I2C write is a control byte: Co = 0 (only data bytes follow) and D/C# = 0
 * for commands or 1 for display RAM data. */
#define SSD1306_CONTROL_COMMANDS 0x00
#define SSD1306_CONTROL_DATA 0x40

/* Long enough for a page of 129 bytes at the lowest clock Kconfig allows, 100 kHz (about 12 ms),
 * with a margin for a busy bus. */
#define OLED_I2C_TIMEOUT_MS 100

static const char *TAG = "oled";

static i2c_master_bus_handle_t s_bus;
static i2c_master_dev_handle_t s_display;

/* The control byte, then the start-up commands with their arguments. */
static const uint8_t s_init_commands[] = {
    SSD1306_CONTROL_COMMANDS,
    0xAE,       /* display off while it is set up */
    0xD5, 0x80, /* display clock: divide ratio 1, oscillator frequency at its reset value */
    0xA8, 0x3F, /* multiplex ratio 64: all 64 rows (COM0 to COM63) are driven */
    0xD3, 0x00, /* display offset 0: RAM row 0 is the first row driven */
    0x40,       /* display start line 0 */
    0x8D, 0x14, /* charge pump on: the panel supply is generated on chip, as most modules need */
    0x20, 0x02, /* page addressing mode: each page is selected with 0xB0 + page before its data */
    0xA1,       /* segment remap: column 127 drives SEG0 (column 0 at the left on common modules) */
    0xC8,       /* COM scan from COM63 to COM0 (page 0 at the top on common modules) */
    0xDA, 0x12, /* COM pins: alternative configuration, no left/right remap (the 128 x 64 wiring) */
    0x81, 0x7F, /* contrast 127 of 255 (the reset value) */
    0xD9, 0x22, /* pre-charge: phase 1 and phase 2 of 2 clocks each (the reset value) */
    0xDB, 0x20, /* VCOMH deselect level about 0.77 x VCC (the reset value) */
    0xA4,       /* show the display RAM, not all pixels lit */
    0xA6,       /* normal display: a set bit is a lit pixel */
    0x2E,       /* scrolling off */
};

static const uint8_t s_display_on[] = {
    SSD1306_CONTROL_COMMANDS,
    0xAF, /* display on */
};

/* Sends one page: first the page and column 0 as commands, then the 128 column bytes as data. */
static esp_err_t send_page(int page, const uint8_t columns[OLED_WIDTH])
{
    const uint8_t select_page[] = {
        SSD1306_CONTROL_COMMANDS,
        (uint8_t)(0xB0 | page), /* page start address */
        0x00,                   /* lower nibble of the start column: 0 */
        0x10,                   /* upper nibble of the start column: 0 */
    };
    static const uint8_t data_control = SSD1306_CONTROL_DATA;
    /* Two buffers in one I2C write, so the page is not copied behind its control byte. */
    i2c_master_transmit_multi_buffer_info_t data[] = {
        { .write_buffer = &data_control, .buffer_size = 1 },
        { .write_buffer = columns, .buffer_size = OLED_WIDTH },
    };

    ESP_RETURN_ON_ERROR(i2c_master_transmit(s_display, select_page, sizeof select_page, OLED_I2C_TIMEOUT_MS),
                        TAG, "page %d not selected", page);
    ESP_RETURN_ON_ERROR(i2c_master_multi_buffer_transmit(s_display, data, 2, OLED_I2C_TIMEOUT_MS), TAG,
                        "page %d not written", page);
    return ESP_OK;
}

static void release_bus(void)
{
    if (s_display != NULL) {
        i2c_master_bus_rm_device(s_display);
        s_display = NULL;
    }
    if (s_bus != NULL) {
        i2c_del_master_bus(s_bus);
        s_bus = NULL;
    }
}

esp_err_t oled_ssd1306_init(void)
{
    esp_err_t ret = ESP_OK;
    /* The internal pull-ups are weak (tens of kilohms), but most OLED modules carry their own. */
    i2c_master_bus_config_t bus_config = {
        .i2c_port = CONFIG_HOMEBASE_OLED_I2C_PORT,
        .sda_io_num = CONFIG_HOMEBASE_OLED_SDA_GPIO,
        .scl_io_num = CONFIG_HOMEBASE_OLED_SCL_GPIO,
        .clk_source = I2C_CLK_SRC_DEFAULT,
        .glitch_ignore_cnt = 7,
        .flags.enable_internal_pullup = true,
    };
    i2c_device_config_t device_config = {
        .dev_addr_length = I2C_ADDR_BIT_LEN_7,
        .device_address = CONFIG_HOMEBASE_OLED_I2C_ADDR,
        .scl_speed_hz = CONFIG_HOMEBASE_OLED_I2C_CLOCK_HZ,
    };
    static const oled_fb_t blank = { { 0 } };

    ESP_RETURN_ON_FALSE(s_bus == NULL, ESP_ERR_INVALID_STATE, TAG, "oled_ssd1306_init called twice");

    /* The bus, then a probe, so a missing display gives one clear error instead of a failed write. */
    ESP_RETURN_ON_ERROR(i2c_new_master_bus(&bus_config, &s_bus), TAG, "i2c_new_master_bus failed on port %d",
                        CONFIG_HOMEBASE_OLED_I2C_PORT);
    ret = i2c_master_probe(s_bus, CONFIG_HOMEBASE_OLED_I2C_ADDR, OLED_I2C_TIMEOUT_MS);
    ESP_GOTO_ON_FALSE(ret == ESP_OK, ret, fail, TAG,
                      "no display at I2C address 0x%02x (SDA GPIO %d, SCL GPIO %d): %s",
                      CONFIG_HOMEBASE_OLED_I2C_ADDR, CONFIG_HOMEBASE_OLED_SDA_GPIO, CONFIG_HOMEBASE_OLED_SCL_GPIO,
                      esp_err_to_name(ret));
    ESP_GOTO_ON_ERROR(i2c_master_bus_add_device(s_bus, &device_config, &s_display), fail, TAG,
                      "i2c_master_bus_add_device failed");

    /* The start-up commands, a blank picture, then the display on, so no stale RAM content shows. */
    ESP_GOTO_ON_ERROR(i2c_master_transmit(s_display, s_init_commands, sizeof s_init_commands, OLED_I2C_TIMEOUT_MS),
                      fail, TAG, "start-up commands not sent");
    ESP_GOTO_ON_ERROR(oled_ssd1306_show(&blank), fail, TAG, "display not cleared");
    ESP_GOTO_ON_ERROR(i2c_master_transmit(s_display, s_display_on, sizeof s_display_on, OLED_I2C_TIMEOUT_MS),
                      fail, TAG, "display-on command not sent");
    ESP_LOGI(TAG, "SSD1306 ready at I2C address 0x%02x", CONFIG_HOMEBASE_OLED_I2C_ADDR);
    return ESP_OK;

fail:
    release_bus();
    return ret;
}

esp_err_t oled_ssd1306_show(const oled_fb_t *fb)
{
    ESP_RETURN_ON_FALSE(s_display != NULL, ESP_ERR_INVALID_STATE, TAG, "oled_ssd1306_show before init");

    for (int page = 0; page < OLED_PAGE_COUNT; page++) {
        ESP_RETURN_ON_ERROR(send_page(page, &fb->bytes[page * OLED_WIDTH]), TAG, "framebuffer not shown");
    }
    return ESP_OK;
}
