/* Runs core/vectors/frames.json through this engine. Every vector gets the status of frame_decode
 * and frame_verify checked. Each frame that decodes OK also gets its header and typed payload
 * getters checked, and frame_build must rebuild it to the same bytes and signed message. The
 * file's `builds` must fail frame_build with their status. The expected values come from the
 * independent generator (core/vectors/generate.ts), the same file the Node runners read. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"
#include "vector_file.h"

#define FRAME_MAX 256
/* Vector frames may exceed the frame buffer (a frame of 1000 bytes must be FRAME_TOO_LONG). */
#define VECTOR_FRAME_MAX 2048
#define MESSAGE_MAX 1024
#define FRAME_HEADER_LEN 27
#define FRAME_TYPE_CHUNK 0x08
#define TEXT_MAX 256

/* Runs `check` on every frame vector that has `member` (all when NULL), after setting the
 * vector's network key. Returns how many ran. */
typedef void (*frame_check_fn)(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len);

static int for_each_frame(const char *member, frame_check_fn check)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("frames.json");
    const cJSON *vector;
    uint8_t frame[VECTOR_FRAME_MAX];
    uint8_t network_key[CORE_KEY_LEN];
    int count = 0;

    cJSON_ArrayForEach(vector, vector_array(root, "vectors")) {
        size_t len = vector_bytes(vector, "frame", frame, sizeof frame);

        if (member != NULL && !vector_has(vector, member)) {
            continue;
        }
        vector_bytes_exact(vector, "network_public_key", network_key, sizeof network_key);
        core_set_network_key(&core, network_key);
        check(&core, vector, frame, len);
        count++;
    }
    cJSON_Delete(root);
    engine_destroy(engine);
    return count;
}

/* Mismatching statuses of the running test; each is printed, and the test fails once at its end. */
static int s_mismatches;

static void check_decode(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    if (!vector_status_matches(core, core_frame_decode(core, frame, len),
                               vector_string(vector, "decode"), vector_string(vector, "name"))) {
        s_mismatches++;
    }
}

static void check_verify(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    uint8_t signer_key[CORE_KEY_LEN];

    vector_bytes_exact(vector, "signer_public_key", signer_key, sizeof signer_key);
    if (!vector_status_matches(core, core_frame_verify(core, frame, len, signer_key),
                               vector_string(vector, "verify"), vector_string(vector, "name"))) {
        s_mismatches++;
    }
}

static void check_fields(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(vector, "fields");
    uint8_t payload[FRAME_MAX];
    uint8_t held[FRAME_MAX];
    size_t payload_len = vector_bytes(fields, "payload", payload, sizeof payload);
    char device_id[CORE_DEVICE_ID_LEN];
    core_span_t payload_span = { FRAME_HEADER_LEN, (uint32_t)payload_len };
    uint32_t type = vector_u32(fields, "type");

    assert_int_equal(core_frame_decode(core, frame, len), CORE_OK);
    assert_int_equal(core_frame_type(core), type);
    assert_int_equal(core_frame_timestamp(core), vector_u32(fields, "timestamp"));
    assert_int_equal(core_frame_seq(core), vector_u32(fields, "seq"));
    assert_int_equal(core_frame_payload_len(core), payload_len);
    assert_int_equal(core_frame_signed(core), type != FRAME_TYPE_CHUNK);

    assert_true(core_frame_device_id(core, CORE_OK, device_id));
    assert_string_equal(device_id, vector_string(fields, "device_id"));
    assert_true(core_frame_span(core, payload_span, held, sizeof held));
    assert_memory_equal(held, payload, payload_len);
}

static void check_signed_message(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    uint8_t expected[MESSAGE_MAX];
    uint8_t message[MESSAGE_MAX];
    size_t expected_len = vector_bytes(vector, "signed_message", expected, sizeof expected);
    int32_t message_len = core_frame_signed_message(core, frame, len, message, sizeof message);

    if (message_len < 0) {
        vector_assert_status(core, message_len, "OK", vector_string(vector, "name"));
    }
    assert_int_equal((size_t)message_len, expected_len);
    assert_memory_equal(message, expected, expected_len);
}

/* ---- Typed payload getters ---- */

/* The values of every typed payload getter after one decode. A getter the frame's type lacks
 * reads 0. */
typedef struct {
    core_ack_t ack;
    core_beacon_t beacon;
    core_manifest_t manifest;
    core_chunk_t chunk;
    core_command_t command;
} typed_values_t;

static bool numeric_getter(const typed_values_t *values, const char *name, uint32_t *out)
{
    const struct {
        const char *name;
        uint32_t value;
    } getters[] = {
        { "ack_id", values->ack.id },
        { "ack_result", values->ack.result },
        { "beacon_channel", values->beacon.channel },
        { "beacon_boot", values->beacon.boot },
        { "manifest_size", values->manifest.size },
        { "chunk_content", values->chunk.content },
        { "chunk_offset", values->chunk.offset },
        { "chunk_total", values->chunk.total },
        { "command_id", values->command.id },
        { "command_code", values->command.code },
        { "command_number", values->command.number },
    };

    for (size_t i = 0; i < sizeof getters / sizeof getters[0]; i++) {
        if (strcmp(getters[i].name, name) == 0) {
            *out = getters[i].value;
            return true;
        }
    }
    return false;
}

