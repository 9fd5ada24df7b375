/* The engine loads core.wasm, resolves the ABI and runs the verify import. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_select.h"

/* docs/core-abi.md, Status codes. */
static const struct {
    int32_t code;
    const char *name;
} s_status_names[] = {
    { 1, "COMMAND_REPEATED" },
    { 0, "OK" },
    { -1, "FRAME_TOO_SHORT" },
    { -2, "FRAME_TOO_LONG" },
    { -3, "FRAME_BAD_VERSION" },
    { -4, "FRAME_BAD_TYPE" },
    { -5, "FRAME_BAD_DEVICE_ID" },
    { -6, "FRAME_PAYLOAD_TOO_LONG" },
    { -7, "FRAME_LENGTH_MISMATCH" },
    { -8, "FRAME_BAD_JSON" },
    { -9, "FRAME_UNKNOWN_DEVICE" },
    { -10, "FRAME_TIMESTAMP_SKEW" },
    { -11, "REPLAY_DUPLICATE" },
    { -12, "REPLAY_TOO_OLD" },
    { -13, "SIGNATURE_NONCANONICAL" },
    { -14, "SIGNATURE_INVALID" },
    { -15, "FRAME_WRONG_DIRECTION" },
    { -16, "REPLAY_BELOW_FLOOR" },
    { -17, "FRAME_NOT_SIGNED" },
    { -18, "BUILD_NOT_READY" },
    { -20, "REQUEST_BAD_FORM" },
    { -21, "REQUEST_TIMESTAMP_SKEW" },
    { -22, "NONCE_REUSED" },
    { -23, "NONCE_CACHE_FULL" },
    { -24, "STATE_BAD_FORMAT" },
    { -25, "REQUEST_UNKNOWN_KEY" },
    { -30, "BATCH_FULL" },
    { -31, "BATCH_BAD_ARGUMENT" },
    { -40, "DEVICE_BAD_SLOT" },
    { -50, "COMMAND_UNKNOWN" },
    { -51, "COMMAND_BAD_SCHEMA" },
    { -52, "COMMAND_WRONG_TARGET" },
    { -53, "COMMAND_EXPIRED" },
    { -54, "ACK_BAD_PAYLOAD" },
    { -55, "BEACON_BAD_PAYLOAD" },
    { -56, "MANIFEST_BAD_PAYLOAD" },
    { -57, "CHUNK_BAD_RANGE" },
    { 2, "UNKNOWN_STATUS" },
    { 7, "UNKNOWN_STATUS" },
    { -19, "UNKNOWN_STATUS" },
    { -58, "UNKNOWN_STATUS" },
};

/* The group order L of Ed25519, little-endian (RFC 8032 section 5.1). */
static const uint8_t s_group_order[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
};

static void engine_loads_core(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);

    (void)state;
    assert_string_equal(engine_name(engine), test_engine_name());
    assert_false(engine->trapped);
    assert_true(core.frame.size >= 256);
    assert_true(core.batch.size >= 65536);
    assert_int_equal(core_device_capacity(&core), 32);
    engine_destroy(engine);
}

static void status_names_match_abi(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    char name[CORE_STATUS_NAME_MAX + 1];

    (void)state;
    for (size_t i = 0; i < sizeof s_status_names / sizeof s_status_names[0]; i++) {
        assert_string_equal(core_status_name(&core, s_status_names[i].code, name),
                            s_status_names[i].name);
    }
    engine_destroy(engine);
}

/* Signs a message with libsodium and checks it through the core's signature_verify. */
static void signature_verify_import(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    test_key_t key;
    uint8_t message[] = "signed by libsodium";
    uint8_t signature[64];

    (void)state;
    test_key_from_fill(&key, 0x5a);
    crypto_sign_detached(signature, NULL, message, sizeof message, key.secret_key);
    assert_int_equal(core_signature_verify(&core, message, sizeof message, signature, key.public_key),
                     CORE_OK);

    message[0] ^= 0x01;
    assert_int_equal(core_signature_verify(&core, message, sizeof message, signature, key.public_key),
                     CORE_SIGNATURE_INVALID);
    engine_destroy(engine);
}

