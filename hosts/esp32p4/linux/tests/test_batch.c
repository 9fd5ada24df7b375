/* Batches through the core: due, sealed, spooled, sent, retried with backoff, and resent after a
 * restart. The recording transport replaces the central server. */
#include "support.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hb_hex.h"
#include "hb_log.h"
#include "oled_screen.h"
#include "status.h"

#define LOG_PAYLOAD "{\"level\":\"info\",\"category\":\"door\",\"message\":\"opened\"}"
/* A card of 480000 bytes: its spool quota of 96000 bytes takes the reservation for one largest
 * batch (the core's 64 KiB buffer) and a few small batches. */
#define SMALL_CARD_BYTES 480000

static void send_frame(test_home_t *home, uint8_t type, uint32_t seq, const char *payload,
                       uint8_t frame[TEST_FRAME_MAX], size_t *len)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };

    *len = test_frame_build(frame, type, test_device_ids[0], home->clock_state.now, seq, payload,
                            &home->devices[0], home->network.public_key);
    assert_int_equal(homebase_frame(&home->homebase, frame, *len, mac, -47), CORE_OK);
    test_home_send(home);
}

/* Parses a body the transport received; the caller deletes it. */
static cJSON *parse_body(const char *body)
{
    cJSON *batch = cJSON_Parse(body);

    assert_non_null(batch);
    return batch;
}

static cJSON *last_batch(const test_home_t *home)
{
    return parse_body(home->transport.body);
}

static double number_of(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    assert_true(cJSON_IsNumber(item));
    return item->valuedouble;
}

static const char *string_of(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    assert_true(cJSON_IsString(item));
    return item->valuestring;
}

/* The core treats a batcher that never sealed as due, so the first tick after start sends an empty
 * batch at once: the home base's first heartbeat. */
static void first_tick_sends_start_batch(void **state)
{
    test_home_t *home = *state;
    cJSON *batch;

    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 1);
    batch = last_batch(home);
    assert_int_equal(number_of(batch, "batch_seq"), 0);
    assert_int_equal(number_of(batch, "sealed_at"), TEST_NOW);
    cJSON_Delete(batch);
}

static void empty_batch_sent_after_interval(void **state)
{
    test_home_t *home = *state;
    cJSON *batch;

    test_home_tick(home);
    home->clock_state.now += 59;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 1);

    home->clock_state.now += 1;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 2);
    assert_int_equal(home->homebase.batches_sent, 2);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);

    batch = last_batch(home);
    assert_string_equal(string_of(batch, "key_id"), TEST_NETWORK_ID "/" TEST_HOME_BASE_ID);
    assert_int_equal(number_of(batch, "batch_seq"), 1);
    assert_int_equal(number_of(batch, "interval_sec"), 60);
    assert_int_equal(number_of(batch, "sealed_at"), TEST_NOW + 60);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(batch, "entries")), 0);
    cJSON_Delete(batch);
}

static void motion_sent_at_once(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    char frame_hex[2 * TEST_FRAME_MAX + 1];
    size_t len;
    cJSON *batch;
    const cJSON *entries;
    const cJSON *motion;

    send_frame(home, FRAME_TYPE_MOTION, 1, "{\"zone\":\"porch\",\"confidence\":0.82}", frame, &len);
    assert_int_equal(home->transport.post_count, 1);

    batch = last_batch(home);
    entries = cJSON_GetObjectItemCaseSensitive(batch, "entries");
    assert_int_equal(cJSON_GetArraySize(entries), 2);
    assert_string_equal(string_of(cJSON_GetArrayItem(entries, 0), "kind"), "device_status");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(entries, 0), "online")));

    motion = cJSON_GetArrayItem(entries, 1);
    hb_hex_encode(frame, len, frame_hex);
    assert_string_equal(string_of(motion, "kind"), "motion");
    assert_string_equal(string_of(motion, "device_id"), "porch-cam");
    assert_string_equal(string_of(motion, "frame"), frame_hex);
    assert_int_equal(number_of(motion, "rssi"), -47);
    assert_int_equal(number_of(motion, "received_at"), TEST_NOW);
    cJSON_Delete(batch);
}

static void log_waits_for_interval(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    /* The came-online entry is urgent, so the first frame goes out at once; the second waits. */
    send_frame(home, FRAME_TYPE_LOG, 1, "{\"level\":\"info\",\"category\":\"a\",\"message\":\"x\"}",
               frame, &len);
    assert_int_equal(home->transport.post_count, 1);
    home->clock_state.now += 5;
    send_frame(home, FRAME_TYPE_LOG, 2, "{\"level\":\"info\",\"category\":\"a\",\"message\":\"y\"}",
               frame, &len);
    assert_int_equal(home->transport.post_count, 1);
    assert_int_equal(core_batch_entry_count(&home->core), 1);

    home->clock_state.now += 60;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 2);
    assert_int_equal(core_batch_entry_count(&home->core), 0);
}

