/* COBS, CRC-16/CCITT-FALSE and the link messages against core/vectors/radio-link.json (written by
 * core/vectors/radio-link.py, independent of this C) and the worked example of docs/radio-link.md. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_hex.h"
#include "link_cobs.h"
#include "link_crc.h"
#include "link_message.h"
#include "vector_file.h"

#define BYTES_MAX 1200

#ifndef HB_DOCS_DIR
#error "HB_DOCS_DIR must name the docs folder"
#endif

static void cobs_matches_vectors(void **state)
{
    cJSON *root = vector_load("radio-link.json");
    const cJSON *item;
    int count = 0;

    (void)state;
    cJSON_ArrayForEach(item, vector_array(root, "cobs")) {
        uint8_t decoded[BYTES_MAX];
        uint8_t encoded[BYTES_MAX];
        uint8_t out[BYTES_MAX];
        size_t decoded_len = vector_bytes(item, "decoded", decoded, sizeof decoded);
        size_t encoded_len = vector_bytes(item, "encoded", encoded, sizeof encoded);
        size_t out_len = 0;

        assert_true(encoded_len <= LINK_COBS_MAX_ENCODED_LEN(decoded_len));
        out_len = link_cobs_encode(decoded, decoded_len, out, sizeof out);
        if (out_len != encoded_len || memcmp(out, encoded, encoded_len) != 0) {
            fail_msg("cobs encode of \"%s\" differs", vector_string(item, "name"));
        }
        assert_int_equal(link_cobs_decode(encoded, encoded_len, out, sizeof out, &out_len), 0);
        assert_int_equal(out_len, decoded_len);
        assert_memory_equal(out, decoded, decoded_len);
        count++;
    }
    assert_true(count >= 50);
    cJSON_Delete(root);
}

static void cobs_ends_254_byte_run_without_extra_code(void **state)
{
    uint8_t run[254];
    uint8_t out[300];

    (void)state;
    for (size_t i = 0; i < sizeof run; i++) {
        run[i] = (uint8_t)(i + 1);
    }
    assert_int_equal(link_cobs_encode(run, sizeof run, out, sizeof out), 255);
    assert_int_equal(out[0], 0xFF);

    /* 255 bytes: the 255th starts a second run with code 0x02. */
    uint8_t longer[255];
    memset(longer, 0x7a, sizeof longer);
    assert_int_equal(link_cobs_encode(longer, sizeof longer, out, sizeof out), 257);
    assert_int_equal(out[0], 0xFF);
    assert_int_equal(out[255], 0x02);
}

static void cobs_decode_reads_trailing_code_one(void **state)
{
    uint8_t encoded[256];
    uint8_t out[300];
    size_t out_len = 0;

    (void)state;
    encoded[0] = 0xFF;
    memset(encoded + 1, 0x55, 254);
    encoded[255] = 0x01;
    assert_int_equal(link_cobs_decode(encoded, sizeof encoded, out, sizeof out, &out_len), 0);
    assert_int_equal(out_len, 254);
}

static void cobs_rejects_malformed_input(void **state)
{
    static const uint8_t past_end[] = { 0x05, 0x11, 0x22 };
    static const uint8_t inner_zero[] = { 0x03, 0x11, 0x00 };
    static const uint8_t zero_code[] = { 0x02, 0x11, 0x00, 0x22 };
    uint8_t out[16];
    size_t out_len = 0;

    (void)state;
    assert_int_equal(link_cobs_decode(past_end, sizeof past_end, out, sizeof out, &out_len), -1);
    assert_int_equal(link_cobs_decode(inner_zero, sizeof inner_zero, out, sizeof out, &out_len), -1);
    assert_int_equal(link_cobs_decode(zero_code, sizeof zero_code, out, sizeof out, &out_len), -1);
    assert_int_equal(link_cobs_decode(past_end, 0, out, sizeof out, &out_len), -1);
}

