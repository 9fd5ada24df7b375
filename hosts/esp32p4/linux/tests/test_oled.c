/* The OLED screen: SSD1306 page layout, the built-in font, the status screen and its PNG. Expected
 * column bytes are worked out by hand from the glyph drawings; the checksums are the published check
 * values of CRC-32 ("123456789" -> cbf43926) and Adler-32 ("Wikipedia" -> 11e60398, RFC 1950's
 * algorithm). When HB_OLED_PNG_OUT names a file, the screen's PNG is written there to look at. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oled_fb.h"
#include "oled_png.h"
#include "oled_screen.h"

static void pixels_follow_ssd1306_pages(void **state)
{
    oled_fb_t fb;

    (void)state;
    oled_fb_clear(&fb);
    oled_fb_set_pixel(&fb, 3, 10, true);
    oled_fb_set_pixel(&fb, 127, 63, true);
    oled_fb_set_pixel(&fb, 0, 0, true);
    oled_fb_set_pixel(&fb, 128, 0, true);
    oled_fb_set_pixel(&fb, -1, 5, true);
    oled_fb_set_pixel(&fb, 5, 64, true);

    /* Page 1 (rows 8 to 15), column 3, bit 2; page 7, column 127, bit 7; page 0, column 0, bit 0. */
    assert_int_equal(fb.bytes[1 * 128 + 3], 0x04);
    assert_int_equal(fb.bytes[7 * 128 + 127], 0x80);
    assert_int_equal(fb.bytes[0], 0x01);
    assert_true(oled_fb_get_pixel(&fb, 3, 10));
    assert_false(oled_fb_get_pixel(&fb, 3, 11));
    assert_false(oled_fb_get_pixel(&fb, 200, 10));

    oled_fb_set_pixel(&fb, 3, 10, false);
    assert_int_equal(fb.bytes[1 * 128 + 3], 0x00);
}

static void text_lands_in_page_columns(void **state)
{
    /* "A1" on line 2: columns of 'A' (.###. / #...# x2 / ##### / #...# x3) and '1'
     * (..#.. / .##.. / ..#.. x4 / .###.), each followed by an empty spacing column. */
    static const uint8_t expected[12] = { 0x7e, 0x09, 0x09, 0x09, 0x7e, 0x00,
                                          0x00, 0x42, 0x7f, 0x40, 0x00, 0x00 };
    oled_fb_t fb;

    (void)state;
    oled_fb_clear(&fb);
    assert_int_equal(oled_fb_draw_text(&fb, 2, 0, "a1", false), 2);
    assert_memory_equal(&fb.bytes[2 * 128], expected, sizeof expected);
    assert_int_equal(fb.bytes[1 * 128], 0x00);
    assert_int_equal(fb.bytes[3 * 128], 0x00);

    /* Inverted: every bit flips inside the two cells. */
    oled_fb_clear(&fb);
    oled_fb_draw_text(&fb, 2, 0, "A1", true);
    for (size_t i = 0; i < sizeof expected; i++) {
        assert_int_equal(fb.bytes[2 * 128 + i], (uint8_t)~expected[i]);
    }
}

static void text_is_cut_at_the_right_edge(void **state)
{
    oled_fb_t fb;
    uint8_t rows[7];

    (void)state;
    oled_fb_clear(&fb);
    assert_int_equal(oled_fb_draw_text(&fb, 0, 0, "0123456789012345678901234", false), OLED_TEXT_COLUMNS);
    assert_int_equal(oled_fb_draw_text(&fb, 0, 20, "XYZ", false), 1);
    assert_int_equal(oled_fb_draw_text(&fb, 8, 0, "X", false), 0);
    assert_int_equal(oled_fb_draw_text(&fb, -1, 0, "X", false), 0);

    /* A character the font lacks is drawn as '?'. */
    assert_false(oled_font_glyph('~', rows));
    oled_fb_clear(&fb);
    oled_fb_draw_text(&fb, 0, 0, "~", false);
    assert_true(oled_fb_get_pixel(&fb, 2, 6));
    assert_true(oled_fb_get_pixel(&fb, 0, 1));
}

static oled_screen_t sample_screen(const char *error)
{
    return (oled_screen_t){
        .home_base_id = "homebase",
        .ip = "192.168.1.20",
        .link_state = "up",
        .spooled = 0,
        .device_count = 3,
        .online_count = 2,
        .last_event = "motion porch-cam",
        .error = error,
    };
}