/* S + L is a valid signature to some libraries; the core rejects it before verifying. */
static void signature_with_s_plus_l_rejected(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    test_key_t key;
    uint8_t message[] = "malleable";
    uint8_t signature[64];
    unsigned carry = 0;

    (void)state;
    test_key_from_fill(&key, 0x5b);
    crypto_sign_detached(signature, NULL, message, sizeof message, key.secret_key);
    for (size_t i = 0; i < 32; i++) {
        unsigned sum = signature[32 + i] + s_group_order[i] + carry;

        signature[32 + i] = (uint8_t)sum;
        carry = sum >> 8;
    }
    assert_int_equal(core_signature_verify(&core, message, sizeof message, signature, key.public_key),
                     -13);
    engine_destroy(engine);
}

/* Runs the same frames through one engine and returns the sealed batch (caller frees it). */
static char *seal_after_frames(const char *name, const test_key_t *network, const test_key_t *device)
{
    char error[ENGINE_ERROR_LEN] = "";
    engine_t *engine = engine_select_open(name, error);
    core_t core;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;
    char *json;

    if (engine == NULL) {
        fail_msg("engine %s not opened: %s", name, error);
    }
    assert_int_equal(core_open(&core, engine), 0);
    core_set_network_key(&core, network->public_key);
    assert_int_equal(core_device_set(&core, 0, "porch-cam", device->public_key), CORE_OK);
    assert_int_equal(core_batch_configure(&core, TEST_NETWORK_ID "/" TEST_HOME_BASE_ID, 60, 9), CORE_OK);

    for (uint32_t seq = 1; seq <= 3; seq++) {
        len = test_frame_build(frame, seq == 2 ? FRAME_TYPE_MOTION : FRAME_TYPE_LOG, "porch-cam",
                               TEST_NOW, seq, seq == 2 ? "{\"zone\":\"porch\"}" :
                               "{\"level\":\"info\",\"category\":\"door\",\"message\":\"\u00e9\"}",
                               device, network->public_key);
        assert_int_equal(core_frame_accept(&core, frame, len, TEST_NOW + seq), CORE_OK);
        assert_int_equal(core_batch_add_frame(&core, len, -40 - (int32_t)seq, TEST_NOW + seq), CORE_OK);
    }

    json = malloc(core_batch_max_len(&core) + 1);
    assert_non_null(json);
    assert_true(core_batch_seal(&core, TEST_NOW + 10, json, core_batch_max_len(&core) + 1) > 0);
    engine_destroy(engine);
    return json;
}

/* Every engine must produce the same bytes for the same inputs. */
static void engines_seal_identical_batches(void **state)
{
    test_key_t network;
    test_key_t device;
    char *from_wasm2c;
    char *from_wasm3;

    (void)state;
    if (!engine_select_available("wasm3")) {
        printf("wasm3 engine skipped: this build has no WASM3_SOURCE_DIR\n");
        skip();
    }
    test_key_from_fill(&network, 0x61);
    test_key_from_fill(&device, 0x62);
    from_wasm2c = seal_after_frames("wasm2c", &network, &device);
    from_wasm3 = seal_after_frames("wasm3", &network, &device);
    assert_non_null(strstr(from_wasm2c, "\"batch_seq\":9"));
    assert_string_equal(from_wasm2c, from_wasm3);
    free(from_wasm2c);
    free(from_wasm3);
}

static void unknown_engine_rejected(void **state)
{
    char error[ENGINE_ERROR_LEN] = "";

    (void)state;
    assert_null(engine_select_open("wasmtime", error));
    assert_non_null(strstr(error, "engine wasmtime is not in this build"));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(engine_loads_core),
        cmocka_unit_test(status_names_match_abi),
        cmocka_unit_test(signature_verify_import),
        cmocka_unit_test(signature_with_s_plus_l_rejected),
        cmocka_unit_test(unknown_engine_rejected),
        cmocka_unit_test(engines_seal_identical_batches),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
