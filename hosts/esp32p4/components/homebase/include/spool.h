/* The spool: sealed batches kept on the SD card until the central server has responded 200 for
 * them, so a restart or an outage loses nothing. docs/sd-layout.md gives the layout.
 *
 * The spool lives in the storage adapter's spool folder and goes through the adapter for every
 * write, rename, read and delete, so its files are written through a temporary name, fsync and
 * rename, and count against the spool quota. Batch seq S is stored as
 * `batches/<S / 65536, 4 hex digits>/<S / 256 % 256, 2 hex digits>/batch-<S>.json`, so no folder
 * contains more than 256 batches. The next batch seq is kept in `next-seq`, so seqs never repeat across
 * restarts (the central server stores each seq once).
 *
 * The spool is never evicted. When its quota is full the home base stops sealing batches (see
 * spool_has_room and homebase_seal). Not thread-safe: the home base calls it under its one lock. */
#ifndef SPOOL_H
#define SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage.h"

#define SPOOL_PATH_LEN 256
#define SPOOL_ERROR_LEN 400
/* Batches in one innermost folder (one value of seq / 256), and innermost folders in one range
 * folder (one value of seq / 65536). Both equal STORAGE_FOLDER_ENTRIES_MAX. */
#define SPOOL_BATCHES_PER_FOLDER 256
/* A spooled batch is one sealed core batch, at most the core's 64 KiB batch buffer. */
#define SPOOL_FILE_MAX_BYTES (64 * 1024)

typedef struct {
    storage_t *storage;
    /* The spool folder's full path, where the home base's small state files also live. */
    char dir[SPOOL_PATH_LEN];
    /* Batches waiting, counted at open and kept up to date by write, remove and set-aside. */
    uint32_t batch_count;
    /* The highest seq found at open, which spool_load_next_seq raises the stored next seq above. */
    uint32_t highest_seq;
    bool highest_seq_found;
    /* Batches of the flat layout of earlier versions that spool_open moved into the folders. */
    uint32_t migrated_count;
    /* Sorted folder listings for one walk: range folders, innermost folders, batch seqs. Kept here
     * rather than on the stack, which is small on the device. */
    uint32_t scratch[3][SPOOL_BATCHES_PER_FOLDER];
} spool_t;

/* ---- Setup ---- */

/* Uses the spool folder of `storage` (which stays open while the spool is used), moves batches of
 * the flat layout (`batch-<seq>.json`, `rejected-batch-<seq>.json` in the spool folder itself) into
 * the folders, and counts the batches. Returns 0, or -1 with a reason in `error`. */
int spool_open(spool_t *spool, storage_t *storage, char *error);

/* ---- Batches ---- */

/* True when a batch of `len` bytes and the next-seq file fit the spool quota and the card. */
bool spool_has_room(const spool_t *spool, size_t len);

/* Stores a new batch durably. Returns STORAGE_OK, or a negative storage_result_t with a reason in
 * `error` (STORAGE_ERR_FULL when the spool quota or the card has no room). */
int spool_write(spool_t *spool, uint32_t seq, const char *json, size_t len, char *error);

/* Reads a batch into a buffer from malloc (NUL-terminated; the caller frees it). Returns 0, or -1. */
int spool_read(spool_t *spool, uint32_t seq, char **json, size_t *len);

/* Deletes a batch after the central server took it. Returns 0, or -1. */
int spool_remove(spool_t *spool, uint32_t seq);

/* Moves a batch that the central server rejected as malformed to
 * `rejected/<range>/<folder>/batch-<seq>.json`, where it is kept for inspection, still counted in
 * the spool quota, and no longer listed or sent. Returns 0, or -1. */
int spool_set_aside(spool_t *spool, uint32_t seq);

/* Writes up to `cap` of the lowest spooled seqs in ascending order into `seqs` and returns how
 * many it wrote. Reads only the folders that hold those seqs. */
size_t spool_list(spool_t *spool, uint32_t *seqs, size_t cap);

/* Returns the number of batches waiting, from memory (no folder is read). */
uint32_t spool_count(const spool_t *spool);

/* ---- Next seq ---- */

/* The next batch seq to use after a restart: the stored value, raised above every spooled seq.
 * 0 for an empty spool. */
uint32_t spool_load_next_seq(spool_t *spool);

/* Stores the next batch seq durably. Returns 0, or -1. */
int spool_store_next_seq(spool_t *spool, uint32_t next_seq);

#endif
