#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hb_file.h"
#include "hb_log.h"
#include "storage_walk.h"

#define SEGMENT_LEN_MAX 64
/* Room for the root, an area name, a relative path and a ".tmp" suffix. */
#define FULL_PATH_LEN (STORAGE_PATH_LEN + STORAGE_RELATIVE_LEN + 32)

static const char *const s_area_names[STORAGE_AREA_COUNT] = { "media", "spool", "logs" };

/* The areas a full card evicts from, in order, after the writing area itself. */
static const storage_area_t s_evict_order[] = { STORAGE_AREA_LOGS, STORAGE_AREA_MEDIA };

const char *storage_area_name(storage_area_t area)
{
    return area < STORAGE_AREA_COUNT ? s_area_names[area] : "?";
}

static bool is_evictable(storage_area_t area)
{
    return area != STORAGE_AREA_SPOOL;
}

bool storage_path_valid(const char *relative)
{
    size_t len = strlen(relative);
    size_t segment_len = 0;
    unsigned segments = 1;

    if (len == 0 || len > STORAGE_RELATIVE_LEN) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = relative[i];
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '.';

        if (c == '/') {
            if (segment_len == 0 || ++segments > STORAGE_DEPTH_MAX) {
                return false;
            }
            segment_len = 0;
            continue;
        }
        /* A leading dot would allow "." and ".." and hidden names. */
        if (!allowed || (segment_len == 0 && c == '.') || ++segment_len > SEGMENT_LEN_MAX) {
            return false;
        }
    }
    return segment_len > 0;
}

void storage_default_limits(storage_limits_t *limits, uint64_t capacity_bytes, uint32_t cluster_bytes)
{
    memset(limits, 0, sizeof *limits);
    limits->capacity_bytes = capacity_bytes;
    limits->cluster_bytes = cluster_bytes;
    limits->warn_percent = STORAGE_WARN_PERCENT_DEFAULT;
    limits->quota_bytes[STORAGE_AREA_MEDIA] = capacity_bytes / 100 * STORAGE_MEDIA_QUOTA_PERCENT;
    limits->quota_bytes[STORAGE_AREA_SPOOL] = capacity_bytes / 100 * STORAGE_SPOOL_QUOTA_PERCENT;
    limits->quota_bytes[STORAGE_AREA_LOGS] = capacity_bytes / 100 * STORAGE_LOGS_QUOTA_PERCENT;
}

static void area_dir(const storage_t *storage, storage_area_t area, char out[FULL_PATH_LEN])
{
    snprintf(out, FULL_PATH_LEN, "%s/%s", storage->root, s_area_names[area]);
}

static void file_path(const storage_t *storage, storage_area_t area, const char *relative,
                      char out[FULL_PATH_LEN])
{
    snprintf(out, FULL_PATH_LEN, "%s/%s/%s", storage->root, s_area_names[area], relative);
}

uint64_t storage_cost(const storage_t *storage, uint64_t len)
{
    uint64_t cluster = storage->limits.cluster_bytes == 0 ? 1 : storage->limits.cluster_bytes;

    return (len + cluster - 1) / cluster * cluster;
}

uint64_t storage_used_total(const storage_t *storage)
{
    uint64_t total = storage->other_bytes;

    for (size_t i = 0; i < STORAGE_AREA_COUNT; i++) {
        total += storage->used_bytes[i];
    }
    return total;
}

static uint32_t used_percent(const storage_t *storage)
{
    uint64_t capacity = storage->limits.capacity_bytes;

    return capacity == 0 ? 100 : (uint32_t)(storage_used_total(storage) * 100 / capacity);
}

