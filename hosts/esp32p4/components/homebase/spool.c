#include "spool.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_log.h"
#include "spool_layout.h"

#define NEXT_SEQ_FILE "next-seq"
/* "4294967295\n" and a NUL. */
#define NEXT_SEQ_TEXT_LEN 12

static bool note_highest(void *ctx, uint32_t seq)
{
    spool_t *spool = ctx;

    spool->batch_count++;
    spool->highest_seq = seq;
    spool->highest_seq_found = true;
    return true;
}

int spool_open(spool_t *spool, storage_t *storage, char *error)
{
    memset(spool, 0, sizeof *spool);
    spool->storage = storage;
    if (!storage_area_path(storage, STORAGE_AREA_SPOOL, spool->dir, sizeof spool->dir)) {
        snprintf(error, SPOOL_ERROR_LEN, "spool path is longer than %d characters",
                 SPOOL_PATH_LEN - 1);
        return -1;
    }

    spool->migrated_count = spool_layout_migrate_flat(spool);
    if (spool->migrated_count > 0) {
        hb_log(HB_LOG_INFO, "spool moved to the folder layout: batches=%u",
               (unsigned)spool->migrated_count);
    }

    /* The walk is in ascending order, so the last seq it visits is the highest. */
    spool_layout_walk(spool, note_highest, spool);
    return 0;
}

bool spool_has_room(const spool_t *spool, size_t len)
{
    /* The next-seq file takes a cluster of its own the first time it is written. */
    return storage_has_room(spool->storage, STORAGE_AREA_SPOOL,
                            storage_cost(spool->storage, len) + NEXT_SEQ_TEXT_LEN);
}

int spool_write(spool_t *spool, uint32_t seq, const char *json, size_t len, char *error)
{
    char relative[SPOOL_RELATIVE_LEN];
    char storage_error[STORAGE_ERROR_LEN] = "";
    int result;

    spool_layout_relative(SPOOL_BATCHES_FOLDER, seq, relative);
    result = storage_write(spool->storage, STORAGE_AREA_SPOOL, relative, json, len, false,
                           storage_error);
    if (result != STORAGE_OK) {
        snprintf(error, SPOOL_ERROR_LEN, "batch %u not spooled: %.360s", (unsigned)seq,
                 storage_error);
        return result;
    }
    spool->batch_count++;
    return STORAGE_OK;
}

int spool_read(spool_t *spool, uint32_t seq, char **json, size_t *len)
{
    char relative[SPOOL_RELATIVE_LEN];
    uint8_t *bytes = NULL;
    size_t read_len = 0;
    char *text;

    spool_layout_relative(SPOOL_BATCHES_FOLDER, seq, relative);
    if (storage_read(spool->storage, STORAGE_AREA_SPOOL, relative, &bytes, &read_len,
                     SPOOL_FILE_MAX_BYTES) != STORAGE_OK) {
        return -1;
    }

    /* The uplink takes a C string. */
    text = realloc(bytes, read_len + 1);
    if (text == NULL) {
        free(bytes);
        return -1;
    }
    text[read_len] = '\0';
    *json = text;
    *len = read_len;
    return 0;
}

static void forget_batch(spool_t *spool)
{
    if (spool->batch_count > 0) {
        spool->batch_count--;
    }
}

int spool_remove(spool_t *spool, uint32_t seq)
{
    char relative[SPOOL_RELATIVE_LEN];

    spool_layout_relative(SPOOL_BATCHES_FOLDER, seq, relative);
    if (storage_remove(spool->storage, STORAGE_AREA_SPOOL, relative) != STORAGE_OK) {
        return -1;
    }
    forget_batch(spool);
    return 0;
}

