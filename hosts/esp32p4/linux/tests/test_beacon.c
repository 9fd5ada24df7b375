/* Time beacons: built by the core, signed with the home base's key (checked here with libsodium
 * directly on the bytes), sent at start and every 10 s, with the boot counter and the seq floor
 * kept across restarts. */
#include "support.h"

#include <sodium.h>
#include <string.h>

#include "beacon.h"
#include "hb_file.h"

#define CAPTURED_MAX 4

/* A radio that keeps what it is asked to send; `radio` comes first so the send function finds the
 * rest. */
typedef struct {
    radio_t radio;
    uint8_t frames[CAPTURED_MAX][TEST_FRAME_MAX];
    size_t lens[CAPTURED_MAX];
    unsigned count;
    unsigned not_broadcast;
} captured_t;

static int capture_send(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame,
                        size_t len, uint16_t *send_id)
{
    captured_t *captured = (captured_t *)radio;

    *send_id = (uint16_t)captured->count;
    if (memcmp(mac, radio_broadcast_mac, RADIO_MAC_LEN) != 0) {
        captured->not_broadcast++;
    }
    if (captured->count < CAPTURED_MAX) {
        memcpy(captured->frames[captured->count], frame, len);
        captured->lens[captured->count] = len;
    }
    captured->count++;
    return 0;
}

static uint32_t u32_at(const uint8_t *bytes)
{
    return (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
           (uint32_t)bytes[3] << 24;
}

static void start_beacon(test_home_t *home, beacon_t *beacon, captured_t *captured)
{
    char error[BEACON_ERROR_LEN] = "";

    captured->radio.send = capture_send;
    if (beacon_start(beacon, &home->core, &home->registry, &home->clock, home->spool_dir, 6,
                     &captured->radio, error) != 0) {
        fail_msg("beacon_start failed: %s", error);
    }
}

/* Checks the frame of docs/protocol.md sections 1, 1.1 and 1.6 byte by byte, and its signature
 * under the home base's public key with libsodium, independently of the core. */
static void assert_beacon(const test_home_t *home, const uint8_t *frame, size_t len, uint32_t seq,
                          uint32_t boot)
{
    static const char context[] = "homemesh/frame/v1";
    uint8_t message[18 + 32 + 27 + 6];

    assert_int_equal(len, 27 + 6 + 64);
    assert_int_equal(frame[0], 1);
    assert_int_equal(frame[1], 0x06);
    assert_memory_equal(frame + 2, "homebase\0\0\0\0\0\0\0\0", 16);
    assert_int_equal(u32_at(frame + 18), home->clock_state.now);
    assert_int_equal(u32_at(frame + 22), seq);
    assert_int_equal(frame[26], 6);
    assert_int_equal(frame[27], 6);
    assert_int_equal(frame[28], 0);
    assert_int_equal(u32_at(frame + 29), boot);

    memcpy(message, context, 18);
    memcpy(message + 18, home->network.public_key, 32);
    memcpy(message + 50, frame, 33);
    assert_int_equal(crypto_sign_verify_detached(frame + 33, message, sizeof message,
                                                 home->home_base.public_key), 0);
    /* Not under the network key: the home base never holds it. */
    assert_int_not_equal(crypto_sign_verify_detached(frame + 33, message, sizeof message,
                                                     home->network.public_key), 0);
}

static void beacon_signed_by_home_base_key_and_broadcast(void **state)
{
    test_home_t *home = *state;
    beacon_t beacon;
    captured_t captured = { 0 };

    start_beacon(home, &beacon, &captured);
    assert_int_equal(beacon_tick(&beacon), 1);
    assert_int_equal(captured.count, 1);
    assert_int_equal(captured.not_broadcast, 0);
    assert_beacon(home, captured.frames[0], captured.lens[0], 1, 1);
}

static void beacon_sent_every_ten_seconds(void **state)
{
    test_home_t *home = *state;
    beacon_t beacon;
    captured_t captured = { 0 };

    start_beacon(home, &beacon, &captured);
    assert_int_equal(beacon_tick(&beacon), 1);
    home->clock_state.now += BEACON_INTERVAL_SEC - 1;
    assert_int_equal(beacon_tick(&beacon), 0);
    home->clock_state.now += 1;
    assert_int_equal(beacon_tick(&beacon), 1);
    assert_int_equal(captured.count, 2);
    assert_beacon(home, captured.frames[1], captured.lens[1], 2, 1);
}

static void restart_raises_boot_and_seq(void **state)
{
    test_home_t *home = *state;
    beacon_t beacon;
    captured_t captured = { 0 };

    start_beacon(home, &beacon, &captured);
    assert_int_equal(beacon_tick(&beacon), 1);
    home->clock_state.now += BEACON_INTERVAL_SEC;
    assert_int_equal(beacon_tick(&beacon), 1);

    /* Seq 1 stored the floor 65, so the restarted home base starts at 66 with boot 2. */
    start_beacon(home, &beacon, &captured);
    assert_int_equal(beacon_tick(&beacon), 1);
    assert_beacon(home, captured.frames[2], captured.lens[2], 66, 2);
}

static void malformed_beacon_state_rejected(void **state)
{
    test_home_t *home = *state;
    beacon_t beacon;
    captured_t captured = { 0 };
    char error[BEACON_ERROR_LEN] = "";

    assert_int_equal(hb_file_write_atomic(home->spool_dir, BEACON_STATE_FILE, "HMBX00000000", 12), 0);
    assert_int_equal(beacon_start(&beacon, &home->core, &home->registry, &home->clock,
                                  home->spool_dir, 6, &captured.radio, error), -1);
    assert_non_null(strstr(error, "HMB0"));
    assert_non_null(strstr(error, "/" BEACON_STATE_FILE));
    assert_non_null(strstr(error, "restore it from a backup, or re-provision the home base"));
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(beacon_signed_by_home_base_key_and_broadcast),
        HOME_TEST(beacon_sent_every_ten_seconds),
        HOME_TEST(restart_raises_boot_and_seq),
        HOME_TEST(malformed_beacon_state_rejected),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("beacon", tests, NULL, NULL);
}
