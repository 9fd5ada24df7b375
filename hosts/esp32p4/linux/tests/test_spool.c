/* The spool on the storage adapter: durable writes in the folder layout of docs/sd-layout.md and
 * ordered listing across folders. Also the bound on entries per folder, quota accounting, a full
 * spool, deletion, the next seq after a restart, and the move from the flat layout. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "remove_tree.h"

/* A card of 64 MiB in exact bytes: the spool quota (20 percent) is far above what a test fills. */
#define ROOMY_CARD_BYTES (64u * 1024u * 1024u)
/* The spool batches written by the layout test: more than two innermost folders' worth. */
#define MANY_BATCHES 600u

typedef struct {
    char root[256];
    storage_t storage;
    spool_t spool;
} spool_fixture_t;

static void open_spool(spool_fixture_t *fixture, uint64_t capacity_bytes, uint32_t cluster_bytes)
{
    char error[SPOOL_ERROR_LEN] = "";
    storage_limits_t limits;

    storage_default_limits(&limits, capacity_bytes, cluster_bytes);
    if (storage_open(&fixture->storage, fixture->root, &limits, error) != 0) {
        fail_msg("storage_open failed: %s", error);
    }
    if (spool_open(&fixture->spool, &fixture->storage, error) != 0) {
        fail_msg("spool_open failed: %s", error);
    }
}

static int spool_setup(void **state)
{
    spool_fixture_t *fixture = calloc(1, sizeof *fixture);

    assert_non_null(fixture);
    test_make_temp_dir(fixture->root);
    open_spool(fixture, ROOMY_CARD_BYTES, 1);
    *state = fixture;
    return 0;
}

static int spool_teardown(void **state)
{
    spool_fixture_t *fixture = *state;

    test_remove_tree(fixture->root);
    free(fixture);
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[600];
    FILE *file;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    file = fopen(path, "w");
    assert_non_null(file);
    fputs(text, file);
    fclose(file);
}

static bool exists_in_spool(const spool_fixture_t *fixture, const char *relative)
{
    char path[600];

    snprintf(path, sizeof path, "%s/%s", fixture->spool.dir, relative);
    return access(path, F_OK) == 0;
}

static void write_batch(spool_fixture_t *fixture, uint32_t seq)
{
    char error[SPOOL_ERROR_LEN] = "";
    char json[64];
    int len = snprintf(json, sizeof json, "{\"batch_seq\":%u}", (unsigned)seq);

    if (spool_write(&fixture->spool, seq, json, (size_t)len, error) != STORAGE_OK) {
        fail_msg("batch %u not written: %s", (unsigned)seq, error);
    }
}

/* Returns the largest number of entries in any folder below `dir` (and `dir` itself). */
static size_t max_entries_below(const char *dir)
{
    DIR *folder = opendir(dir);
    struct dirent *entry;
    size_t count = 0;
    size_t max = 0;

    assert_non_null(folder);
    while ((entry = readdir(folder)) != NULL) {
        char path[600];
        struct stat info;
        size_t below;

        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) {
            continue;
        }
        count++;
        snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
        if (stat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
            below = max_entries_below(path);
            max = below > max ? below : max;
        }
    }
    closedir(folder);
    return count > max ? count : max;
}

static void batch_written_in_layout(void **state)
{
    spool_fixture_t *fixture = *state;
    const char json[] = "{\"batch_seq\":70000}";
    char *read_back = NULL;
    size_t len = 0;

    write_batch(fixture, 70000);

    /* 70000 = 0x11170: range folder 0x0001, innermost folder 0x11. */
    assert_true(exists_in_spool(fixture, "batches/0001/11/batch-70000.json"));
    assert_false(exists_in_spool(fixture, "batches/0001/11/batch-70000.json.tmp"));
    assert_int_equal(spool_count(&fixture->spool), 1);

    assert_int_equal(spool_read(&fixture->spool, 70000, &read_back, &len), 0);
    assert_int_equal(len, strlen(json));
    assert_string_equal(read_back, json);
    free(read_back);
}

static void list_sorted_across_folders(void **state)
{
    spool_fixture_t *fixture = *state;
    uint32_t seqs[8];

    write_batch(fixture, 65536);
    write_batch(fixture, 300);
    write_batch(fixture, 12);
    write_batch(fixture, 3);
    write_file(fixture->spool.dir, "batches/0000/00/batch-05.json", "{}");
    write_file(fixture->spool.dir, "batches/0000/00/batch-x.json", "{}");
    write_file(fixture->spool.dir, "batches/0000/00/notes.txt", "spool");
    /* Seq 9 belongs in batches/0000/00, so a copy in another folder is not listed. */
    write_file(fixture->spool.dir, "batches/0000/01/batch-9.json", "{}");

    assert_int_equal(spool_list(&fixture->spool, seqs, 8), 4);
    assert_int_equal(seqs[0], 3);
    assert_int_equal(seqs[1], 12);
    assert_int_equal(seqs[2], 300);
    assert_int_equal(seqs[3], 65536);

    assert_int_equal(spool_list(&fixture->spool, seqs, 2), 2);
    assert_int_equal(seqs[0], 3);
    assert_int_equal(seqs[1], 12);
}

