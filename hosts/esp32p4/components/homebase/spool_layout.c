#include "spool_layout.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_log.h"

#define BATCH_PREFIX "batch-"
#define REJECTED_PREFIX "rejected-batch-"
#define BATCH_SUFFIX ".json"

typedef bool (*name_parser_fn)(const char *name, uint32_t *value);

void spool_layout_relative(const char *top, uint32_t seq, char out[SPOOL_RELATIVE_LEN])
{
    snprintf(out, SPOOL_RELATIVE_LEN, "%s/%04x/%02x/" BATCH_PREFIX "%u" BATCH_SUFFIX, top,
             (unsigned)(seq >> 16), (unsigned)((seq >> 8) & 0xffu), (unsigned)seq);
}

/* Parses exactly `digits` lower-case hex digits, the form spool_layout_relative writes. */
static bool parse_hex(const char *name, size_t digits, uint32_t *value)
{
    uint32_t result = 0;

    if (strlen(name) != digits) {
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        char c = name[i];

        if (c >= '0' && c <= '9') {
            result = result * 16 + (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            result = result * 16 + (uint32_t)(c - 'a' + 10);
        } else {
            return false;
        }
    }
    *value = result;
    return true;
}

static bool parse_range_folder(const char *name, uint32_t *value)
{
    return parse_hex(name, 4, value);
}

static bool parse_inner_folder(const char *name, uint32_t *value)
{
    return parse_hex(name, 2, value);
}

/* Parses "<prefix><seq>.json" with a decimal seq of at most 10 digits and no leading zeros. */
static bool parse_prefixed_seq(const char *name, const char *prefix, uint32_t *seq)
{
    size_t prefix_len = strlen(prefix);
    size_t suffix_len = sizeof BATCH_SUFFIX - 1;
    size_t len = strlen(name);
    size_t digits;
    uint64_t value = 0;

    if (len <= prefix_len + suffix_len || strncmp(name, prefix, prefix_len) != 0 ||
        strcmp(name + len - suffix_len, BATCH_SUFFIX) != 0) {
        return false;
    }
    digits = len - prefix_len - suffix_len;
    if (digits > 10) {
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        char c = name[prefix_len + i];

        if (c < '0' || c > '9' || (i == 0 && c == '0' && digits > 1)) {
            return false;
        }
        value = value * 10 + (uint64_t)(c - '0');
    }
    if (value > UINT32_MAX) {
        return false;
    }
    *seq = (uint32_t)value;
    return true;
}

static bool parse_batch_name(const char *name, uint32_t *seq)
{
    return parse_prefixed_seq(name, BATCH_PREFIX, seq);
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t left = *(const uint32_t *)a;
    uint32_t right = *(const uint32_t *)b;

    return left < right ? -1 : left > right;
}

/* Keeps the SPOOL_BATCHES_PER_FOLDER lowest values: a folder of the layout never contains more, so
 * the replacement only matters for a folder filled by hand. */
static void keep_lowest(uint32_t *values, size_t *count, uint32_t value)
{
    size_t highest = 0;

    if (*count < SPOOL_BATCHES_PER_FOLDER) {
        values[(*count)++] = value;
        return;
    }
    for (size_t i = 1; i < *count; i++) {
        if (values[i] > values[highest]) {
            highest = i;
        }
    }
    if (value < values[highest]) {
        values[highest] = value;
    }
}

/* Reads the names of `path` that `parse` accepts, as numbers in ascending order. */
static size_t read_sorted(const char *path, name_parser_fn parse, uint32_t *values)
{
    DIR *folder = opendir(path);
    struct dirent *entry;
    size_t count = 0;

    if (folder == NULL) {
        return 0;
    }
    while ((entry = readdir(folder)) != NULL) {
        uint32_t value;

        if (parse(entry->d_name, &value)) {
            keep_lowest(values, &count, value);
        }
    }
    closedir(folder);
    qsort(values, count, sizeof values[0], compare_u32);
    return count;
}

/* Visits the batches of one innermost folder; false when the visitor stopped the walk. */
static bool walk_inner(spool_t *spool, const char *path, uint32_t first_seq, spool_visit_fn visit,
                       void *ctx)
{
    uint32_t *seqs = spool->scratch[2];
    size_t count = read_sorted(path, parse_batch_name, seqs);

    for (size_t i = 0; i < count; i++) {
        /* A batch filed under another folder would break the order; it is left where it is. */
        if ((seqs[i] & ~0xffu) != first_seq) {
            continue;
        }
        if (!visit(ctx, seqs[i])) {
            return false;
        }
    }
    return true;
}

void spool_layout_walk(spool_t *spool, spool_visit_fn visit, void *ctx)
{
    char path[SPOOL_PATH_LEN + SPOOL_RELATIVE_LEN];
    uint32_t *ranges = spool->scratch[0];
    uint32_t *inners = spool->scratch[1];
    size_t range_count;

    snprintf(path, sizeof path, "%s/" SPOOL_BATCHES_FOLDER, spool->dir);
    range_count = read_sorted(path, parse_range_folder, ranges);

    for (size_t r = 0; r < range_count; r++) {
        size_t inner_count;

        snprintf(path, sizeof path, "%s/" SPOOL_BATCHES_FOLDER "/%04x", spool->dir,
                 (unsigned)ranges[r]);
        inner_count = read_sorted(path, parse_inner_folder, inners);

        for (size_t i = 0; i < inner_count; i++) {
            uint32_t first_seq = (ranges[r] << 16) | (inners[i] << 8);

            snprintf(path, sizeof path, "%s/" SPOOL_BATCHES_FOLDER "/%04x/%02x", spool->dir,
                     (unsigned)ranges[r], (unsigned)inners[i]);
            if (!walk_inner(spool, path, first_seq, visit, ctx)) {
                return;
            }
        }
    }
}

/* Moves one flat-layout file; true when it moved. */
static bool migrate_one(spool_t *spool, const char *name)
{
    char target[SPOOL_RELATIVE_LEN];
    char error[STORAGE_ERROR_LEN] = "";
    uint32_t seq;
    int result;

    if (parse_prefixed_seq(name, BATCH_PREFIX, &seq)) {
        spool_layout_relative(SPOOL_BATCHES_FOLDER, seq, target);
    } else if (parse_prefixed_seq(name, REJECTED_PREFIX, &seq)) {
        spool_layout_relative(SPOOL_REJECTED_FOLDER, seq, target);
    } else {
        return false;
    }

    result = storage_rename(spool->storage, STORAGE_AREA_SPOOL, name, target, error);
    if (result != STORAGE_OK) {
        hb_log(HB_LOG_ERROR, "spooled batch not moved to the folder layout: file=%s error=%s", name,
               error);
        return false;
    }
    return true;
}

/* One pass over the spool folder. POSIX leaves open whether readdir returns an entry renamed away
 * during the walk, so the caller repeats passes until one moves nothing. */
static uint32_t migrate_pass(spool_t *spool)
{
    DIR *folder = opendir(spool->dir);
    struct dirent *entry;
    uint32_t moved = 0;

    if (folder == NULL) {
        return 0;
    }
    while ((entry = readdir(folder)) != NULL) {
        moved += migrate_one(spool, entry->d_name) ? 1 : 0;
    }
    closedir(folder);
    return moved;
}

uint32_t spool_layout_migrate_flat(spool_t *spool)
{
    uint32_t total = 0;
    uint32_t moved;

    /* Each pass that moves something leaves fewer flat files, so the loop ends. */
    while ((moved = migrate_pass(spool)) > 0) {
        total += moved;
    }
    return total;
}
