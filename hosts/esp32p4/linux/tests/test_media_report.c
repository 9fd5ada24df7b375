/* The media report outbox (media_report.h over outbox.h): reports of stored media linked to motion
 * events go to the central server's POST /motion-events/media through the recording transport,
 * survive a restart, and wait with backoff while the central server is away. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_file.h"
#include "media_report.h"

#define PATH_A "2026-12/05/01/2152-porch-cam-168.png"
#define PATH_B "2026-12/05/01/2153-door-170.jpg"

static media_report_t s_report;

static int setup(void **state)
{
    test_home_t *home;

    test_home_setup(state);
    home = *state;
    assert_int_equal(media_report_init(&s_report, &home->uplink, &home->clock, home->spool_dir), 0);
    return 0;
}

static int teardown(void **state)
{
    return test_home_teardown(state);
}

static media_stored_t stored_content(const char *device_id, uint32_t motion_seq, const char *path)
{
    media_stored_t stored = { .content_id = 168, .size = 1000, .motion_seq = motion_seq };

    snprintf(stored.device_id, sizeof stored.device_id, "%s", device_id);
    snprintf(stored.path, sizeof stored.path, "%s", path);
    return stored;
}

static void linked_media_reported_signed(void **state)
{
    test_home_t *home = *state;
    media_stored_t stored = stored_content("porch-cam", 40, PATH_A);

    media_report_on_stored(&s_report, &stored);
    assert_int_equal(s_report.outbox.count, 1);
    assert_int_equal(media_report_flush(&s_report), 1);

    assert_int_equal(s_report.outbox.count, 0);
    assert_int_equal(s_report.outbox.sent, 1);
    assert_string_equal(home->transport.url, "http://127.0.0.1:18080/motion-events/media");
    assert_string_equal(home->transport.key_id, TEST_NETWORK_ID "/homebase");
    assert_int_equal(strlen(home->transport.signature), 128);
    assert_string_equal(home->transport.body,
                        "{\"key_id\":\"" TEST_NETWORK_ID "/homebase\",\"media\":[{\"device_id\":"
                        "\"porch-cam\",\"seq\":40,\"path\":\"" PATH_A "\"}]}");
}

static void unlinked_media_not_reported(void **state)
{
    test_home_t *home = *state;
    media_stored_t stored = stored_content("porch-cam", 0, PATH_A);

    media_report_on_stored(&s_report, &stored);
    assert_int_equal(s_report.outbox.count, 0);
    assert_int_equal(media_report_flush(&s_report), 0);
    assert_int_equal(home->transport.post_count, 0);
}

static void reports_kept_across_restart_until_200(void **state)
{
    test_home_t *home = *state;
    media_report_t reloaded;
    unsigned attempts;

    assert_int_equal(media_report_add(&s_report, "porch-cam", 40, PATH_A), 0);
    home->transport.unreachable = 1;
    assert_int_equal(media_report_flush(&s_report), -1);
    attempts = home->transport.post_count;
    /* Backoff: no attempt before the first delay ends. */
    assert_int_equal(media_report_flush(&s_report), 0);
    assert_int_equal(home->transport.post_count, attempts);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 1);
    assert_string_equal(reloaded.entries[0].path, PATH_A);
    assert_int_equal(reloaded.entries[0].seq, 40);

    /* A 503 is retried after a doubled delay. */
    home->transport.unreachable = 0;
    home->transport.answer_status = 503;
    home->clock_state.now += OUTBOX_RETRY_FIRST_SEC;
    assert_int_equal(media_report_flush(&s_report), -1);
    assert_int_equal(s_report.outbox.count, 1);
    home->transport.answer_status = 200;
    home->clock_state.now += 1;
    assert_int_equal(media_report_flush(&s_report), 0);
    home->clock_state.now += 1;
    assert_int_equal(media_report_flush(&s_report), 1);

    assert_int_equal(s_report.outbox.count, 0);
    assert_int_equal(s_report.outbox.send_failures, 2);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 0);
}

static void new_report_sent_despite_backoff(void **state)
{
    test_home_t *home = *state;

    assert_int_equal(media_report_add(&s_report, "porch-cam", 40, PATH_A), 0);
    home->transport.unreachable = 1;
    assert_int_equal(media_report_flush(&s_report), -1);
    home->transport.unreachable = 0;
    assert_int_equal(media_report_add(&s_report, "door", 41, PATH_B), 0);

    assert_int_equal(media_report_flush(&s_report), 1);
    assert_non_null(strstr(home->transport.body, "\"seq\":40"));
    assert_non_null(strstr(home->transport.body, "\"seq\":41"));
}

static void bad_request_drops_reports(void **state)
{
    test_home_t *home = *state;

    assert_int_equal(media_report_add(&s_report, "porch-cam", 40, PATH_A), 0);
    home->transport.answer_status = 400;
    assert_int_equal(media_report_flush(&s_report), -1);

    assert_int_equal(s_report.outbox.count, 0);
    assert_int_equal(s_report.outbox.refused, 1);
    assert_int_equal(s_report.outbox.sent, 0);
}

