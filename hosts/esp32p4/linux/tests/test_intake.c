/* Frames through intake and the real core.wasm: counters, batch entries and every rejection path
 * the home base meets first. Frames are built and signed here with libsodium. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
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

static void rejected_flood_counted_fully(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = build_log(home, frame, 1);

    frame[len - 64] ^= 0x01;
    for (int i = 0; i < 3 * INTAKE_REJECT_LOGS_PER_SEC; i++) {
        assert_int_equal(send_frame(home, frame, len), CORE_SIGNATURE_INVALID);
    }

    /* Every frame is counted while only the budget is logged. */
    assert_int_equal(home->homebase.intake.rejected_by_reason[-CORE_SIGNATURE_INVALID],
                     3 * INTAKE_REJECT_LOGS_PER_SEC);
    assert_int_equal(home->homebase.intake.logged_in_second, INTAKE_REJECT_LOGS_PER_SEC);
    assert_int_equal(home->homebase.intake.suppressed_logs, 2 * INTAKE_REJECT_LOGS_PER_SEC);

    home->clock_state.now += 1;
    assert_int_equal(send_frame(home, frame, len), CORE_SIGNATURE_INVALID);
    assert_int_equal(home->homebase.intake.suppressed_logs, 0);
    assert_int_equal(home->homebase.intake.logged_in_second, 1);
}

/* xorshift32: a small seeded generator, so a failing run can be replayed with HB_TEST_SEED. */
static uint32_t next_random(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

/* Random byte changes and lengths never get a changed frame accepted, and every frame is counted. */
static void mutated_frames_never_accepted(void **state)
{
    test_home_t *home = *state;
    const char *seed_text = getenv("HB_TEST_SEED");
    uint32_t seed = seed_text != NULL ? (uint32_t)strtoul(seed_text, NULL, 10) : 20261204u;
    uint32_t random_state = seed != 0 ? seed : 1;
    uint8_t original[TEST_FRAME_MAX];
    uint8_t frame[300];
    size_t original_len = build_log(home, original, 1);
    const int rounds = 3000;

    printf("mutated_frames_never_accepted: seed %u (set HB_TEST_SEED to replay)\n", (unsigned)seed);
    for (int round = 0; round < rounds; round++) {
        size_t len = original_len;
        int changes = 1 + (int)(next_random(&random_state) % 4);

        memcpy(frame, original, original_len);
        memset(frame + original_len, 0, sizeof frame - original_len);
        for (int i = 0; i < changes; i++) {
            frame[next_random(&random_state) % original_len] ^= (uint8_t)(1 + next_random(&random_state) % 255);
        }
        if (next_random(&random_state) % 8 == 0) {
            len = next_random(&random_state) % sizeof frame;
        }
        if (len == original_len && memcmp(frame, original, len) == 0) {
            continue;
        }
        assert_int_not_equal(send_frame(home, frame, len), CORE_OK);
    }
    assert_int_equal(home->homebase.intake.accepted, 0);
    assert_true(intake_rejected_total(&home->homebase.intake) > (uint32_t)rounds * 9 / 10);
    assert_int_equal(core_batch_entry_count(&home->core), 0);

    /* The untouched frame still goes through afterwards. */
    assert_int_equal(send_frame(home, original, original_len), CORE_OK);
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
        HOME_TEST(rejected_flood_counted_fully),
        HOME_TEST(mutated_frames_never_accepted),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("intake", tests, NULL, NULL);
}