/* The bytes a text getter gives: a span of the frame, the device argument or the decoded value. */
static size_t text_getter(core_t *core, const typed_values_t *values, const char *name,
                          uint8_t out[TEXT_MAX])
{
    const core_span_t *span = NULL;

    if (strcmp(name, "ack_reason") == 0) {
        span = &values->ack.reason;
    } else if (strcmp(name, "manifest_media") == 0) {
        span = &values->manifest.media;
    } else if (strcmp(name, "command_text") == 0) {
        span = &values->command.text;
    } else if (strcmp(name, "chunk_data") == 0) {
        span = &values->chunk.data;
    } else if (strcmp(name, "command_device") == 0) {
        size_t len = strlen(values->command.device);

        memcpy(out, values->command.device, len);
        return len;
    } else if (strcmp(name, "decoded") == 0) {
        const uint8_t *bytes = values->manifest.sha256_len > 0 ? values->manifest.sha256
                                                               : values->command.decoded;
        size_t len = values->manifest.sha256_len > 0 ? values->manifest.sha256_len
                                                     : values->command.decoded_len;

        memcpy(out, bytes, len);
        return len;
    } else {
        fail_msg("typed getter %s is not one of docs/core-abi.md", name);
    }

    assert_true(core_frame_span(core, *span, out, TEXT_MAX));
    return span->len;
}

/* Writes the expected bytes of a text getter. chunk_data and decoded are hex in the file, and the
 * other text getters are the text itself. */
static size_t expected_text(const cJSON *typed, const char *name, uint8_t out[TEXT_MAX])
{
    const char *text = vector_string(typed, name);

    if (strcmp(name, "chunk_data") == 0 || strcmp(name, "decoded") == 0) {
        return vector_bytes(typed, name, out, TEXT_MAX);
    }
    assert_true(strlen(text) <= TEXT_MAX);
    memcpy(out, text, strlen(text));
    return strlen(text);
}

static void check_typed(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    const cJSON *typed = cJSON_GetObjectItemCaseSensitive(vector, "typed");
    const char *label = vector_string(vector, "name");
    typed_values_t values;
    const cJSON *getter;

    assert_int_equal(core_frame_decode(core, frame, len), CORE_OK);
    assert_true(core_ack_read(core, &values.ack));
    assert_true(core_beacon_read(core, &values.beacon));
    assert_true(core_manifest_read(core, &values.manifest));
    assert_true(core_chunk_read(core, &values.chunk));
    assert_true(core_command_read(core, &values.command));

    cJSON_ArrayForEach(getter, typed) {
        uint32_t value = 0;

        if (cJSON_IsNumber(getter)) {
            if (!numeric_getter(&values, getter->string, &value)) {
                fail_msg("vector \"%s\": typed getter %s is not numeric", label, getter->string);
            }
            if (value != vector_u32(typed, getter->string)) {
                fail_msg("vector \"%s\": %s is %u, expected %u", label, getter->string,
                         (unsigned)value, (unsigned)vector_u32(typed, getter->string));
            }
        } else {
            uint8_t held[TEXT_MAX];
            uint8_t expected[TEXT_MAX];
            size_t held_len = text_getter(core, &values, getter->string, held);
            size_t expected_len = expected_text(typed, getter->string, expected);

            if (held_len != expected_len || memcmp(held, expected, held_len) != 0) {
                fail_msg("vector \"%s\": %s differs from the file (%zu bytes, expected %zu)",
                         label, getter->string, held_len, expected_len);
            }
        }
    }
}

/* ---- frame_build ---- */

/* The file's `keys` member (seeds and public keys), set while frame_build_round_trip runs. */
static const cJSON *s_keys;

/* Writes the seed of the key in s_keys whose public key is `public_key`. */
static void seed_of(const uint8_t public_key[CORE_KEY_LEN], uint8_t seed[32])
{
    const cJSON *key;

    cJSON_ArrayForEach(key, s_keys) {
        uint8_t candidate[CORE_KEY_LEN];

        vector_bytes_exact(key, "public_key", candidate, sizeof candidate);
        if (memcmp(candidate, public_key, sizeof candidate) == 0) {
            vector_bytes_exact(key, "seed", seed, 32);
            return;
        }
    }
    fail_msg("no seed in the file's keys for a signer public key");
}