/* Fires the warning once per crossing of the threshold (see STORAGE_WARN_REARM_GAP_PERCENT). */
static void check_warning(storage_t *storage)
{
    uint32_t percent = used_percent(storage);
    uint32_t threshold = storage->limits.warn_percent;
    storage_warning_t warning;

    if (storage->warning_active) {
        if (percent + STORAGE_WARN_REARM_GAP_PERCENT < threshold) {
            storage->warning_active = false;
        }
        return;
    }
    if (percent < threshold) {
        return;
    }
    storage->warning_active = true;
    hb_log(HB_LOG_WARN, "sd card nearly full: used=%llu capacity=%llu percent=%u threshold=%u",
           (unsigned long long)storage_used_total(storage),
           (unsigned long long)storage->limits.capacity_bytes, (unsigned)percent, (unsigned)threshold);
    if (storage->on_warning != NULL) {
        warning.used_bytes = storage_used_total(storage);
        warning.capacity_bytes = storage->limits.capacity_bytes;
        warning.percent = percent;
        storage->on_warning(storage->on_warning_ctx, &warning);
    }
}

static int make_folder(const char *path, char *error)
{
    struct stat info;

    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        snprintf(error, STORAGE_ERROR_LEN, "cannot create folder %s: %s", path, strerror(errno));
        return -1;
    }
    if (stat(path, &info) != 0 || !S_ISDIR(info.st_mode)) {
        snprintf(error, STORAGE_ERROR_LEN, "%s is not a folder", path);
        return -1;
    }
    return 0;
}

/* Counts every file under the root: each area's folder into its area, the rest as other bytes. */
static void count_usage(storage_t *storage)
{
    char path[FULL_PATH_LEN];
    uint64_t everything = storage_walk_usage(storage->root, storage->limits.cluster_bytes, false);
    uint64_t in_areas = 0;

    for (size_t i = 0; i < STORAGE_AREA_COUNT; i++) {
        area_dir(storage, (storage_area_t)i, path);
        storage->used_bytes[i] = storage_walk_usage(path, storage->limits.cluster_bytes, false);
        in_areas += storage->used_bytes[i];
    }
    storage->other_bytes = everything > in_areas ? everything - in_areas : 0;
}

int storage_open(storage_t *storage, const char *root, const storage_limits_t *limits, char *error)
{
    char path[FULL_PATH_LEN];

    memset(storage, 0, sizeof *storage);
    if (strlen(root) >= STORAGE_PATH_LEN) {
        snprintf(error, STORAGE_ERROR_LEN, "card path is longer than %d characters",
                 STORAGE_PATH_LEN - 1);
        return -1;
    }
    if (limits->capacity_bytes == 0 || limits->warn_percent > 100) {
        snprintf(error, STORAGE_ERROR_LEN, "card capacity must be above 0 and the warning percent "
                 "at most 100 (got %llu bytes, %u percent)",
                 (unsigned long long)limits->capacity_bytes, (unsigned)limits->warn_percent);
        return -1;
    }
    strcpy(storage->root, root);
    storage->limits = *limits;
    if (storage->limits.warn_percent == 0) {
        storage->limits.warn_percent = STORAGE_WARN_PERCENT_DEFAULT;
    }
    if (make_folder(root, error) != 0) {
        return -1;
    }

    /* A ".tmp" file is a write that a power cut stopped before its rename: nothing reads it. The
     * spool's state files (hb_file.c) use the same suffix, so the spool is cleaned too. */
    for (size_t i = 0; i < STORAGE_AREA_COUNT; i++) {
        area_dir(storage, (storage_area_t)i, path);
        if (make_folder(path, error) != 0) {
            return -1;
        }
        storage_walk_usage(path, 1, true);
    }
    count_usage(storage);
    return 0;
}

void storage_set_warning(storage_t *storage, storage_warning_fn on_warning, void *ctx)
{
    storage->on_warning = on_warning;
    storage->on_warning_ctx = ctx;
    check_warning(storage);
}

/* Drops a removed file's bytes. The warning is checked by the callers once their whole change is
 * done, so evictions inside a write on a full card do not re-arm it and fire it again each time. */
static void forget_bytes(storage_t *storage, storage_area_t area, uint64_t cost)
{
    storage->used_bytes[area] = storage->used_bytes[area] > cost ? storage->used_bytes[area] - cost : 0;
}

/* Removes the folders that the deleted file at `path` left empty, up to the area's own folder. */
static void remove_empty_parents(const storage_t *storage, storage_area_t area, const char *path)
{
    char area_path[FULL_PATH_LEN];
    char folder[FULL_PATH_LEN];
    char *slash;

    area_dir(storage, area, area_path);
    snprintf(folder, sizeof folder, "%s", path);
    while ((slash = strrchr(folder, '/')) != NULL) {
        *slash = '\0';
        if (strcmp(folder, area_path) == 0 || rmdir(folder) != 0) {
            return;
        }
    }
}

