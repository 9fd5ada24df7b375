/* The storage adapter over a folder with a small capacity: filling the card, oldest-first eviction,
 * quotas per area, the spool that is never evicted, the warning threshold and the path rule. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remove_tree.h"
#include "storage.h"

typedef struct {
    char root[256];
    storage_t storage;
    unsigned warnings;
    storage_warning_t last_warning;
} storage_fixture_t;

static void record_warning(void *ctx, const storage_warning_t *warning)
{
    storage_fixture_t *fixture = ctx;

    fixture->warnings++;
    fixture->last_warning = *warning;
}

/* A card of 1000 bytes in clusters of 100, no quotas, warning at 90 percent. */
static const storage_limits_t s_small_card = { .capacity_bytes = 1000, .cluster_bytes = 100 };

static void open_card(storage_fixture_t *fixture, const storage_limits_t *limits)
{
    char error[STORAGE_ERROR_LEN] = "";

    if (storage_open(&fixture->storage, fixture->root, limits, error) != 0) {
        fail_msg("storage_open failed: %s", error);
    }
    storage_set_warning(&fixture->storage, record_warning, fixture);
}

static int storage_setup(void **state)
{
    storage_fixture_t *fixture = calloc(1, sizeof *fixture);

    assert_non_null(fixture);
    test_make_temp_dir(fixture->root);
    open_card(fixture, &s_small_card);
    *state = fixture;
    return 0;
}

static int storage_teardown(void **state)
{
    storage_fixture_t *fixture = *state;

    test_remove_tree(fixture->root);
    free(fixture);
    return 0;
}

static int write_bytes(storage_fixture_t *fixture, storage_area_t area, const char *relative,
                       size_t len)
{
    char error[STORAGE_ERROR_LEN] = "";
    uint8_t bytes[1000];

    assert_true(len <= sizeof bytes);
    memset(bytes, 'x', len);
    return storage_write(&fixture->storage, area, relative, bytes, len, false, error);
}

static bool exists(storage_fixture_t *fixture, const char *area_and_path)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", fixture->root, area_and_path);
    return access(path, F_OK) == 0;
}

static void written_file_reads_back_without_temporary(void **state)
{
    storage_fixture_t *fixture = *state;
    char error[STORAGE_ERROR_LEN];
    uint8_t *read_back = NULL;
    size_t len = 0;

    assert_int_equal(storage_write(&fixture->storage, STORAGE_AREA_MEDIA, "2026-12-04/22/a.jpg",
                                   "hello", 5, false, error), STORAGE_OK);
    assert_true(exists(fixture, "media/2026-12-04/22/a.jpg"));
    assert_false(exists(fixture, "media/2026-12-04/22/a.jpg.tmp"));

    assert_int_equal(storage_read(&fixture->storage, STORAGE_AREA_MEDIA, "2026-12-04/22/a.jpg",
                                  &read_back, &len, 100), STORAGE_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(read_back, "hello", 5);
    free(read_back);

    /* Five bytes take one whole cluster. */
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_MEDIA], 100);
}

static void existing_file_not_overwritten(void **state)
{
    storage_fixture_t *fixture = *state;

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "a.jpg", 10), STORAGE_OK);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "a.jpg", 10), STORAGE_ERR_EXISTS);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_MEDIA], 100);
}

static void replacement_counts_new_size_only(void **state)
{
    storage_fixture_t *fixture = *state;
    char error[STORAGE_ERROR_LEN];
    uint8_t bytes[250] = { 0 };

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "state", 10), STORAGE_OK);
    assert_int_equal(storage_write(&fixture->storage, STORAGE_AREA_LOGS, "state", bytes, sizeof bytes,
                                   true, error), STORAGE_OK);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_LOGS], 300);
}