int spool_set_aside(spool_t *spool, uint32_t seq)
{
    char relative[SPOOL_RELATIVE_LEN];
    char aside[SPOOL_RELATIVE_LEN];
    char error[STORAGE_ERROR_LEN] = "";

    spool_layout_relative(SPOOL_BATCHES_FOLDER, seq, relative);
    spool_layout_relative(SPOOL_REJECTED_FOLDER, seq, aside);
    if (storage_rename(spool->storage, STORAGE_AREA_SPOOL, relative, aside, error) != STORAGE_OK) {
        hb_log(HB_LOG_ERROR, "rejected batch not moved: seq=%u error=%s", (unsigned)seq, error);
        return -1;
    }
    forget_batch(spool);
    return 0;
}

typedef struct {
    uint32_t *seqs;
    size_t cap;
    size_t count;
} list_state_t;

static bool collect_seq(void *ctx, uint32_t seq)
{
    list_state_t *list = ctx;

    list->seqs[list->count++] = seq;
    return list->count < list->cap;
}

size_t spool_list(spool_t *spool, uint32_t *seqs, size_t cap)
{
    list_state_t list = { .seqs = seqs, .cap = cap, .count = 0 };

    if (cap == 0) {
        return 0;
    }
    spool_layout_walk(spool, collect_seq, &list);

    /* A walk that stopped short of `cap` saw every batch, so it corrects a count that files removed
     * by hand (or a card pulled out) made wrong. */
    if (list.count < cap) {
        spool->batch_count = (uint32_t)list.count;
    }
    return list.count;
}

uint32_t spool_count(const spool_t *spool)
{
    return spool->batch_count;
}

/* Reads the decimal text of next-seq, one trailing newline allowed. Returns false for anything
 * else, such as "12abc", an empty file or a value above UINT32_MAX. */
static bool parse_next_seq(const char *text, unsigned long *out)
{
    char *end = NULL;

    if (text[0] < '0' || text[0] > '9') {
        return false;
    }
    errno = 0;
    *out = strtoul(text, &end, 10);
    if (*end == '\n') {
        end++;
    }
    return errno == 0 && *end == '\0' && *out <= UINT32_MAX;
}

uint32_t spool_load_next_seq(spool_t *spool)
{
    uint8_t *bytes = NULL;
    size_t len = 0;
    char text[NEXT_SEQ_TEXT_LEN];
    unsigned long stored = 0;
    uint32_t next_seq;
    int status = storage_read(spool->storage, STORAGE_AREA_SPOOL, NEXT_SEQ_FILE, &bytes, &len,
                              sizeof text - 1);

    if (status == STORAGE_OK) {
        memcpy(text, bytes, len);
        text[len] = '\0';
    }
    free(bytes);

    /* A malformed next-seq does not stop the start: the batch floor in replay-state.bin raises the
     * seq again once it is restored (docs/protocol.md section 10.3), so no seq is used twice. */
    if ((status == STORAGE_OK && !parse_next_seq(text, &stored)) ||
        (status != STORAGE_OK && status != STORAGE_ERR_NOT_FOUND)) {
        hb_log(HB_LOG_WARN, "spool: %s is unreadable or malformed; ignored, the replay state's "
               "batch floor and the spooled batches give the next batch seq", NEXT_SEQ_FILE);
        stored = 0;
    }
    next_seq = (uint32_t)stored;

    /* A crash between writing a batch and storing the next seq leaves the batch as the record. */
    if (spool->highest_seq_found && spool->highest_seq != UINT32_MAX &&
        spool->highest_seq + 1 > next_seq) {
        next_seq = spool->highest_seq + 1;
    }
    return next_seq;
}

int spool_store_next_seq(spool_t *spool, uint32_t next_seq)
{
    char text[NEXT_SEQ_TEXT_LEN];
    char error[STORAGE_ERROR_LEN] = "";
    int len = snprintf(text, sizeof text, "%u\n", (unsigned)next_seq);

    if (storage_write(spool->storage, STORAGE_AREA_SPOOL, NEXT_SEQ_FILE, text, (size_t)len, true,
                      error) != STORAGE_OK) {
        hb_log(HB_LOG_ERROR, "next batch seq not stored: next_seq=%u error=%s", (unsigned)next_seq,
               error);
        return -1;
    }
    return 0;
}