static void cobs_respects_output_capacity(void **state)
{
    static const uint8_t data[] = { 0x11, 0x22, 0x00, 0x33 };
    static const uint8_t encoded[] = { 0x03, 0x11, 0x22, 0x02, 0x33 };
    uint8_t out[8];
    size_t out_len = 0;

    (void)state;
    for (size_t cap = 0; cap < sizeof encoded; cap++) {
        assert_int_equal(link_cobs_encode(data, sizeof data, out, cap), 0);
    }
    assert_int_equal(link_cobs_encode(data, sizeof data, out, sizeof encoded), sizeof encoded);
    for (size_t cap = 0; cap < sizeof data; cap++) {
        assert_int_equal(link_cobs_decode(encoded, sizeof encoded, out, cap, &out_len), -1);
    }
}

/* A seeded round trip over lengths up to 600 and zero densities from none to most. */
static void cobs_round_trips_random_input(void **state)
{
    uint32_t seed = 20261204;
    uint8_t data[600];
    uint8_t encoded[LINK_COBS_MAX_ENCODED_LEN(600)];
    uint8_t decoded[600];

    (void)state;
    printf("cobs round trip seed %u\n", (unsigned)seed);
    for (int round = 0; round < 500; round++) {
        size_t len;
        size_t encoded_len;
        size_t decoded_len = 0;
        uint32_t zero_per_256;

        seed = seed * 1664525u + 1013904223u;
        len = (seed >> 8) % (sizeof data + 1);
        zero_per_256 = (uint32_t)(round % 4) * 80;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1664525u + 1013904223u;
            data[i] = ((seed >> 24) & 0xff) < zero_per_256 ? 0 : (uint8_t)(((seed >> 8) % 255) + 1);
        }
        encoded_len = link_cobs_encode(data, len, encoded, sizeof encoded);
        assert_true(encoded_len >= 1 && encoded_len <= LINK_COBS_MAX_ENCODED_LEN(len));
        assert_null(memchr(encoded, 0, encoded_len));
        assert_int_equal(link_cobs_decode(encoded, encoded_len, decoded, sizeof decoded, &decoded_len), 0);
        assert_int_equal(decoded_len, len);
        assert_memory_equal(decoded, data, len);
    }
}

static void crc_matches_vectors(void **state)
{
    cJSON *root = vector_load("radio-link.json");
    const cJSON *item;

    (void)state;
    assert_int_equal(link_crc16((const uint8_t *)"123456789", 9), 0x29B1);
    cJSON_ArrayForEach(item, vector_array(root, "crc")) {
        uint8_t data[BYTES_MAX];
        size_t len = vector_bytes(item, "data", data, sizeof data);
        uint16_t half;

        assert_int_equal(link_crc16(data, len), vector_u32(item, "crc"));

        /* Chunked equals whole. */
        half = link_crc16_update(LINK_CRC_INITIAL, data, len / 2);
        assert_int_equal(link_crc16_update(half, data + len / 2, len - len / 2), vector_u32(item, "crc"));
    }
    cJSON_Delete(root);
}

/* Fills `message` from a vector's fields; frame bytes go to `frame`. */
static void message_from_vector(const cJSON *item, link_message_t *message, uint8_t *frame)
{
    const char *type = vector_string(item, "type");

    memset(message, 0, sizeof *message);
    if (strcmp(type, "frame-in") == 0) {
        message->type = LINK_TYPE_FRAME_IN;
        vector_bytes_exact(item, "mac", message->body.frame_in.mac, LINK_MAC_LEN);
        message->body.frame_in.rssi = (int8_t)vector_number(item, "rssi");
        message->body.frame_in.frame_len = vector_bytes(item, "frame", frame, LINK_FRAME_MAX_LEN);
        message->body.frame_in.frame = frame;
    } else if (strcmp(type, "frame-out") == 0) {
        message->type = LINK_TYPE_FRAME_OUT;
        message->body.frame_out.message_id = (uint16_t)vector_u32(item, "message_id");
        vector_bytes_exact(item, "mac", message->body.frame_out.mac, LINK_MAC_LEN);
        message->body.frame_out.frame_len = vector_bytes(item, "frame", frame, LINK_FRAME_MAX_LEN);
        message->body.frame_out.frame = frame;
    } else if (strcmp(type, "send-status") == 0) {
        message->type = LINK_TYPE_SEND_STATUS;
        message->body.send_status.message_id = (uint16_t)vector_u32(item, "message_id");
        message->body.send_status.status = (uint8_t)vector_u32(item, "status");
    } else if (strcmp(type, "heartbeat") == 0) {
        message->type = LINK_TYPE_HEARTBEAT;
        message->body.heartbeat.uptime_sec = (uint32_t)vector_number(item, "uptime_sec");
    } else if (strcmp(type, "version") == 0) {
        const cJSON *firmware = vector_array(item, "firmware");

        message->type = LINK_TYPE_VERSION;
        message->body.version.flags = (uint8_t)vector_u32(item, "flags");
        message->body.version.protocol_version = (uint8_t)vector_u32(item, "protocol_version");
        message->body.version.firmware_major = (uint8_t)cJSON_GetArrayItem(firmware, 0)->valueint;
        message->body.version.firmware_minor = (uint8_t)cJSON_GetArrayItem(firmware, 1)->valueint;
        message->body.version.firmware_patch = (uint8_t)cJSON_GetArrayItem(firmware, 2)->valueint;
    } else {
        fail_msg("vector type %s unknown", type);
    }
}

