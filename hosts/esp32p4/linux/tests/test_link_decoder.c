/* The streaming decoder of the UART link: pieces of any size, and recovery from every kind of bad
 * input, each counted. */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "link_crc.h"
#include "link_decoder.h"

#define RECORDED_MAX 64

typedef struct {
    link_message_t messages[RECORDED_MAX];
    uint8_t frames[RECORDED_MAX][LINK_FRAME_MAX_LEN];
    size_t count;
} recorder_t;

static void record(void *ctx, const link_message_t *message)
{
    recorder_t *recorder = ctx;
    link_message_t *copy;

    assert_true(recorder->count < RECORDED_MAX);
    copy = &recorder->messages[recorder->count];
    *copy = *message;
    if (message->type == LINK_TYPE_FRAME_IN) {
        memcpy(recorder->frames[recorder->count], message->body.frame_in.frame, message->body.frame_in.frame_len);
        copy->body.frame_in.frame = recorder->frames[recorder->count];
    }
    recorder->count++;
}

static size_t encode_heartbeat(uint32_t uptime_sec, uint8_t out[LINK_WIRE_MAX_LEN])
{
    link_message_t message = { .type = LINK_TYPE_HEARTBEAT, .body.heartbeat.uptime_sec = uptime_sec };

    return link_message_encode(&message, out);
}

static size_t encode_frame_in(size_t frame_len, uint8_t fill, uint8_t out[LINK_WIRE_MAX_LEN])
{
    uint8_t frame[LINK_FRAME_MAX_LEN];
    link_message_t message = {
        .type = LINK_TYPE_FRAME_IN,
        .body.frame_in = { .mac = { 0x02, 0, 0, 0, 0x12, 0x34 }, .rssi = -70, .frame = frame, .frame_len = frame_len },
    };

    for (size_t i = 0; i < frame_len; i++) {
        frame[i] = (uint8_t)(i % 3 == 0 ? 0 : fill + i);
    }
    return link_message_encode(&message, out);
}

/* COBS-encodes `raw` plus its CRC, with the delimiter. */
static size_t encode_raw(const uint8_t *raw, size_t len, uint8_t out[LINK_WIRE_MAX_LEN])
{
    uint8_t with_crc[LINK_MESSAGE_MAX_LEN + 2];
    uint16_t crc = link_crc16(raw, len);
    size_t encoded;

    memcpy(with_crc, raw, len);
    with_crc[len] = (uint8_t)(crc & 0xff);
    with_crc[len + 1] = (uint8_t)(crc >> 8);
    encoded = link_cobs_encode(with_crc, len + 2, out, LINK_ENCODED_MAX_LEN);
    out[encoded] = 0;
    return encoded + 1;
}

static void decoder_delivers_messages_in_any_pieces(void **state)
{
    uint8_t stream[4 * LINK_WIRE_MAX_LEN];
    size_t len = 0;

    (void)state;
    len += encode_frame_in(250, 0x40, stream + len);
    len += encode_heartbeat(12, stream + len);
    len += encode_frame_in(1, 0x40, stream + len);
    len += encode_heartbeat(13, stream + len);

    for (size_t piece = 1; piece <= len; piece = piece * 2 + 1) {
        recorder_t recorder = { .count = 0 };
        link_decoder_t decoder;

        link_decoder_init(&decoder, record, &recorder);
        for (size_t at = 0; at < len; at += piece) {
            link_decoder_push(&decoder, stream + at, at + piece <= len ? piece : len - at);
        }
        assert_int_equal(recorder.count, 4);
        assert_int_equal(recorder.messages[0].body.frame_in.frame_len, 250);
        assert_int_equal(recorder.messages[0].body.frame_in.rssi, -70);
        assert_int_equal(recorder.messages[1].body.heartbeat.uptime_sec, 12);
        assert_int_equal(recorder.messages[2].body.frame_in.frame_len, 1);
        assert_int_equal(recorder.messages[3].body.heartbeat.uptime_sec, 13);
        assert_int_equal(link_decoder_dropped(&decoder), 0);
        assert_int_equal(decoder.counters.messages, 4);
    }
}

