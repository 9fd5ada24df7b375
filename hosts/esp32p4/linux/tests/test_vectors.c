/* The shared vectors of core/vectors through this engine: Ed25519 (RFC 8032, Wycheproof) through
 * signature_verify, and the frame, accept, request and batch vectors written by the independent
 * generator in core/vectors/generate.ts. Every host runs the same files. */
#include "support.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_hex.h"

#ifndef HB_VECTORS_DIR
#error "HB_VECTORS_DIR must name core/vectors"
#endif

#define VECTOR_BYTES_MAX 2048

static cJSON *load_vectors(const char *name)
{
    char path[512];
    FILE *file;
    char *text;
    size_t len;
    cJSON *root;

    snprintf(path, sizeof path, "%s/%s", HB_VECTORS_DIR, name);
    file = fopen(path, "rb");
    if (file == NULL) {
        fail_msg("cannot open vector file %s", path);
    }
    fseek(file, 0, SEEK_END);
    len = (size_t)ftell(file);
    rewind(file);
    text = malloc(len + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, len, file), len);
    fclose(file);
    text[len] = '\0';

    root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    return root;
}

static const char *string_at(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsString(item)) {
        fail_msg("vector field %s is missing", field);
    }
    return item->valuestring;
}

static double number_at(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsNumber(item)) {
        fail_msg("vector field %s is missing", field);
    }
    return item->valuedouble;
}

/* Decodes a hex field into `out` and returns its byte length. */
static size_t bytes_at(const cJSON *object, const char *field, uint8_t *out, size_t cap)
{
    const char *hex = string_at(object, field);
    size_t len = strlen(hex) / 2;

    assert_true(len <= cap);
    assert_int_equal(hb_hex_decode(hex, out, len), 0);
    return len;
}

static void assert_status(core_t *core, int32_t status, const char *expected, const char *vector)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    if (strcmp(core_status_name(core, status, name), expected) != 0) {
        fail_msg("vector \"%s\": status %s, expected %s", vector, name, expected);
    }
}

/* Runs one Ed25519 vector; returns 1 when it ran through the core, 0 when its message does not fit
 * the core's message buffer. */
static int run_ed25519(core_t *core, const char *key_hex, const char *message_hex,
                       const char *signature_hex, bool must_verify, const char *label)
{
    static uint8_t message[VECTOR_BYTES_MAX];
    uint8_t key[32];
    uint8_t signature[64];
    size_t message_len = strlen(message_hex) / 2;
    int32_t status;

    assert_int_equal(hb_hex_decode(key_hex, key, sizeof key), 0);
    assert_int_equal(hb_hex_decode(message_hex, message, message_len), 0);

    /* A signature that is not 64 bytes never reaches the core: the host rejects it by length. */
    if (hb_hex_decode(signature_hex, signature, sizeof signature) != 0) {
        assert_false(must_verify);
        return 1;
    }
    if (message_len > core->message.size) {
        return 0;
    }

    status = core_signature_verify(core, message, message_len, signature, key);
    if ((status == CORE_OK) != must_verify) {
        fail_msg("ed25519 vector %s: status %d, expected %s", label, (int)status,
                 must_verify ? "OK" : "a rejection");
    }
    return 1;
}

