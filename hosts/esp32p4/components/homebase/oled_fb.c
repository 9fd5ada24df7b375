#include "oled_fb.h"

#include <string.h>

void oled_fb_clear(oled_fb_t *fb)
{
    memset(fb->bytes, 0, sizeof fb->bytes);
}

void oled_fb_set_pixel(oled_fb_t *fb, int x, int y, bool lit)
{
    uint8_t *byte;
    uint8_t bit;

    if (x < 0 || x >= OLED_WIDTH || y < 0 || y >= OLED_HEIGHT) {
        return;
    }
    /* SSD1306 page layout: page y / 8, column x, bit y % 8 with bit 0 at the top. */
    byte = &fb->bytes[(y / 8) * OLED_WIDTH + x];
    bit = (uint8_t)(1u << (y % 8));
    *byte = lit ? (uint8_t)(*byte | bit) : (uint8_t)(*byte & ~bit);
}

bool oled_fb_get_pixel(const oled_fb_t *fb, int x, int y)
{
    if (x < 0 || x >= OLED_WIDTH || y < 0 || y >= OLED_HEIGHT) {
        return false;
    }
    return (fb->bytes[(y / 8) * OLED_WIDTH + x] >> (y % 8)) & 1u;
}

/* Fills one 6 x 8 cell: the glyph in its top-left 5 x 7 pixels, the spacing column and row around it. */
static void draw_cell(oled_fb_t *fb, int x0, int y0, const uint8_t rows[7], bool inverted)
{
    for (int y = 0; y < OLED_CELL_HEIGHT; y++) {
        for (int x = 0; x < OLED_CELL_WIDTH; x++) {
            bool ink = y < 7 && x < 5 && ((rows[y] >> (4 - x)) & 1u);

            oled_fb_set_pixel(fb, x0 + x, y0 + y, ink != inverted);
        }
    }
}

int oled_fb_draw_text(oled_fb_t *fb, int line, int column, const char *text, bool inverted)
{
    int drawn = 0;

    if (line < 0 || line >= OLED_TEXT_LINES || column < 0) {
        return 0;
    }
    for (; text[drawn] != '\0' && column + drawn < OLED_TEXT_COLUMNS; drawn++) {
        uint8_t rows[7];

        if (!oled_font_glyph(text[drawn], rows)) {
            oled_font_glyph('?', rows);
        }
        draw_cell(fb, (column + drawn) * OLED_CELL_WIDTH, line * OLED_CELL_HEIGHT, rows, inverted);
    }
    return drawn;
}