static void full_card_evicts_oldest_first(void **state)
{
    storage_fixture_t *fixture = *state;
    /* Written out of order; the names carry the date, so the smallest name is the oldest. */
    static const char *const names[] = {
        "2026-12-03/10/0000-cam-3.jpg", "2026-12-01/23/5959-cam-1.jpg", "2026-12-02/00/0000-cam-2.jpg",
        "2026-12-03/09/0000-cam-4.jpg", "2026-12-01/23/0000-cam-0.jpg",
    };

    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, names[i], 200), STORAGE_OK);
    }
    assert_int_equal(storage_used_total(&fixture->storage), 1000);

    /* The card is full: each new file evicts the oldest ones, in order. */
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "2026-12-04/00/0000-cam-5.jpg", 200),
                     STORAGE_OK);
    assert_false(exists(fixture, "media/2026-12-01/23/0000-cam-0.jpg"));
    assert_true(exists(fixture, "media/2026-12-01/23/5959-cam-1.jpg"));

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "2026-12-04/00/0001-cam-6.jpg", 400),
                     STORAGE_OK);
    assert_false(exists(fixture, "media/2026-12-01/23/5959-cam-1.jpg"));
    assert_false(exists(fixture, "media/2026-12-02/00/0000-cam-2.jpg"));
    assert_true(exists(fixture, "media/2026-12-03/09/0000-cam-4.jpg"));

    /* Folders left empty by eviction are gone too. */
    assert_false(exists(fixture, "media/2026-12-01"));
    assert_false(exists(fixture, "media/2026-12-02"));
    assert_int_equal(fixture->storage.evicted_files, 3);
    assert_int_equal(storage_used_total(&fixture->storage), 1000);
}

static void area_quota_evicts_only_its_own_files(void **state)
{
    storage_fixture_t *fixture = *state;
    storage_limits_t limits = s_small_card;

    limits.quota_bytes[STORAGE_AREA_MEDIA] = 300;
    open_card(fixture, &limits);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "2026-12-01.log", 100), STORAGE_OK);
    for (int i = 0; i < 3; i++) {
        char name[32];

        snprintf(name, sizeof name, "2026-12-0%d/00/0000-cam-%d.jpg", i + 1, i);
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, name, 100), STORAGE_OK);
    }

    /* A fourth media file exceeds the 300-byte quota, not the card: the oldest media file goes. */
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "2026-12-04/00/0000-cam-3.jpg", 100),
                     STORAGE_OK);
    assert_false(exists(fixture, "media/2026-12-01/00/0000-cam-0.jpg"));
    assert_true(exists(fixture, "logs/2026-12-01.log"));
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_MEDIA], 300);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_LOGS], 100);
}

static void file_above_quota_rejected_without_eviction(void **state)
{
    storage_fixture_t *fixture = *state;
    storage_limits_t limits = s_small_card;

    limits.quota_bytes[STORAGE_AREA_MEDIA] = 300;
    open_card(fixture, &limits);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "old.jpg", 100), STORAGE_OK);

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "big.jpg", 301), STORAGE_ERR_TOO_LARGE);
    assert_true(exists(fixture, "media/old.jpg"));
    assert_false(exists(fixture, "media/big.jpg"));
    assert_int_equal(fixture->storage.evicted_files, 0);
}

static void spool_never_evicted_when_card_full(void **state)
{
    storage_fixture_t *fixture = *state;
    char name[32];

    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "batch-%d.json", i);
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, name, 100), STORAGE_OK);
    }
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "2026-12-01.log", 100), STORAGE_OK);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "2026-12-01/00/0000-cam-1.jpg", 100),
                     STORAGE_OK);

    /* A spool write on the full card takes room from logs first, then media, never from the spool. */
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "batch-8.json", 100), STORAGE_OK);
    assert_false(exists(fixture, "logs/2026-12-01.log"));
    assert_true(exists(fixture, "media/2026-12-01/00/0000-cam-1.jpg"));
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "batch-9.json", 100), STORAGE_OK);
    assert_false(exists(fixture, "media/2026-12-01/00/0000-cam-1.jpg"));

    /* Only batches are left: the next write finds nothing to evict. */
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "batch-10.json", 100), STORAGE_ERR_FULL);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "2026-12-02/00/0000-cam-2.jpg", 100),
                     STORAGE_ERR_FULL);
    for (int i = 0; i < 10; i++) {
        snprintf(name, sizeof name, "spool/batch-%d.json", i);
        assert_true(exists(fixture, name));
    }
}

