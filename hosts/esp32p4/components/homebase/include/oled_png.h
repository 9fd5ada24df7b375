/* The OLED framebuffer as a PNG, so a person can look at the simulator's screen. A small encoder of
 * its own: 1-bit greyscale, one zlib stream of stored (uncompressed) deflate blocks, CRC-32 and
 * Adler-32 computed here, so it needs no zlib. */
#ifndef OLED_PNG_H
#define OLED_PNG_H

#include <stddef.h>
#include <stdint.h>

#include "oled_fb.h"

/* Each OLED pixel becomes a square of `scale` x `scale` PNG pixels, 1 to OLED_PNG_SCALE_MAX, so the
 * 128 x 64 screen is large enough to read (512 x 256 at 4). */
#define OLED_PNG_SCALE_MAX 8
#define OLED_PNG_DEFAULT_SCALE 4

/* Encodes `fb` (lit pixels white on black) into a new buffer from malloc. Returns 0 and sets *png
 * and *len, or -1 for a scale out of range or when out of memory. */
int oled_png_encode(const oled_fb_t *fb, unsigned scale, uint8_t **png, size_t *len);

/* CRC-32 (IEEE 802.3, as PNG and zlib's crc32 use) and Adler-32 (RFC 1950), exposed for tests. */
uint32_t oled_png_crc32(const uint8_t *bytes, size_t len);
uint32_t oled_png_adler32(const uint8_t *bytes, size_t len);

#endif