static void decoder_resyncs_after_garbage(void **state)
{
    static const uint8_t garbage[] = { 0x7e, 0xff, 0x13, 0x00, 0x05, 0x01, 0x02, 0x00, 0x00, 0x42 };
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = encode_heartbeat(99, wire);

    (void)state;
    link_decoder_init(&decoder, record, &recorder);
    link_decoder_push(&decoder, garbage, sizeof garbage);
    /* The trailing 0x42 joins the heartbeat's bytes and spoils it; the next heartbeat gets through. */
    link_decoder_push(&decoder, wire, len);
    link_decoder_push(&decoder, wire, len);

    assert_int_equal(recorder.count, 1);
    assert_int_equal(recorder.messages[0].body.heartbeat.uptime_sec, 99);
    assert_true(link_decoder_dropped(&decoder) >= 3);
    assert_int_equal(decoder.counters.messages, 1);
}

static void decoder_drops_truncated_message_and_keeps_next(void **state)
{
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t first[LINK_WIRE_MAX_LEN];
    uint8_t second[LINK_WIRE_MAX_LEN];
    size_t first_len = encode_frame_in(200, 0x10, first);
    size_t second_len = encode_heartbeat(5, second);
    static const uint8_t delimiter = 0;

    (void)state;
    link_decoder_init(&decoder, record, &recorder);
    /* The sender reset mid-message and led its next message with a delimiter. */
    link_decoder_push(&decoder, first, first_len / 2);
    link_decoder_push(&decoder, &delimiter, 1);
    link_decoder_push(&decoder, second, second_len);

    assert_int_equal(recorder.count, 1);
    assert_int_equal(recorder.messages[0].type, LINK_TYPE_HEARTBEAT);
    assert_int_equal(decoder.counters.cobs_invalid + decoder.counters.crc_mismatch, 1);
}

static void decoder_counts_bad_crc(void **state)
{
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = encode_frame_in(30, 0x20, wire);

    (void)state;
    link_decoder_init(&decoder, record, &recorder);
    wire[5] = wire[5] == 0x01 ? 0x02 : 0x01;
    link_decoder_push(&decoder, wire, len);

    assert_int_equal(recorder.count, 0);
    assert_int_equal(decoder.counters.crc_mismatch + decoder.counters.cobs_invalid, 1);
}

static void decoder_counts_oversize_and_recovers(void **state)
{
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t noise[LINK_ENCODED_MAX_LEN + 100];
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = encode_heartbeat(7, wire);

    (void)state;
    memset(noise, 0x55, sizeof noise);
    link_decoder_init(&decoder, record, &recorder);
    link_decoder_push(&decoder, noise, sizeof noise);
    link_decoder_push(&decoder, wire, len);
    link_decoder_push(&decoder, wire, len);

    assert_int_equal(decoder.counters.oversize, 1);
    assert_int_equal(recorder.count, 1);
    assert_int_equal(link_decoder_dropped(&decoder), 1);
}

static void decoder_takes_longest_message_exactly(void **state)
{
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t frame[LINK_FRAME_MAX_LEN];
    uint8_t wire[LINK_WIRE_MAX_LEN];
    link_message_t message = { .type = LINK_TYPE_FRAME_OUT };
    size_t len;

    (void)state;
    memset(frame, 0xab, sizeof frame);
    message.body.frame_out.frame = frame;
    message.body.frame_out.frame_len = sizeof frame;
    memset(message.body.frame_out.mac, 0x11, LINK_MAC_LEN);
    message.body.frame_out.message_id = 0x1111;
    len = link_message_encode(&message, wire);
    assert_int_equal(len, LINK_WIRE_MAX_LEN);

    link_decoder_init(&decoder, record, &recorder);
    link_decoder_push(&decoder, wire, len);
    assert_int_equal(recorder.count, 1);
    assert_int_equal(recorder.messages[0].body.frame_out.frame_len, LINK_FRAME_MAX_LEN);
}

