/* Lower-case hexadecimal, as docs/protocol.md writes keys, nonces and hashes. */
#ifndef HB_HEX_H
#define HB_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Returns the value of one hex digit (either case), or -1 for another character. */
int hb_hex_digit_value(char c);

/* Writes 2 * len hex characters and a NUL into `out` (at least 2 * len + 1 bytes). */
void hb_hex_encode(const uint8_t *bytes, size_t len, char *out);

/* Decodes exactly 2 * len hex characters (either case) of a NUL-terminated string into `out`.
 * Returns 0, or -1 when the string has another length or a non-hex character. */
int hb_hex_decode(const char *text, uint8_t *out, size_t len);

#endif