static void screen_bars_title_and_error(void **state)
{
    oled_screen_t screen = sample_screen("NO SD CARD");
    oled_fb_t fb;

    (void)state;
    oled_screen_render(&fb, &screen);

    /* The title and the error are lit bars across the width: the spacing row under the glyphs is lit. */
    assert_true(oled_fb_get_pixel(&fb, 127, 7));
    assert_true(oled_fb_get_pixel(&fb, 127, 63));

    screen = sample_screen(NULL);
    oled_screen_render(&fb, &screen);
    assert_true(oled_fb_get_pixel(&fb, 127, 7));
    assert_false(oled_fb_get_pixel(&fb, 127, 63));
}

static void checksums_match_check_values(void **state)
{
    (void)state;
    assert_int_equal(oled_png_crc32((const uint8_t *)"123456789", 9), 0xcbf43926u);
    assert_int_equal(oled_png_crc32(NULL, 0), 0x00000000u);
    assert_int_equal(oled_png_adler32((const uint8_t *)"Wikipedia", 9), 0x11e60398u);
    assert_int_equal(oled_png_adler32(NULL, 0), 0x00000001u);
}

static uint32_t read_u32_be(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

/* Walks the chunks, checks each CRC, and undoes the stored blocks into `raw`; returns its length. */
static size_t unpack_png(const uint8_t *png, size_t len, uint32_t *width, uint32_t *height, uint8_t *raw)
{
    size_t at = 8;
    size_t raw_len = 0;

    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    while (at + 12 <= len) {
        uint32_t chunk_len = read_u32_be(png + at);
        const uint8_t *type = png + at + 4;
        const uint8_t *data = type + 4;

        assert_true(at + 12 + chunk_len <= len);
        assert_int_equal(read_u32_be(data + chunk_len), oled_png_crc32(type, 4 + chunk_len));
        if (memcmp(type, "IHDR", 4) == 0) {
            *width = read_u32_be(data);
            *height = read_u32_be(data + 4);
            assert_memory_equal(data + 8, "\x01\x00\x00\x00\x00", 5);
        } else if (memcmp(type, "IDAT", 4) == 0) {
            size_t pos = 2;

            assert_int_equal(data[0], 0x78);
            assert_int_equal((data[0] * 256 + data[1]) % 31, 0);
            for (;;) {
                uint8_t final = data[pos] & 1;
                size_t block = data[pos + 1] | (size_t)data[pos + 2] << 8;

                assert_int_equal(block ^ 0xffff, data[pos + 3] | (size_t)data[pos + 4] << 8);
                memcpy(raw + raw_len, data + pos + 5, block);
                raw_len += block;
                pos += 5 + block;
                if (final) {
                    break;
                }
            }
            assert_int_equal(read_u32_be(data + pos), oled_png_adler32(raw, raw_len));
        }
        at += 12 + chunk_len;
    }
    assert_int_equal(at, len);
    return raw_len;
}

static void png_holds_the_framebuffer(void **state)
{
    oled_screen_t screen = sample_screen("NO SD CARD");
    static uint8_t raw[1 << 20];
    const char *out_path = getenv("HB_OLED_PNG_OUT");
    oled_fb_t fb;
    uint8_t *png = NULL;
    size_t len = 0;
    uint32_t width = 0;
    uint32_t height = 0;
    const unsigned scale = 4;
    size_t row_len = 1 + 128 * scale / 8;

    (void)state;
    oled_screen_render(&fb, &screen);
    assert_int_equal(oled_png_encode(&fb, 0, &png, &len), -1);
    assert_int_equal(oled_png_encode(&fb, OLED_PNG_SCALE_MAX + 1, &png, &len), -1);
    assert_int_equal(oled_png_encode(&fb, scale, &png, &len), 0);

    assert_int_equal(unpack_png(png, len, &width, &height, raw), row_len * 64 * scale);
    assert_int_equal(width, 128 * scale);
    assert_int_equal(height, 64 * scale);
    for (uint32_t y = 0; y < height; y++) {
        assert_int_equal(raw[y * row_len], 0);
        for (uint32_t x = 0; x < width; x++) {
            bool lit = (raw[y * row_len + 1 + x / 8] >> (7 - x % 8)) & 1;

            assert_int_equal(lit, oled_fb_get_pixel(&fb, (int)(x / scale), (int)(y / scale)));
        }
    }

    if (out_path != NULL) {
        FILE *file = fopen(out_path, "wb");

        assert_non_null(file);
        assert_int_equal(fwrite(png, 1, len, file), len);
        fclose(file);
    }
    free(png);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pixels_follow_ssd1306_pages),
        cmocka_unit_test(text_lands_in_page_columns),
        cmocka_unit_test(text_is_cut_at_the_right_edge),
        cmocka_unit_test(screen_bars_title_and_error),
        cmocka_unit_test(checksums_match_check_values),
        cmocka_unit_test(png_holds_the_framebuffer),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("oled", tests, NULL, NULL);
}
