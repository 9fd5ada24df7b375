/* The SD card adapter (docs/sd-layout.md): files under one root folder (the card's mount point; on
 * Linux any folder), written through a temporary name and a rename, with the bytes of each area
 * counted against its quota and against the card's capacity.
 *
 * The capacity is a setting rather than the file system's free space, so tests can fill a "card" of
 * a few kilobytes. Sizes are counted in whole clusters, as FAT allocates them. When a write does not
 * fit its area's quota or the card, the oldest files are evicted first (docs/sd-layout.md, Eviction);
 * "oldest" is the smallest path in byte order, because every evictable file name starts with its
 * date and time. The spool area is never evicted: its batches wait for the central server.
 *
 * Uses POSIX file calls (open, fsync, rename, opendir, mkdir), which ESP-IDF's VFS provides for FAT.
 * Not thread-safe: the home base calls it under its one lock. */
#ifndef STORAGE_H
#define STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORAGE_PATH_LEN 256
#define STORAGE_ERROR_LEN 400
/* A relative path inside an area: at most this many characters and STORAGE_DEPTH_MAX segments. */
#define STORAGE_RELATIVE_LEN 96
#define STORAGE_DEPTH_MAX 4
/* Entries (files and folders) one folder may hold. FAT has no index: every open or create reads the
 * folder's entries from its first one, so this bound keeps each lookup to a few sectors. */
#define STORAGE_FOLDER_ENTRIES_MAX 256
/* The card-full warning fires when usage reaches this percent of the capacity, and fires again only
 * after usage has dropped STORAGE_WARN_REARM_GAP_PERCENT below it. */
#define STORAGE_WARN_PERCENT_DEFAULT 90
#define STORAGE_WARN_REARM_GAP_PERCENT 5

typedef enum {
    STORAGE_AREA_MEDIA,
    STORAGE_AREA_SPOOL,
    STORAGE_AREA_LOGS,
    STORAGE_AREA_COUNT,
} storage_area_t;

/* Results; every failure leaves the card as it was, except for files evicted to make room. */
typedef enum {
    STORAGE_OK = 0,
    STORAGE_ERR_IO = -1,
    /* The relative path breaks the rule of storage_path_valid. */
    STORAGE_ERR_BAD_PATH = -2,
    /* Larger than the area's quota or the whole card: no eviction could make room. */
    STORAGE_ERR_TOO_LARGE = -3,
    /* Nothing left that may be evicted, and the file still does not fit. */
    STORAGE_ERR_FULL = -4,
    /* The file exists and the write was not a replacement. */
    STORAGE_ERR_EXISTS = -5,
    /* The folder already contains STORAGE_FOLDER_ENTRIES_MAX entries. */
    STORAGE_ERR_FOLDER_FULL = -6,
    STORAGE_ERR_NOT_FOUND = -7,
} storage_result_t;

typedef struct {
    /* The card's size in bytes that the adapter may fill. */
    uint64_t capacity_bytes;
    /* Per area; 0 means the area is bounded by the card alone. */
    uint64_t quota_bytes[STORAGE_AREA_COUNT];
    /* FAT's allocation unit; each file counts as whole clusters. 1 counts exact bytes. */
    uint32_t cluster_bytes;
    /* 1 to 100; 0 takes STORAGE_WARN_PERCENT_DEFAULT. */
    uint32_t warn_percent;
} storage_limits_t;

typedef struct {
    uint64_t used_bytes;
    uint64_t capacity_bytes;
    uint32_t percent;
} storage_warning_t;

/* Called when usage reaches the warning threshold; the home base logs it as an error. */
typedef void (*storage_warning_fn)(void *ctx, const storage_warning_t *warning);

typedef struct {
    char root[STORAGE_PATH_LEN];
    storage_limits_t limits;
    uint64_t used_bytes[STORAGE_AREA_COUNT];
    /* Files outside the areas, such as the provisioning file. Counted, never evicted. */
    uint64_t other_bytes;
    uint32_t evicted_files;
    bool warning_active;
    storage_warning_fn on_warning;
    void *on_warning_ctx;
} storage_t;

/* ---- Setup ---- */

