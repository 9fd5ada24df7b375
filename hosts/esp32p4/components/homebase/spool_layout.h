/* The spool's folder layout (docs/sd-layout.md): the relative path of a batch, the walk over the
 * batches in seq order, and the move of batches from the flat layout of earlier versions. Private
 * to spool.c. */
#ifndef SPOOL_LAYOUT_H
#define SPOOL_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "spool.h"

/* Room for "rejected/ffff/ff/batch-4294967295.json" and its NUL. */
#define SPOOL_RELATIVE_LEN 48
#define SPOOL_BATCHES_FOLDER "batches"
#define SPOOL_REJECTED_FOLDER "rejected"

/* Writes `<top>/<seq / 65536 as 4 hex digits>/<seq / 256 % 256 as 2 hex digits>/batch-<seq>.json`,
 * the path of a batch relative to the spool folder, for `top` SPOOL_BATCHES_FOLDER or
 * SPOOL_REJECTED_FOLDER. */
void spool_layout_relative(const char *top, uint32_t seq, char out[SPOOL_RELATIVE_LEN]);

/* Called for each spooled seq in ascending order; returns false to stop the walk. */
typedef bool (*spool_visit_fn)(void *ctx, uint32_t seq);

/* Visits the batches under SPOOL_BATCHES_FOLDER in ascending seq order, reading one folder of each
 * level at a time. Names that do not fit the layout, and batches in the wrong folder, are skipped. */
void spool_layout_walk(spool_t *spool, spool_visit_fn visit, void *ctx);

/* Moves every `batch-<seq>.json` and `rejected-batch-<seq>.json` in the spool folder itself into
 * the layout's folders through the storage adapter. Returns the number of batches moved; a file
 * that cannot be moved stays and is logged as an error. */
uint32_t spool_layout_migrate_flat(spool_t *spool);

#endif
