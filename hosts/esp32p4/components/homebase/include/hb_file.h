/* Small state files on the SD card (a folder on Linux), each written whole through a temporary
 * file, fsync and rename, so after a power cut or a SIGKILL a file is either its old or its new
 * version. Uses POSIX calls that ESP-IDF's VFS provides for FAT. */
#ifndef HB_FILE_H
#define HB_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Longest path these functions build: the folder, a slash and the file name. */
#define HB_FILE_PATH_LEN 320
/* Longest path hb_file_write_path_atomic takes, with its NUL; the storage adapter's paths fit. */
#define HB_FILE_FULL_PATH_LEN 416

/* The advice in a start error about a damaged state file that guards against replays
 * (replay-state.bin, beacon-state.bin, registry.json). docs/sd-layout.md explains why the home base
 * stops instead of starting without the file. */
#define HB_FILE_STATE_ADVICE "restore it from a backup, or re-provision the home base (docs/sd-layout.md)"

/* Writes `len` bytes as `dir`/`name`. Returns 0, or -1 with errno set (the old file stays). */
int hb_file_write_atomic(const char *dir, const char *name, const void *bytes, size_t len);

/* Writes `len` bytes as the file at `path` (shorter than HB_FILE_FULL_PATH_LEN), through
 * `path`.tmp, fsync and rename, then flushes the folder. The one write-then-rename of the home base:
 * the storage adapter uses it too. Returns 0, or -1 with errno set (the old file stays). */
int hb_file_write_path_atomic(const char *path, const void *bytes, size_t len);

/* Flushes the folder that contains `path`, so a rename or unlink in it survives a power cut. Does
 * nothing where the file system cannot open a folder (FAT on ESP-IDF). */
void hb_file_sync_folder_of(const char *path);

/* Renames `dir`/`name` to `dir`/`name`.corrupt-<unix_time>, so a person can inspect a damaged
 * state file while the home base starts without it, then flushes the folder. Writes the new name
 * into `aside` (HB_FILE_PATH_LEN bytes). Returns 0, or -1 with errno set (the file stays). */
int hb_file_move_aside(const char *dir, const char *name, uint32_t unix_time, char aside[HB_FILE_PATH_LEN]);

/* Reads `dir`/`name` into `out` (at most `cap` bytes). Returns the length, -1 when the file is
 * missing or unreadable, or -2 when it is longer than `cap`. */
long hb_file_read(const char *dir, const char *name, void *out, size_t cap);

#endif