static void folders_stay_within_bound(void **state)
{
    spool_fixture_t *fixture = *state;
    uint32_t seqs[4];

    for (uint32_t seq = 0; seq < MANY_BATCHES; seq++) {
        write_batch(fixture, seq);
    }

    assert_int_equal(spool_count(&fixture->spool), MANY_BATCHES);
    assert_true(max_entries_below(fixture->root) <= STORAGE_FOLDER_ENTRIES_MAX);
    assert_true(exists_in_spool(fixture, "batches/0000/00/batch-255.json"));
    assert_true(exists_in_spool(fixture, "batches/0000/01/batch-256.json"));
    assert_true(exists_in_spool(fixture, "batches/0000/02/batch-599.json"));

    assert_int_equal(spool_list(&fixture->spool, seqs, 4), 4);
    assert_int_equal(seqs[0], 0);
    assert_int_equal(seqs[3], 3);
}

static void list_continues_in_next_folder(void **state)
{
    spool_fixture_t *fixture = *state;
    uint32_t seqs[4];

    write_batch(fixture, 255);
    write_batch(fixture, 256);
    write_batch(fixture, 257);
    assert_int_equal(spool_remove(&fixture->spool, 255), 0);

    /* The emptied folder is removed with its last batch. */
    assert_false(exists_in_spool(fixture, "batches/0000/00"));
    assert_int_equal(spool_list(&fixture->spool, seqs, 4), 2);
    assert_int_equal(seqs[0], 256);
    assert_int_equal(seqs[1], 257);
}

static void usage_counted_in_spool_quota(void **state)
{
    spool_fixture_t *fixture = *state;
    const storage_t *storage = &fixture->storage;
    uint64_t before = storage->used_bytes[STORAGE_AREA_SPOOL];
    const char json[] = "{\"batch_seq\":4}";

    write_batch(fixture, 4);
    assert_int_equal(storage->used_bytes[STORAGE_AREA_SPOOL], before + strlen(json));

    assert_int_equal(spool_store_next_seq(&fixture->spool, 5), 0);
    assert_int_equal(storage->used_bytes[STORAGE_AREA_SPOOL], before + strlen(json) + strlen("5\n"));

    /* A batch set aside stays on the card, so it stays counted. */
    assert_int_equal(spool_set_aside(&fixture->spool, 4), 0);
    assert_int_equal(storage->used_bytes[STORAGE_AREA_SPOOL], before + strlen(json) + strlen("5\n"));
    assert_int_equal(storage->used_bytes[STORAGE_AREA_MEDIA], 0);
}

static void confirmed_batch_deleted(void **state)
{
    spool_fixture_t *fixture = *state;
    uint64_t before = fixture->storage.used_bytes[STORAGE_AREA_SPOOL];
    uint32_t seqs[4];

    write_batch(fixture, 1);
    write_batch(fixture, 2);
    assert_int_equal(spool_remove(&fixture->spool, 1), 0);

    assert_false(exists_in_spool(fixture, "batches/0000/00/batch-1.json"));
    assert_int_equal(spool_list(&fixture->spool, seqs, 4), 1);
    assert_int_equal(seqs[0], 2);
    assert_int_equal(spool_count(&fixture->spool), 1);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_SPOOL],
                     before + strlen("{\"batch_seq\":2}"));
    assert_int_equal(spool_remove(&fixture->spool, 1), -1);
}

static void set_aside_batch_kept_but_unlisted(void **state)
{
    spool_fixture_t *fixture = *state;
    uint32_t seqs[4];

    write_batch(fixture, 7);
    assert_int_equal(spool_set_aside(&fixture->spool, 7), 0);
    assert_int_equal(spool_list(&fixture->spool, seqs, 4), 0);
    assert_int_equal(spool_count(&fixture->spool), 0);

    assert_true(exists_in_spool(fixture, "rejected/0000/00/batch-7.json"));
    assert_false(exists_in_spool(fixture, "batches/0000/00"));
    assert_int_equal(spool_set_aside(&fixture->spool, 7), -1);
}

