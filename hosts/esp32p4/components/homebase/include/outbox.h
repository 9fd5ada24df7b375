/* An outbox: entries waiting to be reported to the central server in one signed POST (docs/protocol.md
 * section 2), kept on the SD card until the central server takes them. Command results (section 9.2)
 * and media paths of motion events (section 12) each own one.
 *
 * The outbox owns the sending and the keeping; its owner owns the entries. They live in the owner's
 * array of `capacity` entries of `entry_size` bytes, and the owner's `render` and `parse` turn one
 * entry into a JSON object and back. Every change writes the whole list to `file` as a JSON array
 * (temporary file, fsync, rename), and entries are removed only after the central server responded
 * 200, so they survive a restart. A request body is `{"key_id": ..., "<member>": [...]}` with every
 * waiting entry. After a failure, sending waits with doubling delays from OUTBOX_RETRY_FIRST_SEC to
 * OUTBOX_RETRY_MAX_SEC; a new entry is sent at once.
 *
 * Sending takes three steps, so that no lock is held while the network waits. outbox_send_prepare
 * renders and signs the body under the home base lock, and the post runs without it. Then
 * outbox_send_finish, under the lock again, removes what the central server took. Entries added
 * meanwhile stay for the next request.
 *
 * Limits: when full, a new entry replaces the oldest, which is logged as lost, even when a request
 * on its way carries it and the central server then takes it. A response of 400 drops the entries
 * sent, logged as an error: the central server found the body malformed, and the same bytes cannot
 * succeed later. Not thread-safe: every function except outbox_flush runs under the home base
 * lock. */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hb_clock.h"
#include "hb_lock.h"
#include "registry.h"
#include "uplink.h"

#define OUTBOX_RETRY_FIRST_SEC 1
#define OUTBOX_RETRY_MAX_SEC 60
/* Maximum length of a request path such as "/commands/results", not counting the central server's
 * path prefix. */
#define OUTBOX_PATH_MAX_LEN 32
#define OUTBOX_DIR_LEN 256

typedef struct {
    /* For log lines: "command results". */
    const char *name;
    /* The file in the outbox's folder. */
    const char *file;
    /* The request path on the central server: "/commands/results". */
    const char *path;
    /* The body member that carries the entries: "results". */
    const char *member;
    /* The largest file load reads; a longer file is malformed. */
    size_t file_max_bytes;
    /* One entry as a JSON object, or NULL when out of memory. */
    cJSON *(*render)(const void *entry);
    /* Fills `entry` (zeroed) from one stored object. Returns false for an object it cannot use,
     * which load skips. */
    bool (*parse)(const cJSON *item, void *entry);
} outbox_kind_t;

typedef struct {
    const outbox_kind_t *kind;
    uplink_t *uplink;
    const hb_clock_t *clock;
    char dir[OUTBOX_DIR_LEN];
    char url[REGISTRY_URL_LEN + OUTBOX_PATH_MAX_LEN];
    char target[UPLINK_TARGET_LEN];

    /* The owner's array. */
    uint8_t *entries;
    size_t entry_size;
    size_t capacity;
    size_t count;

    /* The oldest entries that the request on its way carries and that are still kept; 0 when no
     * request is on its way. */
    size_t in_flight;
    /* Called under the lock after outbox_commit, so a waiting sender sends at once; NULL for none
     * (uplink_sender_init sets it). */
    void (*on_commit)(void *ctx);
    void *commit_ctx;

    uint32_t retry_at;
    uint32_t retry_delay_sec;
    uint32_t sent;
    uint32_t send_failures;
    uint32_t lost;
    /* Entries dropped after a 400 response. */
    uint32_t refused;
    /* Malformed files moved aside at start (0 or 1). */
    uint32_t files_set_aside;
} outbox_t;

/* Works out the URL from the uplink's and reads the entries left in `dir`. A malformed file (not a
 * JSON array, or longer than file_max_bytes) is renamed to `<file>.corrupt-<unix time>`, logged as
 * an error, and the outbox starts empty. A damaged one (an array with entries that do not parse,
 * entries past `capacity`, or bytes after the array) is renamed the same way and logged with the
 * number of entries skipped. The outbox then starts with the entries that parsed, written to a new
 * file.
 * Returns 0, or -1 when a name does not fit, the file cannot
 * be read (an I/O error) or moved aside, or memory runs out. */
int outbox_init(outbox_t *outbox, const outbox_kind_t *kind, uplink_t *uplink,
                const hb_clock_t *clock, const char *dir, void *entries, size_t entry_size,
                size_t capacity);

/* Returns the slot for a new entry, zeroed; the oldest entry is dropped when the outbox is full.
 * Fill it, then call outbox_commit. */
void *outbox_reserve(outbox_t *outbox);

/* Writes the outbox after outbox_reserve, and makes the next flush send at once. Returns 0, or -1
 * when the file could not be written (the entry stays in memory). */
int outbox_commit(outbox_t *outbox);

/* The entry at `index` (0 is the oldest), or NULL past the end. */
void *outbox_entry(const outbox_t *outbox, size_t index);

/* One request between outbox_send_prepare and outbox_send_finish. */
typedef struct {
    /* The request body (malloc), which request.body points to. */
    char *body;
    /* Entries the body carries. */
    size_t entry_count;
    uplink_request_t request;
} outbox_send_t;

/* Under the lock: renders every waiting entry into one body, signs it, and marks the entries in
 * flight. Returns 1 when `send` is ready to post, 0 when nothing is due (no entries, a retry delay
 * runs, or a request is on its way), -1 when rendering or signing failed (the retry delay starts). */
int outbox_send_prepare(outbox_t *outbox, outbox_send_t *send);

/* Finishes a send under the lock, after a prepare that returned 1 and the post. `post_result` and
 * `http_status` are what uplink_request_post returned. After a 200 or a 400 it removes the entries
 * sent and writes the outbox; otherwise it keeps them and starts the retry delay. Frees `send`'s body. Returns 1 when the central
 * server took them, -1 otherwise. */
int outbox_send_finish(outbox_t *outbox, outbox_send_t *send, int post_result, int http_status);

/* Sends the waiting entries when there are any and no retry delay runs: prepare and finish under
 * `lock` (not held by the caller; NULL takes none), the post without it. Returns 1 when the central
 * server took them, 0 when nothing was due, -1 after a failure. */
int outbox_flush(outbox_t *outbox, const hb_lock_t *lock);

/* Under the lock: returns true with the clock time from which the waiting entries may be sent in
 * *due_at (a past time means now), or false when none wait or a request is on its way. */
bool outbox_next_at(const outbox_t *outbox, uint32_t *due_at);

#endif