static void decoder_counts_unknown_type_bad_length_and_value(void **state)
{
    static const uint8_t unknown[] = { 0x09, 0x01, 0x02 };
    static const uint8_t short_heartbeat[] = { LINK_TYPE_HEARTBEAT, 0x01, 0x02 };
    static const uint8_t bad_status[] = { LINK_TYPE_SEND_STATUS, 0x01, 0x00, 0x07 };
    static const uint8_t short_message[] = { 0x03, 0x11, 0x22 };
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t wire[LINK_WIRE_MAX_LEN];

    (void)state;
    link_decoder_init(&decoder, record, &recorder);
    link_decoder_push(&decoder, wire, encode_raw(unknown, sizeof unknown, wire));
    link_decoder_push(&decoder, wire, encode_raw(short_heartbeat, sizeof short_heartbeat, wire));
    link_decoder_push(&decoder, wire, encode_raw(bad_status, sizeof bad_status, wire));
    link_decoder_push(&decoder, short_message, sizeof short_message);
    link_decoder_push(&decoder, (const uint8_t[]){ 0x00 }, 1);

    assert_int_equal(recorder.count, 0);
    assert_int_equal(decoder.counters.unknown_type, 1);
    assert_int_equal(decoder.counters.bad_length, 1);
    assert_int_equal(decoder.counters.bad_value, 1);
    assert_int_equal(decoder.counters.too_short, 1);
    assert_int_equal(link_decoder_dropped(&decoder), 4);
}

static void decoder_ignores_repeated_delimiters(void **state)
{
    static const uint8_t delimiters[] = { 0, 0, 0, 0 };
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = encode_heartbeat(1, wire);

    (void)state;
    link_decoder_init(&decoder, record, &recorder);
    link_decoder_push(&decoder, delimiters, sizeof delimiters);
    link_decoder_push(&decoder, wire, len);
    link_decoder_push(&decoder, delimiters, sizeof delimiters);

    assert_int_equal(recorder.count, 1);
    assert_int_equal(link_decoder_dropped(&decoder), 0);
}

/* Seeded random bytes mixed with valid messages: every valid message after a delimiter that no
 * noise follows arrives, and nothing crashes. */
static void decoder_survives_random_noise(void **state)
{
    uint32_t seed = 77;
    recorder_t recorder = { .count = 0 };
    link_decoder_t decoder;
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = encode_heartbeat(42, wire);
    size_t expected = 0;

    (void)state;
    printf("decoder noise seed %u\n", (unsigned)seed);
    link_decoder_init(&decoder, record, &recorder);
    for (int round = 0; round < 40; round++) {
        uint8_t noise[700];
        size_t noise_len;

        seed = seed * 1664525u + 1013904223u;
        noise_len = (seed >> 8) % sizeof noise;
        for (size_t i = 0; i < noise_len; i++) {
            seed = seed * 1664525u + 1013904223u;
            noise[i] = (uint8_t)(seed >> 24);
        }
        link_decoder_push(&decoder, noise, noise_len);
        link_decoder_push(&decoder, (const uint8_t[]){ 0x00 }, 1);
        link_decoder_push(&decoder, wire, len);
        expected++;
    }

    assert_int_equal(recorder.count, expected);
    for (size_t i = 0; i < recorder.count; i++) {
        assert_int_equal(recorder.messages[i].body.heartbeat.uptime_sec, 42);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decoder_delivers_messages_in_any_pieces),
        cmocka_unit_test(decoder_resyncs_after_garbage),
        cmocka_unit_test(decoder_drops_truncated_message_and_keeps_next),
        cmocka_unit_test(decoder_counts_bad_crc),
        cmocka_unit_test(decoder_counts_oversize_and_recovers),
        cmocka_unit_test(decoder_takes_longest_message_exactly),
        cmocka_unit_test(decoder_counts_unknown_type_bad_length_and_value),
        cmocka_unit_test(decoder_ignores_repeated_delimiters),
        cmocka_unit_test(decoder_survives_random_noise),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("link_decoder", tests, NULL, NULL);
}
