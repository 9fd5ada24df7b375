/* Media from devices (docs/protocol.md section 1.7): a signed manifest opens a transfer, unsigned
 * chunk frames fill it, and content whose SHA-256 equals the manifest's is stored on the card
 * (docs/sd-layout.md, Media). A motion event of the same device shortly before the manifest is then
 * linked to the stored path.
 *
 * Content is reassembled in memory (PSRAM on the P4): at most MEDIA_TRANSFERS_MAX transfers of at
 * most MEDIA_CONTENT_MAX_BYTES each, with a bitmap of the bytes written so overlapping, repeated and
 * out-of-order chunks are all counted once. Not thread-safe: the home base calls it under its lock. */
#ifndef MEDIA_H
#define MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "media_path.h"
#include "storage.h"

/* Open transfers at once; a manifest beyond them drops the transfer opened first. */
#define MEDIA_TRANSFERS_MAX 4
/* The largest content the home base takes, below the protocol's 16 MiB so the transfers fit in
 * memory: 4 transfers take at most 4.5 MiB with their bitmaps. A still from a camera is well below. */
#define MEDIA_CONTENT_MAX_BYTES (1024u * 1024u)
/* A transfer with no new chunk for this long is discarded (docs/protocol.md section 1.7, rule 4). */
#define MEDIA_IDLE_TIMEOUT_SEC 60
/* A stored content is linked to its device's latest motion event at most this long before the
 * manifest arrived. */
#define MEDIA_MOTION_LINK_SEC 60
/* Motion events remembered for linking, oldest forgotten first. */
#define MEDIA_MOTION_LINKS_MAX 64

typedef enum {
    MEDIA_OK = 0,
    /* A chunk that completed its transfer: the content matched and is stored. */
    MEDIA_COMPLETE = 1,
    /* A chunk for no open transfer (unknown device, content id, or already finished). */
    MEDIA_NO_TRANSFER = -1,
    /* A chunk whose total differs from the manifest's size; dropped. */
    MEDIA_TOTAL_MISMATCH = -2,
    /* Every byte arrived but the SHA-256 differs from the manifest's: the transfer is discarded. */
    MEDIA_DIGEST_MISMATCH = -3,
    /* A manifest or posted body above MEDIA_CONTENT_MAX_BYTES. */
    MEDIA_TOO_LARGE = -4,
    /* The card refused the content (full, folder full, I/O). */
    MEDIA_NOT_STORED = -5,
    /* Out of memory for a transfer's buffers. */
    MEDIA_NO_MEMORY = -6,
    /* A posted body whose length differs from the manifest's size. */
    MEDIA_SIZE_MISMATCH = -7,
} media_result_t;

typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t content_id;
    uint32_t size;
    uint8_t sha256[CORE_SHA256_LEN];
    char extension[MEDIA_EXTENSION_LEN];
    uint32_t received_at;
    uint32_t last_chunk_at;
    /* The content and one bit per byte written; NULL when the slot is free. */
    uint8_t *data;
    uint8_t *written;
    uint32_t written_count;
} media_transfer_t;

typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t motion_seq;
    uint32_t motion_at;
    /* "" until a stored content is linked to this motion event. */
    char path[MEDIA_PATH_LEN];
} media_motion_link_t;

/* What was stored, for the callback and the caller. motion_seq is 0 when no motion event was linked. */
typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t content_id;
    uint32_t size;
    uint32_t motion_seq;
    char path[MEDIA_PATH_LEN];
} media_stored_t;

typedef void (*media_stored_fn)(void *ctx, const media_stored_t *stored);

typedef struct {
    storage_t *storage;
    media_transfer_t transfers[MEDIA_TRANSFERS_MAX];
    media_motion_link_t links[MEDIA_MOTION_LINKS_MAX];
    size_t next_link;
    media_stored_fn on_stored;
    void *on_stored_ctx;

    uint32_t transfers_opened;
    uint32_t transfers_dropped;
    uint32_t transfers_expired;
    uint32_t contents_stored;
    uint32_t digest_mismatches;
    uint32_t chunks_dropped;
    uint32_t contents_refused;
} media_t;

void media_init(media_t *media, storage_t *storage);

/* Sets the callback that runs after each stored content (the home base pushes a motion_event). */
void media_set_stored_callback(media_t *media, media_stored_fn on_stored, void *ctx);

/* Frees every open transfer. */
void media_free(media_t *media);

/* ---- Transfers ---- */

/* Opens a transfer for a manifest that passed frame_accept. `now` is its arrival time, which also
 * names the stored file. Returns MEDIA_OK, MEDIA_TOO_LARGE or MEDIA_NO_MEMORY. */
int media_open(media_t *media, const char *device_id, uint32_t content_id, uint32_t size,
               const uint8_t sha256[CORE_SHA256_LEN], const char *media_type, size_t media_type_len,
               uint32_t now);

/* Writes a chunk's data at its offset. Returns MEDIA_OK while bytes are missing; MEDIA_COMPLETE (and
 * fills `stored` when it is not NULL) once the content matched its digest and was stored; or
 * MEDIA_NO_TRANSFER, MEDIA_TOTAL_MISMATCH, MEDIA_DIGEST_MISMATCH, MEDIA_NOT_STORED. */
int media_chunk(media_t *media, const char *device_id, uint32_t content_id, uint32_t offset,
                uint32_t total, const uint8_t *data, size_t len, uint32_t now, media_stored_t *stored);

/* Discards transfers idle for MEDIA_IDLE_TIMEOUT_SEC or longer. Returns how many. */
size_t media_expire(media_t *media, uint32_t now);

/* Number of open transfers. */
size_t media_open_count(const media_t *media);

/* Checks whole content against `sha256` and stores it, as a finished transfer does (POST
 * /api/v1/media). Returns MEDIA_COMPLETE, MEDIA_TOO_LARGE, MEDIA_SIZE_MISMATCH,
 * MEDIA_DIGEST_MISMATCH or MEDIA_NOT_STORED. */
int media_store_whole(media_t *media, const char *device_id, uint32_t content_id, uint32_t size,
                      const uint8_t sha256[CORE_SHA256_LEN], const char *media_type,
                      size_t media_type_len, const uint8_t *content, size_t len, uint32_t now,
                      media_stored_t *stored);

/* ---- Motion links ---- */

/* Remembers an accepted motion frame, so media that follows can be linked to it. */
void media_note_motion(media_t *media, const char *device_id, uint32_t seq, uint32_t now);

/* Links `path` to the device's latest unlinked motion event from MEDIA_MOTION_LINK_SEC before `at`
 * until `at`. Returns that event's seq, or 0 when there is none. */
uint32_t media_link_motion(media_t *media, const char *device_id, uint32_t at, const char *path);

/* The path linked to a motion event, or NULL when none is (yet). */
const char *media_path_for_motion(const media_t *media, const char *device_id, uint32_t seq);

/* ---- Frames from the core ---- */

/* Takes a chunk frame: decodes it through the core and, when it is a chunk, gives it to media_chunk
 * and returns true; any other frame is left to the intake (returns false). `result` gets the
 * media_result_t or the core's negative status for an undecodable chunk. */
bool media_take_chunk(media_t *media, core_t *core, const uint8_t *frame, size_t len, uint32_t now,
                      int *result);

/* Opens a transfer for the manifest that frame_accept just took (the core's getters describe it). */
int media_take_manifest(media_t *media, core_t *core, uint32_t now);

#endif
