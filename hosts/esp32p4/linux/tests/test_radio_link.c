/* The home base's radio over the link, wired in memory to the co-processor code (radio_coproc.c):
 * each message type end to end, send statuses, heartbeats, link up and down, versions. */
#include "support.h"

#include <string.h>

#include "radio_coproc.h"
#include "radio_link.h"

#define SENT_MAX 8

typedef struct {
    test_clock_state_t clock_state;
    hb_clock_t clock;
    radio_link_t link;
    radio_coproc_t coproc;

    /* What the co-processor's port saw. */
    int add_peer_result;
    int send_result;
    bool deliver;
    unsigned peers_added;
    unsigned peers_removed;
    uint8_t sent_mac[SENT_MAX][LINK_MAC_LEN];
    uint8_t sent_frame[SENT_MAX][LINK_FRAME_MAX_LEN];
    size_t sent_len[SENT_MAX];
    size_t sent_count;

    /* What the home base's radio handlers saw. */
    uint8_t heard_frame[LINK_FRAME_MAX_LEN];
    size_t heard_len;
    uint8_t heard_mac[RADIO_MAC_LEN];
    int32_t heard_rssi;
    unsigned heard_count;
    uint16_t status_ids[SENT_MAX];
    bool status_delivered[SENT_MAX];
    unsigned status_count;

    /* Bytes written by each side that the other has not read yet; a test passes them on. */
    uint8_t to_radio[4096];
    size_t to_radio_len;
    uint8_t to_home[4096];
    size_t to_home_len;
} pair_t;

static int home_write(void *ctx, const uint8_t *bytes, size_t len)
{
    pair_t *pair = ctx;

    assert_true(pair->to_radio_len + len <= sizeof pair->to_radio);
    memcpy(pair->to_radio + pair->to_radio_len, bytes, len);
    pair->to_radio_len += len;
    return 0;
}

static int radio_write(void *ctx, const uint8_t *bytes, size_t len)
{
    pair_t *pair = ctx;

    assert_true(pair->to_home_len + len <= sizeof pair->to_home);
    memcpy(pair->to_home + pair->to_home_len, bytes, len);
    pair->to_home_len += len;
    return 0;
}

static int port_add_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    pair_t *pair = ctx;

    (void)mac;
    pair->peers_added++;
    return pair->add_peer_result;
}

static int port_remove_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    pair_t *pair = ctx;

    (void)mac;
    pair->peers_removed++;
    return 0;
}

static int port_send_frame(void *ctx, const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame, size_t len,
                           uint16_t message_id)
{
    pair_t *pair = ctx;

    if (pair->send_result != 0) {
        return pair->send_result;
    }
    assert_true(pair->sent_count < SENT_MAX);
    memcpy(pair->sent_mac[pair->sent_count], mac, LINK_MAC_LEN);
    memcpy(pair->sent_frame[pair->sent_count], frame, len);
    pair->sent_len[pair->sent_count] = len;
    pair->sent_count++;
    radio_coproc_send_done(&pair->coproc, message_id, pair->deliver);
    return 0;
}

static void on_frame(void *ctx, const uint8_t *frame, size_t len, const uint8_t mac[RADIO_MAC_LEN], int32_t rssi)
{
    pair_t *pair = ctx;

    memcpy(pair->heard_frame, frame, len);
    pair->heard_len = len;
    memcpy(pair->heard_mac, mac, RADIO_MAC_LEN);
    pair->heard_rssi = rssi;
    pair->heard_count++;
}

static void on_send_status(void *ctx, uint16_t send_id, bool delivered)
{
    pair_t *pair = ctx;

    assert_true(pair->status_count < SENT_MAX);
    pair->status_ids[pair->status_count] = send_id;
    pair->status_delivered[pair->status_count] = delivered;
    pair->status_count++;
}