static void warning_fires_once_at_threshold(void **state)
{
    storage_fixture_t *fixture = *state;

    for (int i = 0; i < 8; i++) {
        char name[32];

        snprintf(name, sizeof name, "2026-12-01/00/000%d-cam-%d.jpg", i, i);
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, name, 100), STORAGE_OK);
    }
    assert_int_equal(fixture->warnings, 0);

    /* 900 of 1000 bytes: 90 percent, the default threshold. */
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "2026-12-01.log", 100), STORAGE_OK);
    assert_int_equal(fixture->warnings, 1);
    assert_int_equal(fixture->last_warning.used_bytes, 900);
    assert_int_equal(fixture->last_warning.capacity_bytes, 1000);
    assert_int_equal(fixture->last_warning.percent, 90);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "2026-12-02.log", 100), STORAGE_OK);
    assert_int_equal(fixture->warnings, 1);

    /* Down to 800 bytes (80 percent, below 90 - 5) re-arms it; 900 again fires it again. */
    assert_int_equal(storage_remove(&fixture->storage, STORAGE_AREA_LOGS, "2026-12-02.log"), STORAGE_OK);
    assert_int_equal(storage_remove(&fixture->storage, STORAGE_AREA_LOGS, "2026-12-01.log"), STORAGE_OK);
    assert_int_equal(fixture->warnings, 1);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "2026-12-03.log", 100), STORAGE_OK);
    assert_int_equal(fixture->warnings, 2);
}

static void usage_counted_again_after_restart(void **state)
{
    storage_fixture_t *fixture = *state;
    char path[512];
    FILE *file;

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, "2026-12-01/00/0000-cam-1.jpg", 150),
                     STORAGE_OK);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "batch-1.json", 50), STORAGE_OK);

    /* A write cut short by a power cut leaves a temporary file; a provisioning file sits at the root. */
    snprintf(path, sizeof path, "%s/media/2026-12-01/00/0001-cam-2.jpg.tmp", fixture->root);
    file = fopen(path, "w");
    assert_non_null(file);
    fputs("partial", file);
    fclose(file);
    snprintf(path, sizeof path, "%s/homebase.json", fixture->root);
    file = fopen(path, "w");
    assert_non_null(file);
    fputs("{}", file);
    fclose(file);

    open_card(fixture, &s_small_card);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_MEDIA], 200);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_SPOOL], 100);
    assert_int_equal(fixture->storage.other_bytes, 100);
    assert_false(exists(fixture, "media/2026-12-01/00/0001-cam-2.jpg.tmp"));
}

static void path_rule_rejects_escapes(void **state)
{
    storage_fixture_t *fixture = *state;
    static const char *const bad[] = {
        "", "../homebase.json", "a/../../x", "/etc/passwd", ".hidden", "a/.x", "a//b", "a/",
        "%2e%2e/x", "a\\b", "a/b/c/d/e", "a b", "x:y",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(storage_path_valid(bad[i]));
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, bad[i], 1), STORAGE_ERR_BAD_PATH);
    }
    assert_true(storage_path_valid("2026-12-04/22/1530-porch-cam-17.jpg"));
    assert_true(storage_path_valid("a.b/c_d/e-f"));
    assert_int_equal(storage_used_total(&fixture->storage), 0);
}

static void folder_holds_bounded_entries(void **state)
{
    storage_fixture_t *fixture = *state;
    storage_limits_t limits = { .capacity_bytes = 1u << 20, .cluster_bytes = 1 };
    char name[32];

    open_card(fixture, &limits);
    for (int i = 0; i < STORAGE_FOLDER_ENTRIES_MAX; i++) {
        snprintf(name, sizeof name, "day/f%03d", i);
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, name, 1), STORAGE_OK);
    }
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "day/one-more", 1),
                     STORAGE_ERR_FOLDER_FULL);
    assert_false(exists(fixture, "logs/day/one-more"));
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_LOGS, "other-day/f000", 1), STORAGE_OK);
}

static void rename_moves_within_area(void **state)
{
    storage_fixture_t *fixture = *state;
    char error[STORAGE_ERROR_LEN] = "";

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "old/batch-1.json", 50), STORAGE_OK);
    assert_int_equal(storage_rename(&fixture->storage, STORAGE_AREA_SPOOL, "old/batch-1.json",
                                    "new/0000/00/batch-1.json", error), STORAGE_OK);

    assert_true(exists(fixture, "spool/new/0000/00/batch-1.json"));
    assert_false(exists(fixture, "spool/old/batch-1.json"));
    /* The emptied folder goes with the file; the bytes stay counted once. */
    assert_false(exists(fixture, "spool/old"));
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_SPOOL], 100);
}

