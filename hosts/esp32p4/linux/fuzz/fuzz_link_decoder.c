/* libFuzzer target: random bytes into the UART link decoder.
 *
 * Besides "never crashes", it checks three properties. Every delivered message obeys its type's
 * bounds and encodes again. Feeding the input in two pieces, split at an offset taken from the
 * first byte, gives the same messages and counters as feeding it whole. And the input survives a
 * COBS round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "link_cobs.h"
#include "link_decoder.h"

#define INPUT_MAX 4096

typedef struct {
    uint32_t count;
    /* A running checksum of the delivered messages' wire bytes, to compare two runs. */
    uint32_t digest;
} summary_t;

static void check_and_summarize(void *ctx, const link_message_t *message)
{
    summary_t *summary = ctx;
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len;

    if (message->type == LINK_TYPE_FRAME_IN &&
        (message->body.frame_in.frame_len < 1 || message->body.frame_in.frame_len > LINK_FRAME_MAX_LEN)) {
        abort();
    }
    if (message->type == LINK_TYPE_FRAME_OUT &&
        (message->body.frame_out.frame_len < 1 || message->body.frame_out.frame_len > LINK_FRAME_MAX_LEN)) {
        abort();
    }

    /* A parsed message always encodes again; version bodies longer than 5 bytes encode shorter. */
    len = link_message_encode(message, wire);
    if (len == 0 || len > LINK_WIRE_MAX_LEN || wire[len - 1] != 0) {
        abort();
    }
    for (size_t i = 0; i < len; i++) {
        summary->digest = summary->digest * 31u + wire[i];
    }
    summary->count++;
}

static void check_cobs_round_trip(const uint8_t *data, size_t size)
{
    static uint8_t encoded[LINK_COBS_MAX_ENCODED_LEN(INPUT_MAX)];
    static uint8_t decoded[INPUT_MAX];
    size_t encoded_len = link_cobs_encode(data, size, encoded, sizeof encoded);
    size_t decoded_len = 0;

    if (encoded_len == 0 || memchr(encoded, 0, encoded_len) != NULL ||
        link_cobs_decode(encoded, encoded_len, decoded, sizeof decoded, &decoded_len) != 0 ||
        decoded_len != size || memcmp(decoded, data, size) != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static link_decoder_t whole;
    static link_decoder_t pieces;
    summary_t whole_summary = { 0, 0 };
    summary_t pieces_summary = { 0, 0 };
    size_t split;

    if (size > INPUT_MAX) {
        return -1;
    }
    check_cobs_round_trip(data, size);

    link_decoder_init(&whole, check_and_summarize, &whole_summary);
    link_decoder_push(&whole, data, size);

    split = size > 0 ? data[0] % (size + 1) : 0;
    link_decoder_init(&pieces, check_and_summarize, &pieces_summary);
    link_decoder_push(&pieces, data, split);
    link_decoder_push(&pieces, data + split, size - split);

    if (whole_summary.count != pieces_summary.count || whole_summary.digest != pieces_summary.digest ||
        memcmp(&whole.counters, &pieces.counters, sizeof whole.counters) != 0) {
        abort();
    }
    if (whole.counters.messages != whole_summary.count || whole.encoded_len > LINK_ENCODED_MAX_LEN) {
        abort();
    }
    return 0;
}
