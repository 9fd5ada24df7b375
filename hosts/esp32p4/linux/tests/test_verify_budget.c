/* The verify budget: per-sender queues served round robin within a rate per clock second, and
 * through intake_admit with the real core, a flood of forged frames that cannot starve a real
 * device. */
#include "support.h"

#include <string.h>

#include "intake.h"
#include "verify_budget.h"

static const uint8_t s_mac_forger[VERIFY_MAC_LEN] = { 0x02, 0, 0, 0, 0x66, 0x66 };
static const uint8_t s_mac_real[VERIFY_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };

/* A frame of `len` bytes whose first byte tells the frames apart. */
static void push_marked(verify_budget_t *budget, const uint8_t mac[VERIFY_MAC_LEN],
                        const char *device_id, uint8_t mark, bool expect_queued)
{
    uint8_t frame[100];

    memset(frame, 0, sizeof frame);
    frame[0] = mark;
    assert_int_equal(verify_budget_push(budget, frame, sizeof frame, mac, device_id, -50), expect_queued);
}

static void flood_one_sender_cannot_starve_another(void **state)
{
    verify_budget_t budget;
    verify_item_t item;
    bool real_served = false;

    (void)state;
    verify_budget_init(&budget, 5);
    for (int i = 0; i < 100; i++) {
        verify_budget_push(&budget, (const uint8_t *)"forged", 6, s_mac_forger, "porch-cam", -50);
    }
    push_marked(&budget, s_mac_real, "door", 0xAA, true);

    /* Round robin: the real frame is served by the second verify at the latest. */
    for (int i = 0; i < 2; i++) {
        assert_true(verify_budget_pop(&budget, TEST_NOW, &item));
        real_served = real_served || item.frame[0] == 0xAA;
    }
    assert_true(real_served);
    assert_int_equal(budget.dropped[VERIFY_DROP_SENDER_FULL], 100 - VERIFY_QUEUE_PER_SENDER);
}

static void budget_limits_verifies_per_second(void **state)
{
    verify_budget_t budget;
    verify_item_t item;

    (void)state;
    verify_budget_init(&budget, 3);
    for (uint8_t i = 0; i < 6; i++) {
        push_marked(&budget, s_mac_real, "door", i, true);
    }

    assert_true(verify_budget_pop(&budget, TEST_NOW, &item));
    assert_true(verify_budget_pop(&budget, TEST_NOW, &item));
    assert_true(verify_budget_pop(&budget, TEST_NOW, &item));
    assert_false(verify_budget_pop(&budget, TEST_NOW, &item));
    assert_int_equal(verify_budget_waiting(&budget), 3);

    /* The next second brings a new budget; the frames come out in their order of arrival. */
    assert_true(verify_budget_pop(&budget, TEST_NOW + 1, &item));
    assert_int_equal(item.frame[0], 3);
}

static void sender_queue_bounded(void **state)
{
    verify_budget_t budget;

    (void)state;
    verify_budget_init(&budget, 0);
    assert_int_equal(budget.verifies_per_sec, VERIFY_BUDGET_DEFAULT_PER_SEC);
    for (int i = 0; i < VERIFY_QUEUE_PER_SENDER; i++) {
        push_marked(&budget, s_mac_forger, "porch-cam", 1, true);
    }
    push_marked(&budget, s_mac_forger, "porch-cam", 1, false);
    assert_int_equal(budget.dropped[VERIFY_DROP_SENDER_FULL], 1);

    /* The same MAC claiming another device is another sender. */
    push_marked(&budget, s_mac_forger, "door", 1, true);
}

/* Fills every slot with VERIFY_QUEUE_PER_SENDER frames from each of several made-up senders. */
static void fill_with_forgers(verify_budget_t *budget)
{
    for (int sender = 0; sender < VERIFY_QUEUE_TOTAL / VERIFY_QUEUE_PER_SENDER; sender++) {
        uint8_t mac[VERIFY_MAC_LEN] = { 0x02, 0, 0, 0, 0x70, (uint8_t)sender };

        for (int i = 0; i < VERIFY_QUEUE_PER_SENDER; i++) {
            push_marked(budget, mac, "porch-cam", 0x55, true);
        }
    }
    assert_int_equal(verify_budget_waiting(budget), VERIFY_QUEUE_TOTAL);
}

static void full_queue_pushes_out_longest_sender(void **state)
{
    verify_budget_t budget;
    verify_item_t item;
    bool real_served = false;

    (void)state;
    verify_budget_init(&budget, VERIFY_QUEUE_TOTAL);
    fill_with_forgers(&budget);

    push_marked(&budget, s_mac_real, "door", 0xAA, true);
    assert_int_equal(budget.dropped[VERIFY_DROP_PUSHED_OUT], 1);
    assert_int_equal(verify_budget_waiting(&budget), VERIFY_QUEUE_TOTAL);

    /* One round serves every sender once: 8 forgers and the real device. */
    for (int i = 0; i < VERIFY_QUEUE_TOTAL / VERIFY_QUEUE_PER_SENDER + 1; i++) {
        assert_true(verify_budget_pop(&budget, TEST_NOW, &item));
        real_served = real_served || item.frame[0] == 0xAA;
    }
    assert_true(real_served);
}