/* Passes the bytes written so far to the other side, until neither side has bytes waiting. */
static void exchange(pair_t *pair)
{
    while (pair->to_radio_len > 0 || pair->to_home_len > 0) {
        uint8_t bytes[4096];
        size_t len = pair->to_radio_len;

        memcpy(bytes, pair->to_radio, len);
        pair->to_radio_len = 0;
        radio_coproc_receive_uart(&pair->coproc, bytes, len);

        len = pair->to_home_len;
        memcpy(bytes, pair->to_home, len);
        pair->to_home_len = 0;
        radio_link_receive(&pair->link, bytes, len);
    }
}

static const link_version_t bundled_version = { .firmware_major = 1, .firmware_minor = 4, .firmware_patch = 0 };

static void start_pair(pair_t *pair, uint8_t radio_major, uint8_t radio_minor)
{
    radio_coproc_port_t port = {
        .write = radio_write,
        .add_peer = port_add_peer,
        .remove_peer = port_remove_peer,
        .send_frame = port_send_frame,
        .ctx = pair,
    };

    memset(pair, 0, sizeof *pair);
    pair->clock_state.now = TEST_NOW;
    pair->clock = (hb_clock_t){ .now = test_clock_now, .ctx = &pair->clock_state };
    pair->deliver = true;
    radio_coproc_init(&pair->coproc, &port, radio_major, radio_minor, 0, 500);
    radio_link_init(&pair->link, home_write, pair, &pair->clock, &bundled_version);
    radio_set_handlers(radio_link_radio(&pair->link), on_frame, on_send_status, pair);
    exchange(pair);
}

static int pair_setup(void **state)
{
    static pair_t pair;

    start_pair(&pair, 1, 4);
    *state = &pair;
    return 0;
}

static void link_exchanges_versions_at_start(void **state)
{
    pair_t *pair = *state;

    assert_true(pair->link.radio_version_known);
    assert_int_equal(pair->link.radio_version.protocol_version, LINK_PROTOCOL_VERSION);
    assert_int_equal(pair->link.radio_version.firmware_minor, 4);
    assert_false(radio_link_needs_update(&pair->link));
    assert_true(pair->coproc.home_base_heard);
    assert_true(radio_link_is_up(&pair->link));
}

static void link_reports_older_radio_firmware(void **state)
{
    pair_t *pair = *state;

    start_pair(pair, 1, 3);
    assert_true(radio_link_needs_update(&pair->link));
}

static void link_passes_heard_frame_with_mac_and_rssi(void **state)
{
    static const uint8_t mac[LINK_MAC_LEN] = { 0x02, 0, 0, 0, 0x4e, 0x21 };
    static const uint8_t frame[] = { 0x01, 0x01, 0x00, 0xfe, 0x00 };
    pair_t *pair = *state;

    radio_coproc_frame_heard(&pair->coproc, mac, -67, frame, sizeof frame);
    exchange(pair);

    assert_int_equal(pair->heard_count, 1);
    assert_int_equal(pair->heard_len, sizeof frame);
    assert_memory_equal(pair->heard_frame, frame, sizeof frame);
    assert_memory_equal(pair->heard_mac, mac, RADIO_MAC_LEN);
    assert_int_equal(pair->heard_rssi, -67);
    assert_int_equal(pair->link.counters.frames_in, 1);
}

static void link_drops_frames_esp_now_cannot_carry(void **state)
{
    static const uint8_t mac[LINK_MAC_LEN] = { 0x02, 0, 0, 0, 0x4e, 0x21 };
    uint8_t frame[LINK_FRAME_MAX_LEN + 1] = { 0 };
    pair_t *pair = *state;

    radio_coproc_frame_heard(&pair->coproc, mac, -40, frame, sizeof frame);
    radio_coproc_frame_heard(&pair->coproc, mac, -40, frame, 0);
    exchange(pair);

    assert_int_equal(pair->heard_count, 0);
    assert_int_equal(pair->coproc.counters.frames_in_dropped, 2);
}