static void check_build(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(vector, "fields");
    const char *label = vector_string(vector, "name");
    uint8_t payload[FRAME_MAX];
    size_t payload_len = vector_bytes(fields, "payload", payload, sizeof payload);
    uint32_t type = vector_u32(fields, "type");
    uint8_t built[FRAME_MAX];
    uint8_t unsigned_frame[FRAME_MAX];
    uint8_t message[MESSAGE_MAX];
    int32_t built_len;
    int32_t message_len;

    built_len = core_frame_build(core, (uint8_t)type, vector_string(fields, "device_id"),
                                 vector_u32(fields, "timestamp"), vector_u32(fields, "seq"), payload,
                                 payload_len, built, sizeof built);
    if (built_len < 0) {
        vector_assert_status(core, built_len, "OK", label);
    }
    assert_int_equal((size_t)built_len, len);
    message_len = core_frame_build_message(core, message, sizeof message);

    if (type == FRAME_TYPE_CHUNK) {
        const uint8_t no_signature[CORE_SIGNATURE_LEN] = { 0 };

        assert_memory_equal(built, frame, len);
        assert_int_equal(message_len, 0);
        assert_int_equal(core_frame_set_signature(core, no_signature, built, sizeof built),
                         CORE_FRAME_NOT_SIGNED);
        return;
    }

    /* Before the signature: the vector's bytes with 64 zero bytes in its place. */
    memcpy(unsigned_frame, frame, len);
    memset(unsigned_frame + len - CORE_SIGNATURE_LEN, 0, CORE_SIGNATURE_LEN);
    assert_memory_equal(built, unsigned_frame, len);
    if (vector_has(vector, "signed_message")) {
        uint8_t expected[MESSAGE_MAX];
        size_t expected_len = vector_bytes(vector, "signed_message", expected, sizeof expected);

        assert_int_equal((size_t)message_len, expected_len);
        assert_memory_equal(message, expected, expected_len);
    }

    /* Signed by the host with the signer's seed: Ed25519 is deterministic, so the frame equals the
     * vector byte for byte. */
    if (strcmp(vector_string(vector, "verify"), "OK") == 0) {
        uint8_t signer_key[CORE_KEY_LEN];
        uint8_t seed[32];
        uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
        uint8_t secret_key[crypto_sign_SECRETKEYBYTES];
        uint8_t signature[CORE_SIGNATURE_LEN];

        vector_bytes_exact(vector, "signer_public_key", signer_key, sizeof signer_key);
        seed_of(signer_key, seed);
        crypto_sign_seed_keypair(public_key, secret_key, seed);
        crypto_sign_detached(signature, NULL, message, (size_t)message_len, secret_key);
        assert_int_equal(core_frame_set_signature(core, signature, built, sizeof built), (int32_t)len);
        assert_memory_equal(built, frame, len);
    }
}

/* ---- Tests ---- */

static void frame_decode_statuses(void **state)
{
    (void)state;
    s_mismatches = 0;
    assert_true(for_each_frame(NULL, check_decode) > 0);
    assert_int_equal(s_mismatches, 0);
}

static void frame_verify_statuses(void **state)
{
    (void)state;
    s_mismatches = 0;
    assert_true(for_each_frame(NULL, check_verify) > 0);
    assert_int_equal(s_mismatches, 0);
}

static void frame_header_getters(void **state)
{
    (void)state;
    assert_true(for_each_frame("fields", check_fields) > 0);
}

static void frame_signed_messages(void **state)
{
    (void)state;
    assert_true(for_each_frame("signed_message", check_signed_message) > 0);
}

static void frame_typed_getters(void **state)
{
    int count;

    (void)state;
    count = for_each_frame("typed", check_typed);
    printf("typed getters checked on %d frames\n", count);
    assert_true(count > 0);
}

static void frame_build_round_trip(void **state)
{
    cJSON *root = vector_load("frames.json");
    int count;

    (void)state;
    s_keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
    assert_non_null(s_keys);
    count = for_each_frame("fields", check_build);
    printf("frame_build rebuilt %d frames\n", count);
    assert_true(count > 0);
    s_keys = NULL;
    cJSON_Delete(root);
}

static void frame_build_rejects(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("frames.json");
    const cJSON *build;
    int count = 0;

    (void)state;
    cJSON_ArrayForEach(build, vector_array(root, "builds")) {
        uint8_t payload[FRAME_MAX];
        uint8_t built[FRAME_MAX];
        size_t payload_len = vector_bytes(build, "payload", payload, sizeof payload);
        int32_t status = core_frame_build(&core, (uint8_t)vector_u32(build, "type"),
                                          vector_string(build, "device_id"),
                                          vector_u32(build, "timestamp"), vector_u32(build, "seq"),
                                          payload, payload_len, built, sizeof built);

        vector_assert_status(&core, status < 0 ? status : CORE_OK, vector_string(build, "status"),
                             vector_string(build, "name"));
        count++;
    }
    printf("frame_build rejected %d builds\n", count);
    assert_true(count > 0);
    cJSON_Delete(root);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frame_decode_statuses),
        cmocka_unit_test(frame_verify_statuses),
        cmocka_unit_test(frame_header_getters),
        cmocka_unit_test(frame_signed_messages),
        cmocka_unit_test(frame_typed_getters),
        cmocka_unit_test(frame_build_round_trip),
        cmocka_unit_test(frame_build_rejects),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("frame vectors", tests, NULL, NULL);
}
