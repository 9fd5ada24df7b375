/* Folder walks of the storage adapter: counting the bytes under a folder and finding its oldest file.
 * Private to storage.c. */
#ifndef STORAGE_WALK_H
#define STORAGE_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The deepest folder level a walk enters below its start. Deeper folders are skipped, so a foreign
 * tree on the card cannot make a walk recurse without end. */
#define STORAGE_WALK_DEPTH_MAX 4

/* Returns the bytes the files under `dir` take, each rounded up to whole `cluster_bytes`. With
 * `remove_temporary`, files whose names end in ".tmp" (a write cut short) are deleted instead. */
uint64_t storage_walk_usage(const char *dir, uint32_t cluster_bytes, bool remove_temporary);

/* Finds the file under `dir` with the smallest path in byte order, descending into the smallest
 * entry of each level, and removes the empty folders it meets below `dir`. Writes its full path to
 * `out` and returns true, or returns false when no file is left. */
bool storage_walk_oldest(const char *dir, char *out, size_t cap);

/* Returns the number of entries in `dir` other than "." and "..", or 0 when it cannot be opened. */
size_t storage_walk_entry_count(const char *dir);

#endif
