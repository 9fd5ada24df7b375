/* Tests the C wrappers of core_api.h where they add behaviour of their own. The constants and
 * buffer sizes must match docs/core-abi.md, and inputs that do not fit a core buffer stay in the C.
 * A time beacon is built by the core and signed by the host, and a replay export into a buffer that
 * is too small must leave the floor due. */
#include "support.h"

#include <sodium.h>
#include <string.h>

#define STATE_MAX 4096
#define FRAME_TYPE_BEACON 0x06

static void constants_match_abi(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);

    (void)state;
    assert_int_equal(core_device_capacity(&core), 32);
    assert_int_equal(core_nonce_capacity(&core), 64);
    assert_int_equal(core_replay_window(&core), 64);
    assert_int_equal(core_replay_floor_step(&core), 64);
    assert_int_equal(core_frame_max_skew(&core), 300);
    assert_int_equal(core_command_max_age(&core), 86400);
    assert_int_equal(core_content_max_size(&core), 16777216);
    engine_destroy(engine);
}

static void buffer_sizes_match_abi(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);

    (void)state;
    assert_int_equal(core.frame.size, 256);
    assert_int_equal(core.network_key.size, 32);
    assert_int_equal(core.key.size, 32);
    assert_int_equal(core.device_id.size, 16);
    assert_int_equal(core.message.size, 1024);
    assert_int_equal(core.request.size, 512);
    assert_int_equal(core.signature.size, 64);
    assert_int_equal(core.key_id.size, 64);
    assert_int_equal(core.batch.size, 65536);
    assert_int_equal(core.payload.size, 224);
    assert_int_equal(core.decoded.size, 80);
    assert_int_equal(core.arg_device.size, 16);
    assert_int_equal(core.state.size, 4096);
    engine_destroy(engine);
}

static void oversized_inputs_stay_in_c(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    uint8_t payload[300] = { '{', '}' };
    uint8_t frame[300];
    uint8_t key[CORE_KEY_LEN] = { 0 };
    char name[CORE_STATUS_NAME_MAX + 1];

    (void)state;

    /* 17 characters do not fit the 16-byte id field, so the C rejects them. 16 reach the core, which
     * rejects them itself. */
    assert_int_equal(core_self_set(&core, "abcdefghijklmnopq"), CORE_INPUT_TOO_LONG);
    assert_int_equal(core_device_set(&core, 0, "abcdefghijklmnopq", key), CORE_INPUT_TOO_LONG);
    assert_int_equal(core_frame_build(&core, 1, "porch-cam", TEST_NOW, 1, payload, sizeof payload,
                                      frame, sizeof frame), CORE_INPUT_TOO_LONG);
    assert_string_equal(core_status_name(&core, core_self_set(&core, "abcdefghijklmnop"), name),
                        "FRAME_BAD_DEVICE_ID");

    /* A frame longer than the frame buffer is cut to it, and the core still returns FRAME_TOO_LONG. */
    memset(frame, 0, sizeof frame);
    frame[0] = 1;
    frame[1] = 1;
    assert_string_equal(core_status_name(&core, core_frame_decode(&core, frame, sizeof frame), name),
                        "FRAME_TOO_LONG");
    engine_destroy(engine);
}

/* The home base's time beacon: built by the core, signed by the host over the core's message. */
static void beacon_built_and_signed_verifies(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    test_key_t network;
    test_key_t home_base;
    const uint8_t payload[6] = { 6, 0, 3, 0, 0, 0 };
    uint8_t frame[256];
    uint8_t message[1024];
    uint8_t signature[CORE_SIGNATURE_LEN];
    core_beacon_t beacon;
    int32_t frame_len;
    int32_t message_len;

    (void)state;
    test_key_from_fill(&network, 0x11);
    test_key_from_fill(&home_base, 0x22);
    core_set_network_key(&core, network.public_key);
    frame_len = core_frame_build(&core, FRAME_TYPE_BEACON, TEST_HOME_BASE_ID, TEST_NOW, 9, payload,
                                 sizeof payload, frame, sizeof frame);
    assert_int_equal(frame_len, 27 + 6 + 64);
    message_len = core_frame_build_message(&core, message, sizeof message);
    assert_int_equal(message_len, 18 + 32 + 27 + 6);

    crypto_sign_detached(signature, NULL, message, (size_t)message_len, home_base.secret_key);
    assert_int_equal(core_frame_set_signature(&core, signature, frame, sizeof frame), frame_len);
    assert_memory_equal(frame + frame_len - CORE_SIGNATURE_LEN, signature, CORE_SIGNATURE_LEN);

    assert_int_equal(core_frame_verify(&core, frame, (size_t)frame_len, home_base.public_key),
                     CORE_OK);
    assert_true(core_beacon_read(&core, &beacon));
    assert_int_equal(beacon.channel, 6);
    assert_int_equal(beacon.boot, 3);
    assert_int_equal(core_frame_verify(&core, frame, (size_t)frame_len, network.public_key),
                     CORE_SIGNATURE_INVALID);
    engine_destroy(engine);
}

static void replay_export_needs_room(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    test_key_t network;
    test_key_t device;
    uint8_t frame[TEST_FRAME_MAX];
    uint8_t exported[STATE_MAX];
    size_t len;

    (void)state;
    test_key_from_fill(&network, 0x31);
    test_key_from_fill(&device, 0x32);
    core_set_network_key(&core, network.public_key);
    assert_int_equal(core_device_set(&core, 0, "porch-cam", device.public_key), CORE_OK);
    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "porch-cam", TEST_NOW, 5, "{}", &device,
                           network.public_key);
    assert_int_equal(core_frame_accept(&core, frame, len, TEST_NOW), CORE_OK);
    assert_int_equal(core_device_frame_floor(&core, 0), 5 + 64);
    assert_true(core_replay_floor_due(&core));

    /* Too small: nothing is exported, so the floor stays due until a real export. */
    assert_int_equal(core_replay_export(&core, TEST_NOW, exported, 16), CORE_INPUT_TOO_LONG);
    assert_true(core_replay_floor_due(&core));

    assert_true(core_replay_export(&core, TEST_NOW, exported, sizeof exported) > 0);
    assert_memory_equal(exported, "HMR1", 4);
    assert_false(core_replay_floor_due(&core));
    engine_destroy(engine);
}

static void set_signature_before_any_build(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    uint8_t signature[CORE_SIGNATURE_LEN] = { 0 };
    uint8_t frame[256];

    (void)state;
    assert_int_equal(core_frame_set_signature(&core, signature, frame, sizeof frame),
                     CORE_BUILD_NOT_READY);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(constants_match_abi),
        cmocka_unit_test(buffer_sizes_match_abi),
        cmocka_unit_test(oversized_inputs_stay_in_c),
        cmocka_unit_test(beacon_built_and_signed_verifies),
        cmocka_unit_test(replay_export_needs_room),
        cmocka_unit_test(set_signature_before_any_build),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("core api", tests, NULL, NULL);
}