/* Regression: a clean stop (SIGINT, SIGTERM) dropped the open batch although its entries' replay
 * floors were saved, so the devices never sent those log entries again. */
static void stop_spools_open_batch_for_next_start(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    uint32_t spooled_before;
    size_t len;
    cJSON *batch;
    const cJSON *entries;

    /* The first frame's came-online entry is urgent and seals its batch; logs 2 and 3 wait. */
    home->transport.unreachable = 1;
    send_frame(home, FRAME_TYPE_LOG, 1, LOG_PAYLOAD, frame, &len);
    send_frame(home, FRAME_TYPE_LOG, 2, LOG_PAYLOAD, frame, &len);
    send_frame(home, FRAME_TYPE_LOG, 3, "{\"level\":\"warn\",\"category\":\"door\",\"message\":\"held\"}",
               frame, &len);
    spooled_before = homebase_spooled_count(&home->homebase);
    assert_int_equal(core_batch_entry_count(&home->core), 2);

    assert_int_equal(homebase_seal_open_batch(&home->homebase), 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), spooled_before + 1);

    /* After the restart the stopped run's last batch goes out with both log entries. */
    test_home_restart(home);
    home->transport.unreachable = 0;
    test_home_tick(home);
    assert_int_equal(home->transport.body_count, spooled_before + 2);
    batch = parse_body(home->transport.bodies[spooled_before]);
    entries = cJSON_GetObjectItemCaseSensitive(batch, "entries");
    assert_int_equal(cJSON_GetArraySize(entries), 2);
    assert_string_equal(string_of(cJSON_GetArrayItem(entries, 0), "kind"), "log");
    assert_string_equal(string_of(cJSON_GetArrayItem(entries, 1), "kind"), "log");
    cJSON_Delete(batch);
}

static void stop_with_empty_open_batch_spools_nothing(void **state)
{
    test_home_t *home = *state;

    home->transport.unreachable = 1;
    test_home_tick(home);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);

    assert_int_equal(homebase_seal_open_batch(&home->homebase), 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);
}

static void central_away_keeps_spool_and_backs_off(void **state)
{
    test_home_t *home = *state;

    home->transport.unreachable = 1;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 1);
    assert_int_equal(home->homebase.send_failures, 1);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);

    /* Within the 1-second delay nothing is tried; after it one more attempt, then 2 seconds. */
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 1);
    home->clock_state.now += 1;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 2);
    home->clock_state.now += 1;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 2);

    home->transport.unreachable = 0;
    home->clock_state.now += 1;
    test_home_tick(home);
    assert_int_equal(home->transport.post_count, 3);
    assert_int_equal(home->homebase.batches_sent, 1);
    assert_int_equal(home->homebase.send_failures, 2);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);
}

static void error_answer_keeps_batch(void **state)
{
    test_home_t *home = *state;

    home->transport.answer_status = 503;
    test_home_tick(home);
    assert_int_equal(home->homebase.send_failures, 1);
    assert_int_equal(home->homebase.batches_sent, 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);
}

static void rejected_batch_set_aside_and_next_sent(void **state)
{
    test_home_t *home = *state;
    char aside[600];

    /* The start batch 0 is rejected as malformed; it must not block batch 1 behind it. */
    home->transport.answer_status = 400;
    test_home_tick(home);
    assert_int_equal(home->homebase.batches_set_aside, 1);
    assert_int_equal(home->homebase.send_failures, 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);
    snprintf(aside, sizeof aside, "%s/rejected/0000/00/batch-0.json", home->spool.dir);
    assert_int_equal(access(aside, F_OK), 0);

    home->transport.answer_status = 200;
    home->clock_state.now += 60;
    test_home_tick(home);
    assert_int_equal(home->homebase.batches_sent, 1);
    assert_int_equal(home->transport.post_count, 2);
}

static void restart_resends_spooled(void **state)
{
    test_home_t *home = *state;
    cJSON *batch;

    home->transport.unreachable = 1;
    test_home_tick(home);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);

    /* After the restart the spooled batch 0 goes first, then the new start batch, whose seq goes
     * on from the spool's record instead of starting again at 0. */
    test_home_restart(home);
    home->transport.unreachable = 0;
    test_home_tick(home);
    assert_int_equal(home->homebase.batches_sent, 2);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);
    assert_int_equal(home->transport.body_count, 2);

    batch = parse_body(home->transport.bodies[0]);
    assert_int_equal(number_of(batch, "batch_seq"), 0);
    cJSON_Delete(batch);
    batch = parse_body(home->transport.bodies[1]);
    assert_int_equal(number_of(batch, "batch_seq"), 1);
    cJSON_Delete(batch);
}