static void assert_messages_equal(const link_message_t *actual, const link_message_t *expected)
{
    assert_int_equal(actual->type, expected->type);
    switch (expected->type) {
    case LINK_TYPE_FRAME_IN:
        assert_memory_equal(actual->body.frame_in.mac, expected->body.frame_in.mac, LINK_MAC_LEN);
        assert_int_equal(actual->body.frame_in.rssi, expected->body.frame_in.rssi);
        assert_int_equal(actual->body.frame_in.frame_len, expected->body.frame_in.frame_len);
        assert_memory_equal(actual->body.frame_in.frame, expected->body.frame_in.frame,
                            expected->body.frame_in.frame_len);
        break;
    case LINK_TYPE_FRAME_OUT:
        assert_int_equal(actual->body.frame_out.message_id, expected->body.frame_out.message_id);
        assert_memory_equal(actual->body.frame_out.mac, expected->body.frame_out.mac, LINK_MAC_LEN);
        assert_int_equal(actual->body.frame_out.frame_len, expected->body.frame_out.frame_len);
        assert_memory_equal(actual->body.frame_out.frame, expected->body.frame_out.frame,
                            expected->body.frame_out.frame_len);
        break;
    case LINK_TYPE_SEND_STATUS:
        assert_int_equal(actual->body.send_status.message_id, expected->body.send_status.message_id);
        assert_int_equal(actual->body.send_status.status, expected->body.send_status.status);
        break;
    case LINK_TYPE_HEARTBEAT:
        assert_int_equal(actual->body.heartbeat.uptime_sec, expected->body.heartbeat.uptime_sec);
        break;
    case LINK_TYPE_VERSION:
        assert_memory_equal(&actual->body.version, &expected->body.version, sizeof expected->body.version);
        break;
    }
}

static void messages_match_vectors(void **state)
{
    cJSON *root = vector_load("radio-link.json");
    const cJSON *item;
    int seen[6] = { 0 };

    (void)state;
    cJSON_ArrayForEach(item, vector_array(root, "messages")) {
        uint8_t frame[LINK_FRAME_MAX_LEN];
        uint8_t raw[LINK_MESSAGE_MAX_LEN];
        uint8_t wire[LINK_WIRE_MAX_LEN];
        uint8_t out[LINK_WIRE_MAX_LEN];
        link_message_t expected;
        link_message_t parsed;
        size_t raw_len = vector_bytes(item, "raw", raw, sizeof raw);
        size_t wire_len = vector_bytes(item, "wire", wire, sizeof wire);
        size_t out_len;

        message_from_vector(item, &expected, frame);
        out_len = link_message_encode(&expected, out);
        if (out_len != wire_len || memcmp(out, wire, wire_len) != 0) {
            fail_msg("encoding of \"%s\" differs from the vector", vector_string(item, "name"));
        }
        assert_int_equal(link_message_parse(raw, raw_len, &parsed), LINK_OK);
        assert_messages_equal(&parsed, &expected);
        seen[expected.type]++;
    }
    for (int type = LINK_TYPE_FRAME_IN; type <= LINK_TYPE_VERSION; type++) {
        assert_true(seen[type] >= 2);
    }
    cJSON_Delete(root);
}

