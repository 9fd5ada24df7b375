/* The spool: sealed batches kept on the SD card (a folder on Linux) until the central server has
 * responded 200 for them, so a restart or an outage loses nothing.
 *
 * Each batch is `<dir>/batch-<seq>.json`, written to a temporary name, flushed with fsync and then
 * renamed, so a batch file is either complete or absent. The next batch seq is kept the same way in
 * `<dir>/next-seq`, so seqs never repeat across restarts (the central server stores each seq once).
 * Uses POSIX file calls (open, fsync, rename, opendir), which ESP-IDF's VFS provides for FAT. */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>
#include <stdint.h>

#define SPOOL_PATH_LEN 256
#define SPOOL_ERROR_LEN 400

typedef struct {
    char dir[SPOOL_PATH_LEN];
} spool_t;

/* Uses `dir`, creating it when missing. Returns 0, or -1 with a reason in `error`. */
int spool_open(spool_t *spool, const char *dir, char *error);

/* Stores a batch durably. Returns 0, or -1 with a reason in `error`. */
int spool_write(spool_t *spool, uint32_t seq, const char *json, size_t len, char *error);

/* Reads a batch into a buffer from malloc (NUL-terminated; the caller frees it). Returns 0, or -1. */
int spool_read(spool_t *spool, uint32_t seq, char **json, size_t *len);

/* Deletes a batch after the central server took it. Returns 0, or -1. */
int spool_remove(spool_t *spool, uint32_t seq);

/* Renames a batch that the central server rejected as malformed to rejected-batch-<seq>.json in the
 * same folder, where it is kept for inspection and no longer listed or sent. Returns 0, or -1. */
int spool_set_aside(spool_t *spool, uint32_t seq);

/* Lists up to `cap` spooled seqs in ascending order into `seqs`; returns how many there are in all
 * (which may exceed `cap`). Files that do not match batch-<seq>.json are ignored. */
size_t spool_list(spool_t *spool, uint32_t *seqs, size_t cap);

/* The next batch seq to use after a restart: the stored value, raised above every spooled seq.
 * 0 for an empty spool. */
uint32_t spool_load_next_seq(spool_t *spool);

/* Stores the next batch seq durably. Returns 0, or -1. */
int spool_store_next_seq(spool_t *spool, uint32_t next_seq);

#endif