static void link_sends_frame_and_reports_status(void **state)
{
    static const uint8_t mac[RADIO_MAC_LEN] = { 0x02, 0, 0, 0, 0x4e, 0x22 };
    static const uint8_t frame[] = { 0x01, 0x04, 0x00, 0x33 };
    pair_t *pair = *state;
    uint16_t first_id = 0;
    uint16_t second_id = 0;

    assert_int_equal(radio_send(radio_link_radio(&pair->link), mac, frame, sizeof frame, &first_id), 0);
    exchange(pair);
    pair->deliver = false;
    assert_int_equal(radio_send(radio_link_radio(&pair->link), radio_broadcast_mac, frame, 1, &second_id), 0);
    exchange(pair);

    assert_int_equal(second_id, (uint16_t)(first_id + 1));
    assert_int_equal(pair->sent_count, 2);
    assert_memory_equal(pair->sent_mac[0], mac, RADIO_MAC_LEN);
    assert_int_equal(pair->sent_len[0], sizeof frame);
    assert_memory_equal(pair->sent_frame[0], frame, sizeof frame);
    assert_memory_equal(pair->sent_mac[1], radio_broadcast_mac, RADIO_MAC_LEN);
    assert_int_equal(pair->status_count, 2);
    assert_int_equal(pair->status_ids[0], first_id);
    assert_true(pair->status_delivered[0]);
    assert_int_equal(pair->status_ids[1], second_id);
    assert_false(pair->status_delivered[1]);
    assert_int_equal(pair->peers_added, 2);
}

static void link_reports_failure_when_peer_not_added(void **state)
{
    static const uint8_t mac[RADIO_MAC_LEN] = { 0x02, 0, 0, 0, 0x4e, 0x23 };
    static const uint8_t frame[] = { 0x42 };
    pair_t *pair = *state;
    uint16_t id = 0;

    pair->add_peer_result = -1;
    assert_int_equal(radio_send(radio_link_radio(&pair->link), mac, frame, sizeof frame, &id), 0);
    exchange(pair);

    assert_int_equal(pair->sent_count, 0);
    assert_int_equal(pair->status_count, 1);
    assert_false(pair->status_delivered[0]);
    assert_false(radio_peers_contains(&pair->coproc.peers, mac));

    /* A send the radio does not start is a failure too. */
    pair->add_peer_result = 0;
    pair->send_result = -1;
    assert_int_equal(radio_send(radio_link_radio(&pair->link), mac, frame, sizeof frame, &id), 0);
    exchange(pair);
    assert_int_equal(pair->status_count, 2);
    assert_false(pair->status_delivered[1]);
    assert_int_equal(pair->link.counters.send_failed, 2);
}

static void link_rejects_frame_lengths_out_of_range(void **state)
{
    uint8_t frame[RADIO_FRAME_MAX_LEN + 1] = { 0 };
    pair_t *pair = *state;
    uint16_t id = 0;

    assert_int_equal(radio_send(radio_link_radio(&pair->link), radio_broadcast_mac, frame, 0, &id), -1);
    assert_int_equal(radio_send(radio_link_radio(&pair->link), radio_broadcast_mac, frame, sizeof frame, &id), -1);
    assert_int_equal(pair->to_radio_len, 0);
}

static void link_goes_down_without_heartbeats(void **state)
{
    pair_t *pair = *state;

    assert_true(radio_link_is_up(&pair->link));
    pair->clock_state.now += RADIO_LINK_TIMEOUT_SEC + 1;
    assert_false(radio_link_is_up(&pair->link));

    /* One heartbeat from the co-processor brings it back. */
    radio_coproc_tick(&pair->coproc, 500 + 10);
    exchange(pair);
    assert_true(radio_link_is_up(&pair->link));
    assert_int_equal(pair->link.radio_uptime_sec, 10);
}