/* A card of 100000 bytes in clusters of 1000: the spool quota is 20000 bytes, 20 clusters. */
static void full_spool_keeps_batches(void **state)
{
    spool_fixture_t *fixture = *state;
    char error[SPOOL_ERROR_LEN] = "";
    uint32_t written = 0;
    int result = STORAGE_OK;

    test_remove_tree(fixture->root);
    open_spool(fixture, 100000, 1000);

    /* Each small batch takes one cluster, so exactly 20 fit. */
    while (result == STORAGE_OK && written < 100) {
        assert_true(spool_has_room(&fixture->spool, 10) || written >= 19);
        result = spool_write(&fixture->spool, written, "{\"n\":1}", 7, error);
        written += result == STORAGE_OK ? 1 : 0;
    }

    assert_int_equal(result, STORAGE_ERR_FULL);
    assert_int_equal(written, 20);
    assert_non_null(strstr(error, "spool quota"));
    assert_false(spool_has_room(&fixture->spool, 10));
    assert_int_equal(fixture->storage.evicted_files, 0);
    assert_int_equal(spool_count(&fixture->spool), 20);
    assert_true(exists_in_spool(fixture, "batches/0000/00/batch-0.json"));

    /* A confirmed batch makes room again. */
    assert_int_equal(spool_remove(&fixture->spool, 0), 0);
    assert_int_equal(spool_remove(&fixture->spool, 1), 0);
    assert_true(spool_has_room(&fixture->spool, 10));
}

static void reopened_spool_counts_and_continues(void **state)
{
    spool_fixture_t *fixture = *state;
    spool_t reopened;
    char error[SPOOL_ERROR_LEN] = "";
    uint32_t seqs[4];

    assert_int_equal(spool_load_next_seq(&fixture->spool), 0);
    assert_int_equal(spool_store_next_seq(&fixture->spool, 41), 0);
    write_batch(fixture, 300);
    write_batch(fixture, 40);

    assert_int_equal(spool_open(&reopened, &fixture->storage, error), 0);
    assert_int_equal(spool_count(&reopened), 2);
    assert_int_equal(spool_load_next_seq(&reopened), 301);
    assert_int_equal(spool_list(&reopened, seqs, 4), 2);
    assert_int_equal(seqs[0], 40);
    assert_int_equal(seqs[1], 300);

    /* Without batches above it, the stored next seq stands. */
    assert_int_equal(spool_remove(&reopened, 300), 0);
    assert_int_equal(spool_store_next_seq(&reopened, 301), 0);
    assert_int_equal(spool_open(&reopened, &fixture->storage, error), 0);
    assert_int_equal(spool_load_next_seq(&reopened), 301);
}

static void flat_layout_moved_at_open(void **state)
{
    spool_fixture_t *fixture = *state;
    char *json = NULL;
    size_t len = 0;
    uint32_t seqs[4];

    /* The files an earlier version left: flat batches, a rejected one, a cut-short write. */
    write_file(fixture->spool.dir, "batch-3.json", "{\"batch_seq\":3}");
    write_file(fixture->spool.dir, "batch-700.json", "{\"batch_seq\":700}");
    write_file(fixture->spool.dir, "rejected-batch-1.json", "{\"batch_seq\":1}");
    write_file(fixture->spool.dir, "batch-4.json.tmp", "{");
    write_file(fixture->spool.dir, "next-seq", "5\n");

    open_spool(fixture, ROOMY_CARD_BYTES, 1);

    assert_int_equal(fixture->spool.migrated_count, 3);
    assert_false(exists_in_spool(fixture, "batch-3.json"));
    assert_false(exists_in_spool(fixture, "batch-4.json.tmp"));
    assert_true(exists_in_spool(fixture, "batches/0000/00/batch-3.json"));
    assert_true(exists_in_spool(fixture, "batches/0000/02/batch-700.json"));
    assert_true(exists_in_spool(fixture, "rejected/0000/00/batch-1.json"));

    assert_int_equal(spool_list(&fixture->spool, seqs, 4), 2);
    assert_int_equal(seqs[0], 3);
    assert_int_equal(seqs[1], 700);
    assert_int_equal(spool_load_next_seq(&fixture->spool), 701);
    assert_int_equal(spool_read(&fixture->spool, 3, &json, &len), 0);
    assert_string_equal(json, "{\"batch_seq\":3}");
    free(json);
}

#define SPOOL_TEST(name) cmocka_unit_test_setup_teardown(name, spool_setup, spool_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        SPOOL_TEST(batch_written_in_layout),
        SPOOL_TEST(list_sorted_across_folders),
        SPOOL_TEST(folders_stay_within_bound),
        SPOOL_TEST(list_continues_in_next_folder),
        SPOOL_TEST(usage_counted_in_spool_quota),
        SPOOL_TEST(confirmed_batch_deleted),
        SPOOL_TEST(set_aside_batch_kept_but_unlisted),
        SPOOL_TEST(full_spool_keeps_batches),
        SPOOL_TEST(reopened_spool_counts_and_continues),
        SPOOL_TEST(flat_layout_moved_at_open),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
