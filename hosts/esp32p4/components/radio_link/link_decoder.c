#include "link_decoder.h"

#include <string.h>

void link_decoder_init(link_decoder_t *decoder, link_message_fn on_message, void *ctx)
{
    memset(decoder, 0, sizeof *decoder);
    decoder->on_message = on_message;
    decoder->ctx = ctx;
}

static void count_failure(link_decoder_t *decoder, link_result_t result)
{
    link_decoder_counters_t *counters = &decoder->counters;

    switch (result) {
    case LINK_OK: break;
    case LINK_ERR_TOO_SHORT: counters->too_short++; break;
    case LINK_ERR_CRC: counters->crc_mismatch++; break;
    case LINK_ERR_UNKNOWN_TYPE: counters->unknown_type++; break;
    case LINK_ERR_BAD_LENGTH: counters->bad_length++; break;
    case LINK_ERR_BAD_VALUE: counters->bad_value++; break;
    }
}

/* Decodes and delivers the encoded bytes gathered before a delimiter. */
static void finish_message(link_decoder_t *decoder)
{
    link_message_t message;
    link_result_t result;
    size_t raw_len;

    if (link_cobs_decode(decoder->encoded, decoder->encoded_len, decoder->raw,
                         sizeof decoder->raw, &raw_len) != 0) {
        decoder->counters.cobs_invalid++;
        return;
    }
    result = link_message_parse(decoder->raw, raw_len, &message);
    if (result != LINK_OK) {
        count_failure(decoder, result);
        return;
    }
    decoder->counters.messages++;
    decoder->on_message(decoder->ctx, &message);
}

void link_decoder_push(link_decoder_t *decoder, const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t byte = bytes[i];

        if (byte == 0x00) {
            /* Two delimiters in a row (a sender may lead with one to flush the line) are no
             * message and no failure. */
            if (!decoder->discarding && decoder->encoded_len > 0) {
                finish_message(decoder);
            }
            decoder->encoded_len = 0;
            decoder->discarding = false;
            continue;
        }
        if (decoder->discarding) {
            continue;
        }
        if (decoder->encoded_len == sizeof decoder->encoded) {
            decoder->counters.oversize++;
            decoder->discarding = true;
            decoder->encoded_len = 0;
            continue;
        }
        decoder->encoded[decoder->encoded_len++] = byte;
    }
}

uint32_t link_decoder_dropped(const link_decoder_t *decoder)
{
    const link_decoder_counters_t *counters = &decoder->counters;

    return counters->oversize + counters->cobs_invalid + counters->too_short +
           counters->crc_mismatch + counters->unknown_type + counters->bad_length +
           counters->bad_value;
}