int storage_evict_oldest(storage_t *storage, storage_area_t area)
{
    char dir[FULL_PATH_LEN];
    char oldest[FULL_PATH_LEN];
    struct stat info;

    if (area >= STORAGE_AREA_COUNT || !is_evictable(area)) {
        return STORAGE_ERR_NOT_FOUND;
    }
    area_dir(storage, area, dir);
    if (!storage_walk_oldest(dir, oldest, sizeof oldest) || stat(oldest, &info) != 0) {
        return STORAGE_ERR_NOT_FOUND;
    }
    if (unlink(oldest) != 0) {
        hb_log(HB_LOG_ERROR, "sd card eviction failed: path=%s error=%s", oldest, strerror(errno));
        return STORAGE_ERR_IO;
    }
    remove_empty_parents(storage, area, oldest);
    storage->evicted_files++;
    hb_log(HB_LOG_INFO, "sd card file evicted: path=%s bytes=%llu", oldest,
           (unsigned long long)info.st_size);
    forget_bytes(storage, area, storage_cost(storage, (uint64_t)info.st_size));
    return STORAGE_OK;
}

/* Evicts until `cost` more bytes fit the area's quota and the card. `freed` is what the write
 * itself frees (the old file of a replacement). */
static int make_room(storage_t *storage, storage_area_t area, uint64_t cost, uint64_t freed,
                     char *error)
{
    uint64_t quota = storage->limits.quota_bytes[area];

    while (quota != 0 && storage->used_bytes[area] - freed + cost > quota) {
        if (storage_evict_oldest(storage, area) != STORAGE_OK) {
            snprintf(error, STORAGE_ERROR_LEN, "%s quota of %llu bytes is full and nothing in it "
                     "may be evicted", s_area_names[area], (unsigned long long)quota);
            return STORAGE_ERR_FULL;
        }
    }
    while (storage_used_total(storage) - freed + cost > storage->limits.capacity_bytes) {
        bool evicted = storage_evict_oldest(storage, area) == STORAGE_OK;

        for (size_t i = 0; !evicted && i < sizeof s_evict_order / sizeof s_evict_order[0]; i++) {
            evicted = storage_evict_oldest(storage, s_evict_order[i]) == STORAGE_OK;
        }
        if (!evicted) {
            snprintf(error, STORAGE_ERROR_LEN, "sd card of %llu bytes is full and nothing on it may "
                     "be evicted", (unsigned long long)storage->limits.capacity_bytes);
            return STORAGE_ERR_FULL;
        }
    }
    return STORAGE_OK;
}

/* Fails when `folder` already contains STORAGE_FOLDER_ENTRIES_MAX entries. */
static int check_entry_room(const char *folder, char *error)
{
    if (storage_walk_entry_count(folder) >= STORAGE_FOLDER_ENTRIES_MAX) {
        /* The precision keeps the whole message inside the buffer for the longest folder path. */
        snprintf(error, STORAGE_ERROR_LEN, "folder %.300s already holds %d entries", folder,
                 STORAGE_FOLDER_ENTRIES_MAX);
        return STORAGE_ERR_FOLDER_FULL;
    }
    return STORAGE_OK;
}

/* Creates the folders of `relative` below the area, each within the folder entry bound, and checks
 * that the last folder has room for one more file. */
static int make_parents(storage_t *storage, storage_area_t area, const char *relative, char *error)
{
    char folder[FULL_PATH_LEN];
    const char *segment = relative;
    const char *slash;
    struct stat info;

    area_dir(storage, area, folder);
    while ((slash = strchr(segment, '/')) != NULL) {
        size_t folder_len = strlen(folder);
        int result;

        snprintf(folder + folder_len, sizeof folder - folder_len, "/%.*s", (int)(slash - segment),
                 segment);
        if (stat(folder, &info) != 0) {
            folder[folder_len] = '\0';
            result = check_entry_room(folder, error);
            if (result != STORAGE_OK) {
                return result;
            }
            snprintf(folder + folder_len, sizeof folder - folder_len, "/%.*s",
                     (int)(slash - segment), segment);
            if (make_folder(folder, error) != 0) {
                return STORAGE_ERR_IO;
            }
        }
        segment = slash + 1;
    }
    return check_entry_room(folder, error);
}

