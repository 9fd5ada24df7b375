/* Consistent Overhead Byte Stuffing (COBS, Cheshire and Baker, 1999): removes every 0x00 from a
 * message, so 0x00 can mark where one message ends on the UART.
 *
 * The encoder ends a run of 254 non-zero bytes that reaches the end of the input without an extra
 * 0x01 code byte; the decoder reads both forms. */
#ifndef LINK_COBS_H
#define LINK_COBS_H

#include <stddef.h>
#include <stdint.h>

/* Maximum encoded length of `len` bytes: one code byte per started run of 254 bytes, at least one. */
#define LINK_COBS_MAX_ENCODED_LEN(len) ((len) + (len) / 254u + 1u)

/* Encodes `in_len` bytes into `out` (`out_cap` bytes), without the 0x00 delimiter. Returns the
 * encoded length (at least 1), or 0 when `out` is too small. */
size_t link_cobs_encode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap);

/* Decodes `in_len` encoded bytes (without the delimiter) into `out` (`out_cap` bytes). Returns 0
 * and sets *out_len, or -1 when the input is empty, contains a 0x00, has a code byte that runs past
 * its end, or does not fit in `out`. */
int link_cobs_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                     size_t *out_len);

#endif
