#include "hb_hex.h"

#include <string.h>

int hb_hex_digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void hb_hex_encode(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    out[2 * len] = '\0';
}

int hb_hex_decode(const char *text, uint8_t *out, size_t len)
{
    if (strlen(text) != 2 * len) {
        return -1;
    }

    for (size_t i = 0; i < len; i++) {
        int high = hb_hex_digit_value(text[2 * i]);
        int low = hb_hex_digit_value(text[2 * i + 1]);

        if (high < 0 || low < 0) {
            return -1;
        }
        out[i] = (uint8_t)(high << 4 | low);
    }
    return 0;
}