/* Checks the path, the size bounds and an existing file. Sets `old_cost` for a replacement. */
static int check_write(storage_t *storage, storage_area_t area, const char *relative, uint64_t cost,
                       bool replace, uint64_t *old_cost, char *error)
{
    char path[FULL_PATH_LEN];
    uint64_t quota;
    struct stat info;

    if (area >= STORAGE_AREA_COUNT || !storage_path_valid(relative)) {
        snprintf(error, STORAGE_ERROR_LEN, "invalid storage path %.*s", STORAGE_RELATIVE_LEN + 1,
                 relative);
        return STORAGE_ERR_BAD_PATH;
    }
    quota = storage->limits.quota_bytes[area];
    if ((quota != 0 && cost > quota) || cost > storage->limits.capacity_bytes) {
        snprintf(error, STORAGE_ERROR_LEN, "file of %llu bytes on the card exceeds the %s quota "
                 "(%llu) or the card (%llu)", (unsigned long long)cost, s_area_names[area],
                 (unsigned long long)quota, (unsigned long long)storage->limits.capacity_bytes);
        return STORAGE_ERR_TOO_LARGE;
    }

    *old_cost = 0;
    file_path(storage, area, relative, path);
    if (stat(path, &info) == 0) {
        if (!replace) {
            snprintf(error, STORAGE_ERROR_LEN, "%s/%s exists already", s_area_names[area], relative);
            return STORAGE_ERR_EXISTS;
        }
        *old_cost = storage_cost(storage, (uint64_t)info.st_size);
    }
    return STORAGE_OK;
}

int storage_write(storage_t *storage, storage_area_t area, const char *relative, const void *bytes,
                  size_t len, bool replace, char *error)
{
    char path[FULL_PATH_LEN];
    uint64_t cost = storage_cost(storage, len);
    uint64_t old_cost = 0;
    struct stat info;
    bool exists;
    int result = check_write(storage, area, relative, cost, replace, &old_cost, error);

    if (result != STORAGE_OK) {
        return result;
    }
    result = make_room(storage, area, cost, old_cost, error);
    if (result != STORAGE_OK) {
        return result;
    }

    /* Eviction may have taken the very file being replaced; then the write adds a new entry. */
    file_path(storage, area, relative, path);
    exists = stat(path, &info) == 0;
    old_cost = exists ? storage_cost(storage, (uint64_t)info.st_size) : 0;
    result = exists ? STORAGE_OK : make_parents(storage, area, relative, error);
    if (result != STORAGE_OK) {
        return result;
    }

    if (hb_file_write_path_atomic(path, bytes, len) != 0) {
        snprintf(error, STORAGE_ERROR_LEN, "cannot write %s: %s", path, strerror(errno));
        return STORAGE_ERR_IO;
    }

    storage->used_bytes[area] = storage->used_bytes[area] - old_cost + cost;
    check_warning(storage);
    return STORAGE_OK;
}

int storage_read(storage_t *storage, storage_area_t area, const char *relative, uint8_t **bytes,
                 size_t *len, size_t max_len)
{
    char path[FULL_PATH_LEN];
    struct stat info;
    uint8_t *buffer;
    FILE *file;

    if (area >= STORAGE_AREA_COUNT || !storage_path_valid(relative)) {
        return STORAGE_ERR_BAD_PATH;
    }
    file_path(storage, area, relative, path);
    if (stat(path, &info) != 0 || !S_ISREG(info.st_mode)) {
        return STORAGE_ERR_NOT_FOUND;
    }
    if ((uint64_t)info.st_size > max_len) {
        return STORAGE_ERR_TOO_LARGE;
    }

    buffer = malloc(info.st_size > 0 ? (size_t)info.st_size : 1);
    file = fopen(path, "rb");
    if (buffer == NULL || file == NULL ||
        fread(buffer, 1, (size_t)info.st_size, file) != (size_t)info.st_size) {
        free(buffer);
        if (file != NULL) {
            fclose(file);
        }
        return STORAGE_ERR_IO;
    }
    fclose(file);
    *bytes = buffer;
    *len = (size_t)info.st_size;
    return STORAGE_OK;
}