static void full_queue_drops_frame_of_longest_sender(void **state)
{
    verify_budget_t budget;
    uint8_t mac[VERIFY_MAC_LEN] = { 0x02, 0, 0, 0, 0x70, 0 };

    (void)state;
    verify_budget_init(&budget, 1);
    fill_with_forgers(&budget);

    /* A sender already holding the longest queue cannot push anybody out. */
    push_marked(&budget, mac, "porch-cam", 0x55, false);
    assert_int_equal(budget.dropped[VERIFY_DROP_SENDER_FULL], 1);

    mac[5] = 0x7F;
    for (int i = 0; i < VERIFY_QUEUE_PER_SENDER - 1; i++) {
        push_marked(&budget, mac, "porch-cam", 0x66, true);
    }
    /* Its queue is now 7 and the longest ones 8 after losing one each: it ties and is dropped. */
    push_marked(&budget, mac, "porch-cam", 0x66, false);
    assert_int_equal(budget.dropped[VERIFY_DROP_TOTAL_FULL], 1);
}

static void rate_above_maximum_rejected(void **state)
{
    verify_budget_t budget;

    (void)state;
    assert_int_equal(verify_budget_init(&budget, VERIFY_BUDGET_MAX_PER_SEC + 1), -1);
    assert_int_equal(budget.verifies_per_sec, VERIFY_BUDGET_DEFAULT_PER_SEC);
    assert_int_equal(verify_budget_init(&budget, VERIFY_BUDGET_MAX_PER_SEC), 0);
}

static void oversized_frame_dropped(void **state)
{
    verify_budget_t budget;
    uint8_t frame[VERIFY_FRAME_MAX + 1] = { 0 };

    (void)state;
    verify_budget_init(&budget, 1);
    assert_false(verify_budget_push(&budget, frame, sizeof frame, s_mac_real, "door", -50));
    assert_int_equal(budget.dropped[VERIFY_DROP_TOO_LONG], 1);
}

/* Through the real core: 100 forged frames a second claiming porch-cam (fresh seqs and timestamps,
 * so every cheap check passes, and a wrong signature) and one real frame a second from door, for 10
 * seconds of the manual clock, with a budget of 20 verifies a second. */
static void forged_flood_leaves_real_frames_accepted(void **state)
{
    test_home_t *home = *state;
    intake_t *intake = &home->homebase.intake;
    test_key_t forger;
    uint32_t forged_seq = 1;

    test_key_from_fill(&forger, 0x99);
    verify_budget_init(&intake->budget, 20);

    for (uint32_t second = 0; second < 10; second++) {
        uint8_t frame[TEST_FRAME_MAX];
        size_t len;

        home->clock_state.now = TEST_NOW + second;
        for (int i = 0; i < 100; i++) {
            len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, test_device_ids[0], TEST_NOW + second,
                                   forged_seq++, "{\"battery\":1}", &forger, home->network.public_key);
            intake_admit(intake, frame, len, s_mac_forger, -40);
            intake_serve(intake);
        }
        len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, test_device_ids[1], TEST_NOW + second,
                               second + 1, "{\"battery\":90}", &home->devices[1],
                               home->network.public_key);
        assert_int_equal(intake_admit(intake, frame, len, s_mac_real, -50), CORE_OK);
        intake_serve(intake);
    }

    /* The forger spends each second's budget before the real frame arrives, so that frame waits for
     * the next second, where round robin serves it by the second verify. */
    home->clock_state.now = TEST_NOW + 10;
    intake_serve(intake);

    assert_int_equal(intake->accepted_by_slot[1], 10);
    assert_int_equal(intake->accepted_by_slot[0], 0);
    assert_true(intake->budget.served <= 11 * 20);
    assert_true(intake->rejected_by_reason[-CORE_SIGNATURE_INVALID] > 0);
    assert_true(intake->budget.dropped[VERIFY_DROP_SENDER_FULL] > 0);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flood_one_sender_cannot_starve_another),
        cmocka_unit_test(budget_limits_verifies_per_second),
        cmocka_unit_test(sender_queue_bounded),
        cmocka_unit_test(full_queue_pushes_out_longest_sender),
        cmocka_unit_test(full_queue_drops_frame_of_longest_sender),
        cmocka_unit_test(rate_above_maximum_rejected),
        cmocka_unit_test(oversized_frame_dropped),
        HOME_TEST(forged_flood_leaves_real_frames_accepted),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("verify_budget", tests, NULL, NULL);
}