static void full_outbox_loses_oldest(void **state)
{
    for (uint32_t seq = 1; seq <= MEDIA_REPORT_MAX + 1; seq++) {
        assert_int_equal(media_report_add(&s_report, "porch-cam", seq, PATH_A), 0);
    }
    (void)state;

    assert_int_equal(s_report.outbox.count, MEDIA_REPORT_MAX);
    assert_int_equal(s_report.outbox.lost, 1);
    assert_int_equal(s_report.entries[0].seq, 2);
    assert_int_equal(s_report.entries[MEDIA_REPORT_MAX - 1].seq, MEDIA_REPORT_MAX + 1);
}

static void stored_file_checked_on_load(void **state)
{
    test_home_t *home = *state;
    static const char mixed[] =
        "[{\"device_id\":\"porch-cam\",\"seq\":40,\"path\":\"../../etc/passwd\"},"
        "{\"device_id\":\"porch-cam\",\"seq\":0,\"path\":\"" PATH_A "\"},"
        "{\"device_id\":\"door\",\"seq\":41,\"path\":\"" PATH_B "\"}]";
    media_report_t reloaded;

    assert_int_equal(hb_file_write_atomic(home->spool_dir, MEDIA_REPORT_FILE, mixed, strlen(mixed)), 0);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 1);
    assert_string_equal(reloaded.entries[0].device_id, "door");

    /* Two entries were skipped, so the file was damaged: it is set aside and the kept entry is
     * written to a new file, which the next start reads without error. */
    assert_int_equal(reloaded.outbox.files_set_aside, 1);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 0);
    assert_int_equal(reloaded.outbox.count, 1);
    assert_string_equal(reloaded.entries[0].device_id, "door");
}

/* Regression: an array of entries that are not reports started silently with the file unchanged. */
static void array_of_bad_entries_moved_aside(void **state)
{
    test_home_t *home = *state;
    static const char bad[] = "[1,{\"x\":null},\"s\"]";
    media_report_t reloaded;
    char aside[HB_FILE_PATH_LEN];
    char kept[32];

    assert_int_equal(hb_file_write_atomic(home->spool_dir, MEDIA_REPORT_FILE, bad, strlen(bad)), 0);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 1);
    snprintf(aside, sizeof aside, "motion-media.json.corrupt-%u", TEST_NOW);
    assert_int_equal(hb_file_read(home->spool_dir, aside, kept, sizeof kept), (long)strlen(bad));
    assert_int_equal(hb_file_read(home->spool_dir, MEDIA_REPORT_FILE, kept, sizeof kept), -1);
}

/* Regression: "[]" followed by a NUL byte and garbage was read as an empty array. */
static void bytes_after_the_array_moved_aside(void **state)
{
    test_home_t *home = *state;
    static const char tail[] = { '[', ']', '\0', 'x', 'y' };
    media_report_t reloaded;
    char aside[HB_FILE_PATH_LEN];
    char kept[16];

    assert_int_equal(hb_file_write_atomic(home->spool_dir, MEDIA_REPORT_FILE, tail, sizeof tail), 0);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 1);
    snprintf(aside, sizeof aside, "motion-media.json.corrupt-%u", TEST_NOW);
    assert_int_equal(hb_file_read(home->spool_dir, aside, kept, sizeof kept), (long)sizeof tail);

    /* Whitespace after the array is not damage. */
    assert_int_equal(hb_file_write_atomic(home->spool_dir, MEDIA_REPORT_FILE, "[] \n", 4), 0);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 0);
}

/* Regression: a corrupted motion-media.json stopped the home base from starting. */
static void malformed_file_moved_aside_and_outbox_empty(void **state)
{
    test_home_t *home = *state;
    media_report_t reloaded;
    char aside[HB_FILE_PATH_LEN];
    char kept[16];

    assert_int_equal(hb_file_write_atomic(home->spool_dir, MEDIA_REPORT_FILE, "{\"x\":1}", 7), 0);
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 1);

    /* The bad bytes are kept under the time of the start for a person to inspect. */
    snprintf(aside, sizeof aside, "motion-media.json.corrupt-%u", TEST_NOW);
    assert_int_equal(hb_file_read(home->spool_dir, aside, kept, sizeof kept), 7);
    assert_memory_equal(kept, "{\"x\":1}", 7);
    assert_int_equal(hb_file_read(home->spool_dir, MEDIA_REPORT_FILE, kept, sizeof kept), -1);

    /* The next start finds no file and no error. */
    assert_int_equal(media_report_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 0);
}

#define REPORT_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        REPORT_TEST(linked_media_reported_signed),
        REPORT_TEST(unlinked_media_not_reported),
        REPORT_TEST(reports_kept_across_restart_until_200),
        REPORT_TEST(new_report_sent_despite_backoff),
        REPORT_TEST(bad_request_drops_reports),
        REPORT_TEST(full_outbox_loses_oldest),
        REPORT_TEST(stored_file_checked_on_load),
        REPORT_TEST(array_of_bad_entries_moved_aside),
        REPORT_TEST(bytes_after_the_array_moved_aside),
        REPORT_TEST(malformed_file_moved_aside_and_outbox_empty),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("media_report", tests, NULL, NULL);
}
