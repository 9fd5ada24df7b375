/* The OLED status screen's framebuffer: 128 x 64 pixels in the SSD1306 page layout, so the ESP-IDF
 * port sends `bytes` to the display unchanged.
 *
 * The layout: 8 pages of 8 pixel rows each, top to bottom. A page is 128 column bytes, left to
 * right. In each byte bit 0 is the page's top row and bit 7 its bottom row. A set bit is a lit pixel. */
#ifndef OLED_FB_H
#define OLED_FB_H

#include <stdbool.h>
#include <stdint.h>

#define OLED_WIDTH 128
#define OLED_HEIGHT 64
#define OLED_PAGE_COUNT (OLED_HEIGHT / 8)
#define OLED_FB_LEN (OLED_WIDTH * OLED_PAGE_COUNT)

/* The text grid of the built-in font: 5 x 7 glyphs in 6 x 8 cells, so 21 characters on each of 8
 * lines, one line per page. */
#define OLED_CELL_WIDTH 6
#define OLED_CELL_HEIGHT 8
#define OLED_TEXT_COLUMNS (OLED_WIDTH / OLED_CELL_WIDTH)
#define OLED_TEXT_LINES (OLED_HEIGHT / OLED_CELL_HEIGHT)

typedef struct {
    uint8_t bytes[OLED_FB_LEN];
} oled_fb_t;

void oled_fb_clear(oled_fb_t *fb);

/* Pixels outside the screen are ignored (set) or read unlit (get). */
void oled_fb_set_pixel(oled_fb_t *fb, int x, int y, bool lit);
bool oled_fb_get_pixel(const oled_fb_t *fb, int x, int y);

/* Draws `text` on text line `line` (0 to 7) from text column `column`, cutting what passes the right
 * edge. Lower-case letters are drawn as capitals; a character the font lacks is drawn as '?'.
 * `inverted` draws dark glyphs on a lit bar. Returns the number of characters drawn. */
int oled_fb_draw_text(oled_fb_t *fb, int line, int column, const char *text, bool inverted);

/* The 5 x 7 glyph of `c` as 7 rows, bit 4 the leftmost pixel; false when the font lacks `c`. */
bool oled_font_glyph(char c, uint8_t rows[7]);

#endif