static void ed25519_rfc8032_vectors(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = load_vectors("ed25519-rfc8032.json");
    const cJSON *vector;
    int run = 0;
    int too_long = 0;

    (void)state;
    cJSON_ArrayForEach(vector, cJSON_GetObjectItemCaseSensitive(root, "vectors")) {
        int ran = run_ed25519(&core, string_at(vector, "publicKey"), string_at(vector, "message"),
                              string_at(vector, "signature"), true, string_at(vector, "name"));

        run += ran;
        too_long += !ran;
    }
    printf("rfc 8032: %d vectors run, %d with messages above the %u-byte message buffer not run\n",
           run, too_long, (unsigned)core.message.size);
    assert_int_equal(too_long, 0);
    assert_true(run >= 5);
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void ed25519_wycheproof_vectors(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = load_vectors("ed25519-wycheproof.json");
    const cJSON *group;
    int run = 0;
    int too_long = 0;

    (void)state;
    cJSON_ArrayForEach(group, cJSON_GetObjectItemCaseSensitive(root, "testGroups")) {
        const char *key = string_at(cJSON_GetObjectItemCaseSensitive(group, "publicKey"), "pk");
        const cJSON *test;

        cJSON_ArrayForEach(test, cJSON_GetObjectItemCaseSensitive(group, "tests")) {
            const char *result = string_at(test, "result");
            char label[32];
            int ran;

            /* "acceptable" allows either outcome; this file has none, so every test is checked. */
            assert_true(strcmp(result, "valid") == 0 || strcmp(result, "invalid") == 0);
            snprintf(label, sizeof label, "tcId %d", (int)number_at(test, "tcId"));
            ran = run_ed25519(&core, key, string_at(test, "msg"), string_at(test, "sig"),
                              strcmp(result, "valid") == 0, label);
            run += ran;
            too_long += !ran;
        }
    }
    printf("wycheproof: %d vectors run, %d with messages above the %u-byte message buffer not run\n",
           run, too_long, (unsigned)core.message.size);
    assert_int_equal(too_long, 0);
    assert_true(run >= 151);
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void frame_vectors_verify(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = load_vectors("frames.json");
    const cJSON *vector;
    uint8_t frame[VECTOR_BYTES_MAX];
    uint8_t network_key[32];
    uint8_t signer_key[32];

    (void)state;
    cJSON_ArrayForEach(vector, cJSON_GetObjectItemCaseSensitive(root, "vectors")) {
        size_t len = bytes_at(vector, "frame", frame, sizeof frame);

        bytes_at(vector, "network_public_key", network_key, sizeof network_key);
        bytes_at(vector, "signer_public_key", signer_key, sizeof signer_key);
        core_set_network_key(&core, network_key);
        assert_status(&core, core_frame_verify(&core, frame, len, signer_key),
                      string_at(vector, "verify"), string_at(vector, "name"));
    }
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void accept_vectors_in_order(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = load_vectors("accept.json");
    const cJSON *item;
    uint8_t bytes[VECTOR_BYTES_MAX];

    (void)state;
    bytes_at(root, "network_public_key", bytes, 32);
    core_set_network_key(&core, bytes);
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "devices")) {
        bytes_at(item, "public_key", bytes, 32);
        assert_int_equal(core_device_set(&core, (uint32_t)number_at(item, "slot"),
                                         string_at(item, "device_id"), bytes), CORE_OK);
    }

    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "steps")) {
        size_t len = bytes_at(item, "frame", bytes, sizeof bytes);
        int32_t status = core_frame_accept(&core, bytes, len, (uint32_t)number_at(item, "now"));
        uint32_t slot;

        assert_status(&core, status, string_at(item, "status"), string_at(item, "name"));
        if (status != CORE_OK) {
            continue;
        }
        slot = core_frame_slot(&core);
        assert_int_equal(slot, (uint32_t)number_at(item, "slot"));
        assert_int_equal(core_frame_came_online(&core), number_at(item, "came_online") == 1);
        assert_int_equal(core_device_highest_seq(&core, slot), (uint32_t)number_at(item, "highest_seq"));
    }
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void request_vectors_form(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = load_vectors("requests.json");
    const cJSON *vector;
    uint8_t message[VECTOR_BYTES_MAX];
    uint8_t expected[VECTOR_BYTES_MAX];

    (void)state;
    cJSON_ArrayForEach(vector, cJSON_GetObjectItemCaseSensitive(root, "vectors")) {
        const char *canonical = string_at(vector, "canonical");
        int32_t len = core_request_signed_message(&core, canonical, strlen(canonical), message,
                                                  sizeof message);

        if (strlen(canonical) > core.request.size) {
            assert_int_equal(len, CORE_INPUT_TOO_LONG);
            continue;
        }
        assert_status(&core, len < 0 ? len : CORE_OK, string_at(vector, "form"),
                      string_at(vector, "name"));
        if (len >= 0) {
            size_t expected_len = bytes_at(vector, "signed_message", expected, sizeof expected);

            assert_int_equal((size_t)len, expected_len);
            assert_memory_equal(message, expected, expected_len);
        }
    }
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void batch_vectors_byte_for_byte(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = load_vectors("batch.json");
    const cJSON *item;
    uint8_t bytes[VECTOR_BYTES_MAX];
    char *json = malloc(core_batch_max_len(&core) + 1);

    (void)state;
    assert_non_null(json);
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "devices")) {
        bytes_at(item, "public_key", bytes, 32);
        assert_int_equal(core_device_set(&core, (uint32_t)number_at(item, "slot"),
                                         string_at(item, "device_id"), bytes), CORE_OK);
    }
    assert_int_equal(core_batch_configure(&core, string_at(root, "key_id"),
                                          (uint32_t)number_at(root, "interval_sec"),
                                          (uint32_t)number_at(root, "next_seq")), CORE_OK);

    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(root, "steps")) {
        const char *op = string_at(item, "op");
        uint32_t now = (uint32_t)number_at(item, "now");

        if (strcmp(op, "add_frame") == 0) {
            size_t len = bytes_at(item, "frame", bytes, sizeof bytes);

            /* The vector puts the frame in the frame buffer directly, without frame_accept. */
            memcpy(engine_bytes(engine, core.frame.ptr, (uint32_t)len), bytes, len);
            assert_status(&core, core_batch_add_frame(&core, len, (int32_t)number_at(item, "rssi"), now),
                          string_at(item, "status"), op);
        } else if (strcmp(op, "add_status") == 0) {
            assert_status(&core, core_batch_add_status(&core, (uint32_t)number_at(item, "slot"),
                                                       number_at(item, "online") == 1, now),
                          string_at(item, "status"), op);
        } else {
            assert_string_equal(op, "seal");
            assert_true(core_batch_seal(&core, now, json, core_batch_max_len(&core) + 1) > 0);
            assert_string_equal(json, string_at(item, "batch"));
            assert_int_equal(core_batch_sealed_seq(&core), (uint32_t)number_at(item, "sealed_seq"));
            assert_int_equal(core_batch_next_seq(&core), (uint32_t)number_at(item, "next_seq"));
        }
    }
    free(json);
    cJSON_Delete(root);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ed25519_rfc8032_vectors),
        cmocka_unit_test(ed25519_wycheproof_vectors),
        cmocka_unit_test(frame_vectors_verify),
        cmocka_unit_test(accept_vectors_in_order),
        cmocka_unit_test(request_vectors_form),
        cmocka_unit_test(batch_vectors_byte_for_byte),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("vectors", tests, NULL, NULL);
}
