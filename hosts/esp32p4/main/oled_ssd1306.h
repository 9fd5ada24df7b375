/* The 128 x 64 SSD1306 OLED over I2C, with the I2C master driver (driver/i2c_master.h). Port, SDA,
 * SCL and the 7-bit address come from Kconfig (main/Kconfig.peripherals); the defaults are SDA
 * GPIO 6, SCL GPIO 7, address 0x3C.
 *
 * NOTE: GPIO 7 is also SDA of the Waveshare ESP32-P4-ETH's own I2C bus (SDA 7, SCL 8). With the
 * default pins the OLED's SCL shares that wire, so nothing else may use the board's bus at the same
 * time. On boards with an ESP32-C6, GPIO 6 is the C6's BOOT line and the OLED needs other pins
 * (docs/hardware.md gives one pin plan per board).
 *
 * Only hardware can show that the panel lights, that the picture is the right way up and that the
 * charge pump setting suits the module (most 128 x 64 modules have no external supply for it). */
#ifndef OLED_SSD1306_H
#define OLED_SSD1306_H

#include "esp_err.h"
#include "oled_fb.h"

/* Creates the I2C bus and device and sends the SSD1306 start-up commands. The display is left on
 * and cleared. Returns ESP_OK, or the error of the failed step (ESP_ERR_NOT_FOUND when no device
 * acknowledges the address). On failure the bus is released again, so a caller may retry.
 * Returns ESP_ERR_INVALID_STATE when the display is initialised already. */
esp_err_t oled_ssd1306_init(void);

/* Sends the whole framebuffer (already in SSD1306 page layout), page by page. Returns ESP_OK, or
 * ESP_ERR_INVALID_STATE before a successful init, or the I2C error of the page that failed. Call from
 * one task at a time. */
esp_err_t oled_ssd1306_show(const oled_fb_t *fb);

#endif