/* Reads the hex of the fenced block opened by "```hex `tag`" in docs/radio-link.md. */
static size_t read_doc_block(const char *tag, uint8_t *out, size_t cap)
{
    char path[512];
    char opening[64];
    char line[512];
    char hex[1024] = "";
    bool inside = false;
    bool found = false;
    FILE *file;
    size_t len = 0;

    snprintf(path, sizeof path, "%s/radio-link.md", HB_DOCS_DIR);
    snprintf(opening, sizeof opening, "```hex %s\n", tag);
    file = fopen(path, "r");
    if (file == NULL) {
        fail_msg("cannot open %s", path);
    }
    while (fgets(line, sizeof line, file) != NULL) {
        if (!inside && strcmp(line, opening) == 0) {
            inside = found = true;
            continue;
        }
        if (inside && strncmp(line, "```", 3) == 0) {
            break;
        }
        if (inside) {
            for (const char *c = line; *c != '\0'; c++) {
                if (*c != ' ' && *c != '\n' && len + 1 < sizeof hex) {
                    hex[len++] = *c;
                }
            }
        }
    }
    fclose(file);
    if (!found) {
        fail_msg("block %s not found in %s", tag, path);
    }
    hex[len] = '\0';
    assert_true(len % 2 == 0 && len / 2 <= cap);
    assert_int_equal(hb_hex_decode(hex, out, len / 2), 0);
    return len / 2;
}

static void worked_example_in_doc_matches(void **state)
{
    static const uint8_t frame[] = { 0x01, 0x03, 0x00, 0x00, 0xff };
    link_message_t message = {
        .type = LINK_TYPE_FRAME_IN,
        .body.frame_in = { .mac = { 0x02, 0x00, 0x00, 0x00, 0x4e, 0x21 }, .rssi = -50,
                           .frame = frame, .frame_len = sizeof frame },
    };
    uint8_t raw[LINK_MESSAGE_MAX_LEN];
    uint8_t wire[LINK_WIRE_MAX_LEN];
    uint8_t out[LINK_WIRE_MAX_LEN];
    uint8_t decoded[LINK_MESSAGE_MAX_LEN];
    link_message_t parsed;
    size_t raw_len = read_doc_block("link-example-raw", raw, sizeof raw);
    size_t wire_len = read_doc_block("link-example-wire", wire, sizeof wire);
    size_t decoded_len = 0;

    (void)state;
    assert_int_equal(raw_len, 15);
    assert_int_equal(link_message_encode(&message, out), wire_len);
    assert_memory_equal(out, wire, wire_len);

    assert_int_equal(wire[wire_len - 1], 0x00);
    assert_int_equal(link_cobs_decode(wire, wire_len - 1, decoded, sizeof decoded, &decoded_len), 0);
    assert_int_equal(decoded_len, raw_len);
    assert_memory_equal(decoded, raw, raw_len);
    assert_int_equal(link_message_parse(raw, raw_len, &parsed), LINK_OK);
    assert_messages_equal(&parsed, &message);
}

static void encode_rejects_broken_messages(void **state)
{
    uint8_t frame[LINK_FRAME_MAX_LEN + 1] = { 0 };
    uint8_t out[LINK_WIRE_MAX_LEN];
    link_message_t message = { .type = LINK_TYPE_FRAME_OUT };

    (void)state;
    message.body.frame_out.frame = frame;
    message.body.frame_out.frame_len = 0;
    assert_int_equal(link_message_encode(&message, out), 0);
    message.body.frame_out.frame_len = LINK_FRAME_MAX_LEN + 1;
    assert_int_equal(link_message_encode(&message, out), 0);
    message.body.frame_out.frame_len = LINK_FRAME_MAX_LEN;
    assert_true(link_message_encode(&message, out) <= LINK_WIRE_MAX_LEN);

    message = (link_message_t){ .type = LINK_TYPE_SEND_STATUS, .body.send_status.status = 2 };
    assert_int_equal(link_message_encode(&message, out), 0);
    message.type = (link_type_t)0x09;
    assert_int_equal(link_message_encode(&message, out), 0);
}

/* Appends the CRC to `len` bytes of `raw`; returns the new length. */
static size_t with_crc(uint8_t *raw, size_t len)
{
    uint16_t crc = link_crc16(raw, len);

    raw[len] = (uint8_t)(crc & 0xff);
    raw[len + 1] = (uint8_t)(crc >> 8);
    return len + 2;
}