int storage_remove(storage_t *storage, storage_area_t area, const char *relative)
{
    char path[FULL_PATH_LEN];
    struct stat info;

    if (area >= STORAGE_AREA_COUNT || !storage_path_valid(relative)) {
        return STORAGE_ERR_BAD_PATH;
    }
    file_path(storage, area, relative, path);
    if (stat(path, &info) != 0 || !S_ISREG(info.st_mode)) {
        return STORAGE_ERR_NOT_FOUND;
    }
    if (unlink(path) != 0) {
        return STORAGE_ERR_IO;
    }
    hb_file_sync_folder_of(path);
    remove_empty_parents(storage, area, path);
    forget_bytes(storage, area, storage_cost(storage, (uint64_t)info.st_size));
    check_warning(storage);
    return STORAGE_OK;
}

int storage_rename(storage_t *storage, storage_area_t area, const char *from, const char *to,
                   char *error)
{
    char from_path[FULL_PATH_LEN];
    char to_path[FULL_PATH_LEN];
    struct stat info;
    int result;

    if (area >= STORAGE_AREA_COUNT || !storage_path_valid(from) || !storage_path_valid(to)) {
        snprintf(error, STORAGE_ERROR_LEN, "invalid storage path %.*s or %.*s",
                 STORAGE_RELATIVE_LEN + 1, from, STORAGE_RELATIVE_LEN + 1, to);
        return STORAGE_ERR_BAD_PATH;
    }
    file_path(storage, area, from, from_path);
    file_path(storage, area, to, to_path);
    if (stat(from_path, &info) != 0 || !S_ISREG(info.st_mode)) {
        snprintf(error, STORAGE_ERROR_LEN, "%s/%s not found", s_area_names[area], from);
        return STORAGE_ERR_NOT_FOUND;
    }
    if (stat(to_path, &info) == 0) {
        snprintf(error, STORAGE_ERROR_LEN, "%s/%s exists already", s_area_names[area], to);
        return STORAGE_ERR_EXISTS;
    }

    /* The new name's folders obey the entry bound like a new file's; the bytes stay in the area. */
    result = make_parents(storage, area, to, error);
    if (result != STORAGE_OK) {
        return result;
    }
    if (rename(from_path, to_path) != 0) {
        snprintf(error, STORAGE_ERROR_LEN, "cannot rename %.150s to %.150s: %s", from_path, to_path,
                 strerror(errno));
        return STORAGE_ERR_IO;
    }
    hb_file_sync_folder_of(to_path);
    hb_file_sync_folder_of(from_path);
    remove_empty_parents(storage, area, from_path);
    return STORAGE_OK;
}

bool storage_has_room(const storage_t *storage, storage_area_t area, uint64_t len)
{
    uint64_t cost = storage_cost(storage, len);
    uint64_t quota;
    uint64_t unevictable_bytes = storage_used_total(storage);

    if (area >= STORAGE_AREA_COUNT) {
        return false;
    }
    quota = storage->limits.quota_bytes[area];
    if (quota != 0 && cost > quota) {
        return false;
    }
    if (!is_evictable(area) && quota != 0 && storage->used_bytes[area] + cost > quota) {
        return false;
    }

    /* Evictable bytes count as free, since a write would evict them. */
    for (size_t i = 0; i < STORAGE_AREA_COUNT; i++) {
        if (is_evictable((storage_area_t)i)) {
            unevictable_bytes -= storage->used_bytes[i];
        }
    }
    return unevictable_bytes + cost <= storage->limits.capacity_bytes;
}

bool storage_area_path(const storage_t *storage, storage_area_t area, char *out, size_t cap)
{
    return area < STORAGE_AREA_COUNT &&
           snprintf(out, cap, "%s/%s", storage->root, s_area_names[area]) < (int)cap;
}
