/* Replay state persistence (docs/protocol.md section 10.3) through the real core: a frame accepted
 * before a restart is refused after it, the file is written before the frame is batched, and a
 * malformed state file stops the start. */
#include "support.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hb_file.h"
#include "intake.h"
#include "replay_store.h"

static const uint8_t s_mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };

/* Persists the replay state of `home` in its spool folder, restoring what is there. */
static void persist(test_home_t *home, replay_store_t *store)
{
    char error[REPLAY_STORE_ERROR_LEN] = "";

    assert_int_equal(replay_store_init(store, &home->core, home->spool_dir), 0);
    if (homebase_persist_replay(&home->homebase, store, error) != 0) {
        fail_msg("replay state not restored: %s", error);
    }
}

static size_t build_heartbeat(test_home_t *home, uint8_t frame[TEST_FRAME_MAX], uint32_t seq)
{
    return test_frame_build(frame, FRAME_TYPE_HEARTBEAT, test_device_ids[0], home->clock_state.now,
                            seq, "{\"battery\":80}", &home->devices[0], home->network.public_key);
}

static int32_t send_frame(test_home_t *home, const uint8_t *frame, size_t len)
{
    return intake_frame(&home->homebase.intake, frame, len, s_mac, -50);
}

static void frame_before_restart_refused_after(void **state)
{
    test_home_t *home = *state;
    replay_store_t store;
    uint8_t frame[TEST_FRAME_MAX];
    uint8_t later[TEST_FRAME_MAX];
    size_t len;
    size_t later_len;

    persist(home, &store);
    len = build_heartbeat(home, frame, 5);
    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(store.writes, 1);

    /* Seqs up to the floor (5 + 64) need no further write. */
    later_len = build_heartbeat(home, later, 40);
    assert_int_equal(send_frame(home, later, later_len), CORE_OK);
    assert_int_equal(store.writes, 1);

    test_home_restart(home);
    persist(home, &store);
    assert_int_equal(send_frame(home, frame, len), CORE_REPLAY_BELOW_FLOOR);
    assert_int_equal(send_frame(home, later, later_len), CORE_REPLAY_BELOW_FLOOR);

    /* Above the floor of 69 the device is taken again, and the floor moves once more. */
    len = build_heartbeat(home, frame, 70);
    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(core_device_frame_floor(&home->core, 0), 70 + 64);
    assert_int_equal(store.writes, 1);
}

static void batch_floor_survives_restart(void **state)
{
    test_home_t *home = *state;
    replay_store_t store;
    uint32_t sealed;

    persist(home, &store);
    assert_int_equal(homebase_seal(&home->homebase), 0);
    sealed = core_batch_sealed_seq(&home->core);
    assert_int_equal(core_batch_floor(&home->core), sealed + 64);
    assert_int_equal(store.writes, 1);

    test_home_restart(home);
    persist(home, &store);
    assert_int_equal(core_batch_floor(&home->core), sealed + 64);
    assert_true(core_batch_next_seq(&home->core) > sealed);
}

static void failed_write_keeps_frame_out_of_batch(void **state)
{
    test_home_t *home = *state;
    replay_store_t store;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    persist(home, &store);
    /* A folder that no longer exists stands for a card that was pulled out. */
    assert_int_equal(replay_store_init(&store, &home->core, "/nonexistent/homebase-card"), 0);
    len = test_frame_build(frame, FRAME_TYPE_LOG, test_device_ids[0], TEST_NOW, 1,
                           "{\"level\":\"info\",\"category\":\"sensor\",\"message\":\"x\"}",
                           &home->devices[0], home->network.public_key);
    assert_int_equal(send_frame(home, frame, len), CORE_OK);
    assert_int_equal(store.write_failures, 1);
    assert_int_equal(core_batch_entry_count(&home->core), 0);
    assert_true(store.retry_pending);
}

static void malformed_state_file_stops_start(void **state)
{
    test_home_t *home = *state;
    replay_store_t store;
    char error[REPLAY_STORE_ERROR_LEN] = "";

    assert_int_equal(hb_file_write_atomic(home->spool_dir, REPLAY_STORE_FILE, "HMR1junk", 8), 0);
    assert_int_equal(replay_store_init(&store, &home->core, home->spool_dir), 0);
    assert_int_equal(homebase_persist_replay(&home->homebase, &store, error), -1);
    assert_non_null(strstr(error, "STATE_BAD_FORMAT"));

    /* The start error names the file and what the operator does about it. */
    assert_non_null(strstr(error, "/" REPLAY_STORE_FILE));
    assert_non_null(strstr(error, "restore it from a backup, or re-provision the home base"));
}

static void missing_state_file_is_first_start(void **state)
{
    test_home_t *home = *state;
    replay_store_t store;
    char error[REPLAY_STORE_ERROR_LEN] = "";

    assert_int_equal(replay_store_init(&store, &home->core, home->spool_dir), 0);
    assert_int_equal(homebase_persist_replay(&home->homebase, &store, error), 0);
    assert_int_equal(core_device_frame_floor(&home->core, 0), 0);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(frame_before_restart_refused_after),
        HOME_TEST(batch_floor_survives_restart),
        HOME_TEST(failed_write_keeps_frame_out_of_batch),
        HOME_TEST(malformed_state_file_stops_start),
        HOME_TEST(missing_state_file_is_first_start),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("replay_store", tests, NULL, NULL);
}