static void parse_rejects_each_rule(void **state)
{
    uint8_t raw[LINK_MESSAGE_MAX_LEN + 8] = { 0 };
    link_message_t message;
    size_t len;

    (void)state;
    assert_int_equal(link_message_parse(raw, 2, &message), LINK_ERR_TOO_SHORT);

    raw[0] = LINK_TYPE_HEARTBEAT;
    len = with_crc(raw, 5);
    raw[len - 1] ^= 0x01;
    assert_int_equal(link_message_parse(raw, len, &message), LINK_ERR_CRC);

    raw[0] = 0x06;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 5), &message), LINK_ERR_UNKNOWN_TYPE);
    raw[0] = 0x00;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 5), &message), LINK_ERR_UNKNOWN_TYPE);

    raw[0] = LINK_TYPE_HEARTBEAT;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 4), &message), LINK_ERR_BAD_LENGTH);
    assert_int_equal(link_message_parse(raw, with_crc(raw, 6), &message), LINK_ERR_BAD_LENGTH);

    raw[0] = LINK_TYPE_FRAME_IN;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 1 + 7), &message), LINK_ERR_BAD_LENGTH);
    assert_int_equal(link_message_parse(raw, with_crc(raw, 1 + 7 + 1), &message), LINK_OK);
    assert_int_equal(link_message_parse(raw, with_crc(raw, 1 + 7 + 251), &message), LINK_ERR_BAD_LENGTH);

    raw[0] = LINK_TYPE_FRAME_OUT;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 1 + 8), &message), LINK_ERR_BAD_LENGTH);
    assert_int_equal(link_message_parse(raw, with_crc(raw, 1 + 8 + 250), &message), LINK_OK);

    raw[0] = LINK_TYPE_SEND_STATUS;
    raw[3] = 2;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 4), &message), LINK_ERR_BAD_VALUE);
    assert_int_equal(link_message_parse(raw, with_crc(raw, 5), &message), LINK_ERR_BAD_LENGTH);

    /* A later version may append fields to the version message. */
    raw[0] = LINK_TYPE_VERSION;
    raw[2] = 2;
    assert_int_equal(link_message_parse(raw, with_crc(raw, 9), &message), LINK_OK);
    assert_int_equal(message.body.version.protocol_version, 2);
    assert_int_equal(link_message_parse(raw, with_crc(raw, 5), &message), LINK_ERR_BAD_LENGTH);
}

static void version_needs_update_when_older_or_other_protocol(void **state)
{
    link_version_t bundled = { .protocol_version = 1, .firmware_major = 1, .firmware_minor = 2, .firmware_patch = 3 };
    link_version_t same = bundled;
    link_version_t newer = { .protocol_version = 1, .firmware_major = 1, .firmware_minor = 3 };
    link_version_t older = { .protocol_version = 1, .firmware_major = 1, .firmware_minor = 2, .firmware_patch = 2 };
    link_version_t other_protocol = { .protocol_version = 2, .firmware_major = 9 };

    (void)state;
    assert_false(link_version_needs_update(&same, &bundled));
    assert_false(link_version_needs_update(&newer, &bundled));
    assert_true(link_version_needs_update(&older, &bundled));
    assert_true(link_version_needs_update(&other_protocol, &bundled));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cobs_matches_vectors),
        cmocka_unit_test(cobs_ends_254_byte_run_without_extra_code),
        cmocka_unit_test(cobs_decode_reads_trailing_code_one),
        cmocka_unit_test(cobs_rejects_malformed_input),
        cmocka_unit_test(cobs_respects_output_capacity),
        cmocka_unit_test(cobs_round_trips_random_input),
        cmocka_unit_test(crc_matches_vectors),
        cmocka_unit_test(messages_match_vectors),
        cmocka_unit_test(worked_example_in_doc_matches),
        cmocka_unit_test(encode_rejects_broken_messages),
        cmocka_unit_test(parse_rejects_each_rule),
        cmocka_unit_test(version_needs_update_when_older_or_other_protocol),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("link_codec", tests, NULL, NULL);
}
