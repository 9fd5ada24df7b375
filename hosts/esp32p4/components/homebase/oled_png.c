#include "oled_png.h"

#include <stdlib.h>
#include <string.h>

/* RFC 1951 section 3.2.4: a stored block carries at most 65535 bytes. */
#define STORED_BLOCK_MAX_LEN 65535
#define PNG_SIGNATURE_LEN 8
/* Length, type and CRC around each chunk's data. */
#define CHUNK_OVERHEAD_LEN 12
#define IHDR_LEN 13

uint32_t oled_png_crc32(const uint8_t *bytes, size_t len)
{
    uint32_t crc = 0xffffffffu;

    /* Bitwise, with the reflected polynomial 0xedb88320: slow but small, and the image is small. */
    for (size_t i = 0; i < len; i++) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return crc ^ 0xffffffffu;
}

uint32_t oled_png_adler32(const uint8_t *bytes, size_t len)
{
    uint32_t a = 1;
    uint32_t b = 0;

    for (size_t i = 0; i < len; i++) {
        a = (a + bytes[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return (b << 16) | a;
}

static uint8_t *put_u32_be(uint8_t *out, uint32_t value)
{
    out[0] = (uint8_t)(value >> 24);
    out[1] = (uint8_t)(value >> 16);
    out[2] = (uint8_t)(value >> 8);
    out[3] = (uint8_t)value;
    return out + 4;
}

/* Writes one chunk: length, type, data, and the CRC of type and data. Returns the end. */
static uint8_t *put_chunk(uint8_t *out, const char type[4], const uint8_t *data, size_t len)
{
    uint8_t *typed = out + 4;

    out = put_u32_be(out, (uint32_t)len);
    memcpy(out, type, 4);
    if (len > 0) {
        memcpy(out + 4, data, len);
    }
    out += 4 + len;
    return put_u32_be(out, oled_png_crc32(typed, 4 + len));
}

/* The image rows as PNG wants them before compression: per row a filter byte (0, none), then the
 * pixels packed 8 to a byte, the leftmost in the high bit (PNG specification section 7.2). */
static void fill_scanlines(const oled_fb_t *fb, unsigned scale, uint8_t *raw, size_t row_len)
{
    memset(raw, 0, row_len * OLED_HEIGHT * scale);
    for (unsigned y = 0; y < OLED_HEIGHT * scale; y++) {
        uint8_t *row = raw + y * row_len;

        for (unsigned x = 0; x < OLED_WIDTH * scale; x++) {
            if (oled_fb_get_pixel(fb, (int)(x / scale), (int)(y / scale))) {
                row[1 + x / 8] |= (uint8_t)(0x80u >> (x % 8));
            }
        }
    }
}

/* Wraps `raw` in a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 section 3.2.4). */
static size_t put_zlib_stored(uint8_t *out, const uint8_t *raw, size_t len)
{
    uint8_t *start = out;
    size_t done = 0;

    /* CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF * 256 + FLG a multiple of 31. */
    *out++ = 0x78;
    *out++ = 0x01;
    do {
        size_t block = len - done < STORED_BLOCK_MAX_LEN ? len - done : STORED_BLOCK_MAX_LEN;

        *out++ = done + block == len ? 0x01 : 0x00;
        *out++ = (uint8_t)block;
        *out++ = (uint8_t)(block >> 8);
        *out++ = (uint8_t)~block;
        *out++ = (uint8_t)(~block >> 8);
        memcpy(out, raw + done, block);
        out += block;
        done += block;
    } while (done < len);
    out = put_u32_be(out, oled_png_adler32(raw, len));
    return (size_t)(out - start);
}

int oled_png_encode(const oled_fb_t *fb, unsigned scale, uint8_t **png, size_t *len)
{
    static const uint8_t signature[PNG_SIGNATURE_LEN] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    size_t row_len = 1 + (OLED_WIDTH * scale + 7) / 8;
    size_t raw_len = row_len * OLED_HEIGHT * scale;
    size_t zlib_cap = 2 + raw_len + 5 * (raw_len / STORED_BLOCK_MAX_LEN + 1) + 4;
    uint8_t header[IHDR_LEN];
    uint8_t *raw;
    uint8_t *zlib;
    uint8_t *out;
    uint8_t *cursor;
    size_t zlib_len;

    if (scale < 1 || scale > OLED_PNG_SCALE_MAX) {
        return -1;
    }
    raw = malloc(raw_len);
    zlib = malloc(zlib_cap);
    out = malloc(PNG_SIGNATURE_LEN + 3 * CHUNK_OVERHEAD_LEN + IHDR_LEN + zlib_cap);
    if (raw == NULL || zlib == NULL || out == NULL) {
        free(raw);
        free(zlib);
        free(out);
        return -1;
    }
    fill_scanlines(fb, scale, raw, row_len);
    zlib_len = put_zlib_stored(zlib, raw, raw_len);

    /* IHDR: width, height, bit depth 1, colour type 0 (greyscale), deflate, filter 0, no interlace. */
    put_u32_be(header, OLED_WIDTH * scale);
    put_u32_be(header + 4, OLED_HEIGHT * scale);
    memcpy(header + 8, (const uint8_t[]){ 1, 0, 0, 0, 0 }, 5);

    memcpy(out, signature, PNG_SIGNATURE_LEN);
    cursor = put_chunk(out + PNG_SIGNATURE_LEN, "IHDR", header, IHDR_LEN);
    cursor = put_chunk(cursor, "IDAT", zlib, zlib_len);
    cursor = put_chunk(cursor, "IEND", NULL, 0);

    free(raw);
    free(zlib);
    *png = out;
    *len = (size_t)(cursor - out);
    return 0;
}