/* Quotas as docs/sd-layout.md gives them, in percent of the capacity: media 70, spool 20, logs 5;
 * the other 5 percent is room for the state files and the temporary copy of a write. */
#define STORAGE_MEDIA_QUOTA_PERCENT 70
#define STORAGE_SPOOL_QUOTA_PERCENT 20
#define STORAGE_LOGS_QUOTA_PERCENT 5

/* Fills `limits` for a card of `capacity_bytes` with the default quotas and warning threshold. */
void storage_default_limits(storage_limits_t *limits, uint64_t capacity_bytes, uint32_t cluster_bytes);

/* Uses `root` (created when missing) with `limits`, creates the area folders, removes temporary
 * files left by a power cut and counts what the card holds. Returns 0, or -1 with a reason in
 * `error` (STORAGE_ERROR_LEN bytes). */
int storage_open(storage_t *storage, const char *root, const storage_limits_t *limits, char *error);

/* Sets the warning callback; it fires at once when usage is already above the threshold. */
void storage_set_warning(storage_t *storage, storage_warning_fn on_warning, void *ctx);

/* The folder name of an area under the root: "media", "spool" or "logs". */
const char *storage_area_name(storage_area_t area);

/* True for a relative path of 1 to STORAGE_DEPTH_MAX segments separated by '/', each 1 to 64
 * characters of A-Z a-z 0-9 _ - . that does not start with '.', and STORAGE_RELATIVE_LEN characters
 * at most. Nothing else reaches the file system, so no path can leave its area. */
bool storage_path_valid(const char *relative);

/* ---- Files ---- */

/* Stores `len` bytes at `relative` in `area` through a temporary file, fsync and rename, creating
 * the folders on the way. Evicts the oldest files first when the area's quota or the card would be
 * exceeded. With `replace` false an existing file is STORAGE_ERR_EXISTS. Returns a storage_result_t
 * and, on failure, a reason in `error`. */
int storage_write(storage_t *storage, storage_area_t area, const char *relative, const void *bytes,
                  size_t len, bool replace, char *error);

/* Reads a whole file of at most `max_len` bytes into a buffer from malloc (the caller frees it).
 * Returns STORAGE_OK, STORAGE_ERR_BAD_PATH, STORAGE_ERR_NOT_FOUND, STORAGE_ERR_TOO_LARGE or
 * STORAGE_ERR_IO. */
int storage_read(storage_t *storage, storage_area_t area, const char *relative, uint8_t **bytes,
                 size_t *len, size_t max_len);

/* Deletes a file and drops its bytes from the count. */
int storage_remove(storage_t *storage, storage_area_t area, const char *relative);

/* Renames a file inside `area` from `from` to `to`, creating the folders of `to` within the folder
 * entry bound. The bytes stay counted in the area. Returns STORAGE_OK, STORAGE_ERR_BAD_PATH,
 * STORAGE_ERR_NOT_FOUND, STORAGE_ERR_EXISTS (the target is left untouched), STORAGE_ERR_FOLDER_FULL
 * or STORAGE_ERR_IO, with a reason in `error`. */
int storage_rename(storage_t *storage, storage_area_t area, const char *from, const char *to,
                   char *error);

/* Evicts the oldest file of `area` (the smallest path) and removes folders it leaves empty. Returns
 * STORAGE_OK, or STORAGE_ERR_NOT_FOUND when the area holds no file. The spool is never evicted. */
int storage_evict_oldest(storage_t *storage, storage_area_t area);

/* ---- Usage ---- */

uint64_t storage_used_total(const storage_t *storage);

/* True when a new file of `len` bytes in `area` would fit its quota and the card, counting the
 * files that eviction may take (media, logs) as free. Changes nothing. */
bool storage_has_room(const storage_t *storage, storage_area_t area, uint64_t len);

/* Writes the full path of an area's folder ("<root>/spool") into `out`; false when it does not fit
 * `cap` bytes. */
bool storage_area_path(const storage_t *storage, storage_area_t area, char *out, size_t cap);

/* Bytes a file of `len` bytes takes on the card: whole clusters. */
uint64_t storage_cost(const storage_t *storage, uint64_t len);

#endif