static void rename_rejects_bad_requests(void **state)
{
    storage_fixture_t *fixture = *state;
    char error[STORAGE_ERROR_LEN] = "";

    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "a.json", 10), STORAGE_OK);
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "b.json", 10), STORAGE_OK);

    assert_int_equal(storage_rename(&fixture->storage, STORAGE_AREA_SPOOL, "a.json", "b.json", error),
                     STORAGE_ERR_EXISTS);
    assert_non_null(strstr(error, "exists already"));
    assert_int_equal(storage_rename(&fixture->storage, STORAGE_AREA_SPOOL, "c.json", "d.json", error),
                     STORAGE_ERR_NOT_FOUND);
    assert_int_equal(storage_rename(&fixture->storage, STORAGE_AREA_SPOOL, "a.json", "../a.json",
                                    error), STORAGE_ERR_BAD_PATH);
    assert_true(exists(fixture, "spool/a.json"));
    assert_true(exists(fixture, "spool/b.json"));
}

static void room_check_counts_evictable_as_free(void **state)
{
    storage_fixture_t *fixture = *state;
    storage_limits_t limits = { .capacity_bytes = 1000, .cluster_bytes = 100 };

    limits.quota_bytes[STORAGE_AREA_SPOOL] = 300;
    open_card(fixture, &limits);

    /* Media fills most of the card, but a spool write would evict it, so the spool has room. */
    for (int i = 0; i < 6; i++) {
        char name[48];

        snprintf(name, sizeof name, "2026-12-01/00/000%d-cam-1.jpg", i);
        assert_int_equal(write_bytes(fixture, STORAGE_AREA_MEDIA, name, 100), STORAGE_OK);
    }
    assert_true(storage_has_room(&fixture->storage, STORAGE_AREA_SPOOL, 300));
    assert_false(storage_has_room(&fixture->storage, STORAGE_AREA_SPOOL, 301));

    /* The spool's own quota is the bound: two clusters used leave room for one more. */
    assert_int_equal(write_bytes(fixture, STORAGE_AREA_SPOOL, "batch-1.json", 200), STORAGE_OK);
    assert_true(storage_has_room(&fixture->storage, STORAGE_AREA_SPOOL, 100));
    assert_false(storage_has_room(&fixture->storage, STORAGE_AREA_SPOOL, 101));
    assert_int_equal(fixture->storage.evicted_files, 0);
}

static void spool_temporary_removed_at_open(void **state)
{
    storage_fixture_t *fixture = *state;
    char error[STORAGE_ERROR_LEN] = "";

    /* A write cut short: the file under its temporary name, as hb_file_write_path_atomic makes it. */
    assert_int_equal(storage_write(&fixture->storage, STORAGE_AREA_SPOOL, "next-seq.tmp", "4", 1, false,
                                   error), STORAGE_OK);

    open_card(fixture, &s_small_card);
    assert_false(exists(fixture, "spool/next-seq.tmp"));
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_SPOOL], 0);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(written_file_reads_back_without_temporary, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(existing_file_not_overwritten, storage_setup, storage_teardown),
        cmocka_unit_test_setup_teardown(replacement_counts_new_size_only, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(full_card_evicts_oldest_first, storage_setup, storage_teardown),
        cmocka_unit_test_setup_teardown(area_quota_evicts_only_its_own_files, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(file_above_quota_rejected_without_eviction, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(spool_never_evicted_when_card_full, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(warning_fires_once_at_threshold, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(usage_counted_again_after_restart, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(path_rule_rejects_escapes, storage_setup, storage_teardown),
        cmocka_unit_test_setup_teardown(folder_holds_bounded_entries, storage_setup, storage_teardown),
        cmocka_unit_test_setup_teardown(rename_moves_within_area, storage_setup, storage_teardown),
        cmocka_unit_test_setup_teardown(rename_rejects_bad_requests, storage_setup, storage_teardown),
        cmocka_unit_test_setup_teardown(room_check_counts_evictable_as_free, storage_setup,
                                        storage_teardown),
        cmocka_unit_test_setup_teardown(spool_temporary_removed_at_open, storage_setup,
                                        storage_teardown),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