static void link_sends_heartbeats_with_uptime(void **state)
{
    pair_t *pair = *state;

    pair->clock_state.now += 25;
    radio_link_tick(&pair->link);
    exchange(pair);
    assert_int_equal(pair->coproc.home_base_uptime_sec, 25);

    /* No second heartbeat within the same second. */
    radio_link_tick(&pair->link);
    assert_int_equal(pair->to_radio_len, 0);
}

static void link_sends_heartbeats_at_set_interval(void **state)
{
    pair_t *pair = *state;

    assert_int_equal(radio_coproc_set_heartbeat_interval(&pair->coproc, 2), 0);

    radio_coproc_tick(&pair->coproc, 500 + 1);
    assert_int_equal(pair->to_home_len, 0);

    radio_coproc_tick(&pair->coproc, 500 + 2);
    assert_true(pair->to_home_len > 0);
    exchange(pair);
    assert_int_equal(pair->link.radio_uptime_sec, 2);
}

/* An interval as long as the home base's link timeout would let the link drop between heartbeats. */
static void link_rejects_heartbeat_interval_out_of_range(void **state)
{
    pair_t *pair = *state;

    assert_int_equal(radio_coproc_set_heartbeat_interval(&pair->coproc, 0), -1);
    assert_int_equal(radio_coproc_set_heartbeat_interval(&pair->coproc, RADIO_LINK_TIMEOUT_SEC), -1);
    assert_int_equal(radio_coproc_set_heartbeat_interval(&pair->coproc, UINT32_MAX), -1);

    /* The interval stays at one second. */
    radio_coproc_tick(&pair->coproc, 500 + 1);
    assert_true(pair->to_home_len > 0);
}

static void link_counts_radio_restart(void **state)
{
    pair_t *pair = *state;

    radio_coproc_tick(&pair->coproc, 500 + 30);
    exchange(pair);
    pair->coproc.started_at = 520;
    radio_coproc_tick(&pair->coproc, 500 + 32);
    exchange(pair);

    assert_int_equal(pair->link.counters.radio_restarts, 1);
    assert_int_equal(pair->link.radio_uptime_sec, 12);
}

static void link_drops_messages_of_the_wrong_direction(void **state)
{
    static const uint8_t frame[] = { 0x01 };
    pair_t *pair = *state;
    link_message_t frame_out = { .type = LINK_TYPE_FRAME_OUT, .body.frame_out = { .frame = frame, .frame_len = 1 } };
    link_message_t frame_in = { .type = LINK_TYPE_FRAME_IN, .body.frame_in = { .frame = frame, .frame_len = 1 } };
    uint8_t wire[LINK_WIRE_MAX_LEN];

    radio_link_receive(&pair->link, wire, link_message_encode(&frame_out, wire));
    radio_coproc_receive_uart(&pair->coproc, wire, link_message_encode(&frame_in, wire));

    assert_int_equal(pair->link.counters.unexpected, 1);
    assert_int_equal(pair->coproc.counters.unexpected, 1);
    assert_int_equal(pair->heard_count, 0);
}

#define PAIR_TEST(name) cmocka_unit_test_setup(name, pair_setup)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        PAIR_TEST(link_exchanges_versions_at_start),
        PAIR_TEST(link_reports_older_radio_firmware),
        PAIR_TEST(link_passes_heard_frame_with_mac_and_rssi),
        PAIR_TEST(link_drops_frames_esp_now_cannot_carry),
        PAIR_TEST(link_sends_frame_and_reports_status),
        PAIR_TEST(link_reports_failure_when_peer_not_added),
        PAIR_TEST(link_rejects_frame_lengths_out_of_range),
        PAIR_TEST(link_goes_down_without_heartbeats),
        PAIR_TEST(link_sends_heartbeats_with_uptime),
        PAIR_TEST(link_sends_heartbeats_at_set_interval),
        PAIR_TEST(link_rejects_heartbeat_interval_out_of_range),
        PAIR_TEST(link_counts_radio_restart),
        PAIR_TEST(link_drops_messages_of_the_wrong_direction),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("radio_link", tests, NULL, NULL);
}
