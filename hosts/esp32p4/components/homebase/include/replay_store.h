/* The replay state on the SD card (docs/protocol.md section 10.3): the core's replay_export, written
 * as one file whenever a persisted floor moved or a nonce was recorded, and replay_import at start,
 * so a frame, command or request taken before a restart is refused after it, even after a SIGKILL.
 *
 * The file is written before the home base acts on what raised the floor: the callers run
 * replay_store_save_if_due right after the core's accept and before any effect. */
#ifndef REPLAY_STORE_H
#define REPLAY_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_file.h"

#define REPLAY_STORE_FILE "replay-state.bin"
#define REPLAY_STORE_ERROR_LEN 512

typedef struct {
    core_t *core;
    char dir[HB_FILE_PATH_LEN - sizeof REPLAY_STORE_FILE - 1];
    /* A write failed after its export; the next call writes again even when the core has nothing due. */
    bool retry_pending;
    uint32_t writes;
    uint32_t write_failures;
} replay_store_t;

/* Uses the folder `dir` (it must exist). Returns 0, or -1 when its name is too long. */
int replay_store_init(replay_store_t *store, core_t *core, const char *dir);

/* Reads the state file and hands it to replay_import. Call after the registry and the batcher are
 * set up in the core. A missing file is a first start (returns 0); an unreadable or malformed one
 * returns -1 with the reason in `error`, and the home base must not start on it, because it would
 * take frames captured before the restart. */
int replay_store_load(replay_store_t *store, uint32_t now, char *error);

/* Exports and writes the state when the core reports it due. Returns 0 (also when nothing was
 * due), or -1 when the write failed: the caller must not act on what it just took, and the next
 * call tries the write again. */
int replay_store_save_if_due(replay_store_t *store, uint32_t now);

#endif