static void silent_device_goes_offline(void **state)
{
    test_home_t *home = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;
    cJSON *batch;
    const cJSON *entry;

    send_frame(home, FRAME_TYPE_HEARTBEAT, 1, "{}", frame, &len);
    home->clock_state.now += 89;
    test_home_tick(home);
    assert_true(core_device_online(&home->core, 0));

    home->clock_state.now += 2;
    test_home_tick(home);
    assert_false(core_device_online(&home->core, 0));

    batch = last_batch(home);
    entry = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(batch, "entries"), 0);
    assert_non_null(entry);
    assert_string_equal(string_of(entry, "kind"), "device_status");
    assert_string_equal(string_of(entry, "device_id"), "porch-cam");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(entry, "online")));
    cJSON_Delete(batch);
}

static cJSON *status_member(cJSON *status, const char *object, const char *member)
{
    cJSON *item = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(status, object),
                                                   member);

    assert_non_null(item);
    return item;
}

/* Fills the spool while the central server is away, until the home base refuses to seal. */
static uint32_t fill_spool(test_home_t *home)
{
    home->card_capacity_bytes = SMALL_CARD_BYTES;
    test_home_restart(home);
    home->transport.unreachable = 1;

    for (unsigned i = 0; i < 40 && !home->homebase.spool_full; i++) {
        test_home_tick(home);
        home->clock_state.now += 60;
    }
    assert_true(home->homebase.spool_full);
    return homebase_spooled_count(&home->homebase);
}

static void full_spool_stops_sealing(void **state)
{
    test_home_t *home = *state;
    uint32_t spooled = fill_spool(home);
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;
    uint32_t frame_seq = 1;
    cJSON *status;
    char *text;
    oled_screen_t screen;

    assert_true(spooled >= 2);
    assert_int_equal(homebase_seal(&home->homebase), HOMEBASE_SEAL_SPOOL_FULL);

    /* Entries wait in the core's open batch; once it is full, each further entry is dropped. */
    while (home->homebase.entries_dropped[HOMEBASE_DROP_SPOOL_FULL] == 0 && frame_seq < 3000) {
        send_frame(home, FRAME_TYPE_LOG, frame_seq++, LOG_PAYLOAD, frame, &len);
    }
    assert_int_equal(home->homebase.entries_dropped[HOMEBASE_DROP_SPOOL_FULL], 1);
    send_frame(home, FRAME_TYPE_LOG, frame_seq++, LOG_PAYLOAD, frame, &len);
    assert_int_equal(home->homebase.entries_dropped[HOMEBASE_DROP_SPOOL_FULL], 2);
    assert_int_equal(home->homebase.entries_dropped[HOMEBASE_DROP_SEAL_FAILED], 0);

    /* Nothing spooled was evicted or replaced. */
    assert_int_equal(homebase_spooled_count(&home->homebase), spooled);
    assert_int_equal(home->card.evicted_files, 0);

    text = status_render(&home->homebase);
    assert_non_null(text);
    status = cJSON_Parse(text);
    free(text);
    assert_non_null(status);
    assert_true(cJSON_IsTrue(status_member(status, "batches", "spool_full")));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(status_member(status, "batches", "entries_dropped"),
                                                      "spool_full")->valuedouble, 2);
    cJSON_Delete(status);

    oled_screen_collect(&home->homebase, "127.0.0.1", NULL, &screen);
    assert_non_null(screen.error);
    assert_string_equal(screen.error, "SPOOL FULL");
}

static void drained_spool_seals_again(void **state)
{
    test_home_t *home = *state;
    uint32_t spooled = fill_spool(home);
    uint32_t sent_before = home->homebase.batches_sent;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;
    cJSON *batch;

    /* A motion entry waits in the open batch while the spool is full, and is not lost. */
    send_frame(home, FRAME_TYPE_MOTION, 1, "{\"zone\":\"porch\",\"confidence\":0.5}", frame, &len);
    assert_int_equal(home->homebase.entries_dropped[HOMEBASE_DROP_SPOOL_FULL], 0);

    home->transport.unreachable = 0;
    for (unsigned i = 0; i < 20 && homebase_spooled_count(&home->homebase) > 0; i++) {
        home->clock_state.now += 60;
        test_home_tick(home);
    }
    assert_false(home->homebase.spool_full);

    /* The next tick seals the waiting batch with the motion entry and sends it. */
    test_home_tick(home);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);
    assert_int_equal(home->homebase.batches_sent, sent_before + spooled + 1);
    batch = last_batch(home);
    assert_string_equal(string_of(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(batch, "entries"), 1),
                                  "kind"), "motion");
    cJSON_Delete(batch);
}

/* Restart recovery over more than one folder of the layout: every spooled batch goes out in seq
 * order, and the next seq continues after the highest. */
