/* Frames through intake and the real core.wasm: counters, batch entries and every rejection path
 * the home base meets first. Frames are built and signed here with libsodium. */
#include "support.h"

#include <string.h>

#include "intake.h"

static int32_t send_frame(test_home_t *home, const uint8_t *frame, size_t len)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };

    return intake_frame(&home->homebase.intake, frame, len, mac, -50);
}

static size_t build_log(test_home_t *home, uint8_t frame[TEST_FRAME_MAX], uint32_t seq)
{
    return test_frame_build(frame, FRAME_TYPE_LOG, test_device_ids[0], TEST_NOW, seq,
                            "{\"level\":\"info\",\"category\":\"sensor\",\"message\":\"door closed\"}",
                            &home->devices[0], home->network.public_key);
}

static void accepted_frame_counted_and_batched(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = build_log(home, frame, 1);

    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(home->homebase.intake.accepted, 1);
    assert_int_equal(home->homebase.intake.accepted_by_slot[0], 1);
    assert_int_equal(home->homebase.intake.accepted_by_slot[1], 0);
    assert_int_equal(intake_rejected_total(&home->homebase.intake), 0);

    /* The first frame brings the device online: a device_status entry, then the log entry. */
    assert_int_equal(core_batch_entry_count(&home->core), 2);
    assert_true(core_device_online(&home->core, 0));
}

static void flipped_signature_counted_not_batched(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = build_log(home, frame, 1);

    frame[len - 10] ^= 0x01;
    assert_int_equal(send_frame(home, frame, len), CORE_SIGNATURE_INVALID);
    assert_int_equal(home->homebase.intake.rejected_by_reason[-CORE_SIGNATURE_INVALID], 1);
    assert_int_equal(home->homebase.intake.accepted, 0);
    assert_int_equal(core_batch_entry_count(&home->core), 0);
    assert_false(core_device_online(&home->core, 0));
}

static void replayed_frame_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = build_log(home, frame, 5);

    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(send_frame(home, frame, len), -11);
    assert_int_equal(home->homebase.intake.rejected_by_reason[11], 1);
    assert_int_equal(home->homebase.intake.accepted, 1);
    assert_int_equal(core_batch_entry_count(&home->core), 2);
}

static void seq_below_window_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = build_log(home, frame, 100);

    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    len = build_log(home, frame, 36);
    assert_int_equal(send_frame(home, frame, len), -12);
    assert_int_equal(home->homebase.intake.rejected_by_reason[12], 1);
    assert_int_equal(core_device_highest_seq(&home->core, 0), 100);
}

static void unknown_device_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_MOTION, "garage", TEST_NOW, 1,
                                  "{\"zone\":\"garage\"}", &home->devices[0],
                                  home->network.public_key);

    assert_int_equal(send_frame(home, frame, len), CORE_FRAME_UNKNOWN_DEVICE);
    assert_int_equal(home->homebase.intake.rejected_by_reason[-CORE_FRAME_UNKNOWN_DEVICE], 1);
    assert_int_equal(core_batch_entry_count(&home->core), 0);
}

static void frame_signed_by_other_device_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_MOTION, test_device_ids[0], TEST_NOW, 1,
                                  "{\"zone\":\"porch\"}", &home->devices[1],
                                  home->network.public_key);

    assert_int_equal(send_frame(home, frame, len), CORE_SIGNATURE_INVALID);
    assert_int_equal(core_batch_entry_count(&home->core), 0);
}

static void frame_from_other_network_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    test_key_t other_network;
    size_t len;

    test_key_from_fill(&other_network, 0x99);
    len = test_frame_build(frame, FRAME_TYPE_MOTION, test_device_ids[0], TEST_NOW, 1,
                           "{\"zone\":\"porch\"}", &home->devices[0], other_network.public_key);
    assert_int_equal(send_frame(home, frame, len), CORE_SIGNATURE_INVALID);
}

static void stale_timestamp_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_MOTION, test_device_ids[0], TEST_NOW - 301, 1,
                                  "{\"zone\":\"porch\"}", &home->devices[0],
                                  home->network.public_key);

    assert_int_equal(send_frame(home, frame, len), -10);
    assert_int_equal(home->homebase.intake.rejected_by_reason[10], 1);
}

static void short_frame_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = build_log(home, frame, 1);

    (void)len;
    assert_int_equal(send_frame(home, frame, 90), -1);
    assert_int_equal(send_frame(home, frame, 0), -1);
    assert_int_equal(home->homebase.intake.rejected_by_reason[1], 2);
}

static void oversized_datagram_rejected(void **state)
{
    test_home_t *home = *state;
    uint8_t datagram[300] = { 1, FRAME_TYPE_LOG };

    assert_int_equal(send_frame(home, datagram, sizeof datagram), -2);
    assert_int_equal(home->homebase.intake.rejected_by_reason[2], 1);
}

static void heartbeat_adds_only_status(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, test_device_ids[1], TEST_NOW, 1,
                                  "{\"battery\":91}", &home->devices[1], home->network.public_key);

    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(core_batch_entry_count(&home->core), 1);

    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, test_device_ids[1], TEST_NOW, 2,
                           "{\"battery\":90}", &home->devices[1], home->network.public_key);
    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(core_batch_entry_count(&home->core), 1);
    assert_int_equal(home->homebase.intake.accepted_by_slot[1], 2);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(accepted_frame_counted_and_batched),
        HOME_TEST(flipped_signature_counted_not_batched),
        HOME_TEST(replayed_frame_rejected),
        HOME_TEST(seq_below_window_rejected),
        HOME_TEST(unknown_device_rejected),
        HOME_TEST(frame_signed_by_other_device_rejected),
        HOME_TEST(frame_from_other_network_rejected),
        HOME_TEST(stale_timestamp_rejected),
        HOME_TEST(short_frame_rejected),
        HOME_TEST(oversized_datagram_rejected),
        HOME_TEST(heartbeat_adds_only_status),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("intake", tests, NULL, NULL);
}
