#include "link_cobs.h"

#include <stdbool.h>

size_t link_cobs_encode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap)
{
    size_t code_at = 0;
    size_t out_len = 1;
    uint8_t code = 1;

    if (out_cap < 1) {
        return 0;
    }
    for (size_t i = 0; i < in_len; i++) {
        bool block_full;

        if (in[i] == 0) {
            if (out_len >= out_cap) {
                return 0;
            }
            out[code_at] = code;
            code_at = out_len++;
            code = 1;
            continue;
        }
        if (out_len >= out_cap) {
            return 0;
        }
        out[out_len++] = in[i];
        code++;

        /* A full run of 254 non-zero bytes closes with code 0xFF, which implies no zero. A new
         * code byte follows only when input remains. */
        block_full = code == 0xFF;
        if (block_full && i + 1 < in_len) {
            if (out_len >= out_cap) {
                return 0;
            }
            out[code_at] = code;
            code_at = out_len++;
            code = 1;
        }
    }
    out[code_at] = code;
    return out_len;
}

int link_cobs_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap,
                     size_t *out_len)
{
    size_t read_at = 0;
    size_t written = 0;

    if (in_len == 0) {
        return -1;
    }
    while (read_at < in_len) {
        uint8_t code = in[read_at++];

        if (code == 0 || (size_t)(code - 1) > in_len - read_at) {
            return -1;
        }
        for (uint8_t i = 1; i < code; i++) {
            if (in[read_at] == 0 || written >= out_cap) {
                return -1;
            }
            out[written++] = in[read_at++];
        }

        /* Each run but the last, and but one of 254 bytes (code 0xFF), stood before a zero. */
        if (code != 0xFF && read_at < in_len) {
            if (written >= out_cap) {
                return -1;
            }
            out[written++] = 0;
        }
    }
    *out_len = written;
    return 0;
}