static void restart_sends_many_in_order(void **state)
{
    test_home_t *home = *state;
    const unsigned batches = 300;
    cJSON *batch;

    home->transport.unreachable = 1;
    for (unsigned i = 0; i < batches; i++) {
        assert_int_equal(homebase_seal(&home->homebase), 0);
    }
    assert_int_equal(homebase_spooled_count(&home->homebase), batches);

    test_home_restart(home);
    assert_int_equal(homebase_spooled_count(&home->homebase), batches);
    home->transport.unreachable = 0;
    for (unsigned i = 0; i < 60 && homebase_spooled_count(&home->homebase) > 0; i++) {
        test_home_tick(home);
    }
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);

    /* The transport keeps the first TEST_MAX_BODIES bodies and the last one. */
    assert_int_equal(home->transport.post_count, batches + 1);
    for (unsigned i = 0; i < home->transport.body_count; i++) {
        batch = parse_body(home->transport.bodies[i]);
        assert_int_equal(number_of(batch, "batch_seq"), i);
        cJSON_Delete(batch);
    }

    /* The start batch of the new run is sealed at the first tick and sent after the backlog. */
    batch = last_batch(home);
    assert_int_equal(number_of(batch, "batch_seq"), batches);
    cJSON_Delete(batch);
}

static void write_spool_file(const test_home_t *home, const char *name, const char *text)
{
    char path[600];
    FILE *file;

    snprintf(path, sizeof path, "%s/%s", home->spool_dir, name);
    file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

/* A card written by an earlier version: flat batch files in the spool folder. They are moved into
 * the folder layout at start and sent in seq order before the new run's first batch. */
static void restart_sends_flat_layout_batches(void **state)
{
    test_home_t *home = *state;
    cJSON *batch;

    write_spool_file(home, "batch-300.json", "{\"batch_seq\":300}");
    write_spool_file(home, "batch-5.json", "{\"batch_seq\":5}");
    write_spool_file(home, "next-seq", "6\n");

    test_home_restart(home);
    assert_int_equal(home->spool.migrated_count, 2);
    assert_int_equal(homebase_spooled_count(&home->homebase), 2);
    test_home_tick(home);

    assert_int_equal(home->transport.body_count, 3);
    assert_string_equal(home->transport.bodies[0], "{\"batch_seq\":5}");
    assert_string_equal(home->transport.bodies[1], "{\"batch_seq\":300}");
    batch = parse_body(home->transport.bodies[2]);
    assert_int_equal(number_of(batch, "batch_seq"), 301);
    cJSON_Delete(batch);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);
}

static char s_warning[256];

static void keep_warning(hb_log_level_t level, const char *line)
{
    if (level == HB_LOG_WARN) {
        snprintf(s_warning, sizeof s_warning, "%s", line);
    }
}

/* A malformed next-seq is ignored with a warning instead of read in part ("7abc" was 7): the
 * spooled batches and the replay state's batch floor give the next seq (docs/protocol.md 10.3). */
static void malformed_next_seq_ignored_with_warning(void **state)
{
    test_home_t *home = *state;
    cJSON *batch;

    write_spool_file(home, "batch-5.json", "{\"batch_seq\":5}");
    write_spool_file(home, "next-seq", "900abc\n");
    s_warning[0] = '\0';
    hb_log_set_sink(keep_warning, HB_LOG_WARN);
    test_home_restart(home);
    hb_log_set_sink(NULL, HB_LOG_WARN);
    assert_non_null(strstr(s_warning, "next-seq is unreadable or malformed"));

    test_home_tick(home);
    assert_int_equal(home->transport.body_count, 2);
    batch = parse_body(home->transport.bodies[1]);
    assert_int_equal(number_of(batch, "batch_seq"), 6);
    cJSON_Delete(batch);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(first_tick_sends_start_batch),
        HOME_TEST(empty_batch_sent_after_interval),
        HOME_TEST(motion_sent_at_once),
        HOME_TEST(log_waits_for_interval),
        HOME_TEST(stop_spools_open_batch_for_next_start),
        HOME_TEST(stop_with_empty_open_batch_spools_nothing),
        HOME_TEST(central_away_keeps_spool_and_backs_off),
        HOME_TEST(error_answer_keeps_batch),
        HOME_TEST(rejected_batch_set_aside_and_next_sent),
        HOME_TEST(restart_resends_spooled),
        HOME_TEST(silent_device_goes_offline),
        HOME_TEST(full_spool_stops_sealing),
        HOME_TEST(drained_spool_seals_again),
        HOME_TEST(restart_sends_many_in_order),
        HOME_TEST(restart_sends_flat_layout_batches),
        HOME_TEST(malformed_next_seq_ignored_with_warning),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("batch", tests, NULL, NULL);
}
