#include "replay_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_log.h"

int replay_store_init(replay_store_t *store, core_t *core, const char *dir)
{
    memset(store, 0, sizeof *store);
    if (strlen(dir) >= sizeof store->dir) {
        return -1;
    }
    store->core = core;
    strcpy(store->dir, dir);
    return 0;
}

int replay_store_load(replay_store_t *store, uint32_t now, char *error)
{
    size_t cap = core_replay_state_max_len(store->core);
    uint8_t *state = malloc(cap);
    char name[CORE_STATUS_NAME_MAX + 1];
    long len;
    int32_t status;

    if (state == NULL) {
        snprintf(error, REPLAY_STORE_ERROR_LEN, "out of memory for a %zu-byte replay state", cap);
        return -1;
    }
    len = hb_file_read(store->dir, REPLAY_STORE_FILE, state, cap);
    if (len == -1 && errno == ENOENT) {
        free(state);
        hb_log(HB_LOG_INFO, "replay state: none yet in %s (first start)", store->dir);
        return 0;
    }
    if (len < 0) {
        free(state);
        snprintf(error, REPLAY_STORE_ERROR_LEN, "%s/%s is unreadable or longer than %zu bytes; %s",
                 store->dir, REPLAY_STORE_FILE, cap, HB_FILE_STATE_ADVICE);
        return -1;
    }

    status = core_replay_import(store->core, state, (size_t)len, now);
    free(state);
    if (status != CORE_OK) {
        snprintf(error, REPLAY_STORE_ERROR_LEN, "%s/%s rejected by the core: %s; %s", store->dir,
                 REPLAY_STORE_FILE, core_status_name(store->core, status, name), HB_FILE_STATE_ADVICE);
        return -1;
    }
    hb_log(HB_LOG_INFO, "replay state: restored %ld bytes from %s", len, store->dir);
    return 0;
}

int replay_store_save_if_due(replay_store_t *store, uint32_t now)
{
    size_t cap = core_replay_state_max_len(store->core);
    uint8_t *state;
    int32_t len;

    if (!core_replay_floor_due(store->core) && !store->retry_pending) {
        return 0;
    }
    /* The export clears the core's flag, so a failed write is remembered here until one succeeds. */
    store->retry_pending = true;
    state = malloc(cap);
    if (state == NULL) {
        store->write_failures++;
        return -1;
    }
    len = core_replay_export(store->core, now, state, cap);
    if (len < 0 || hb_file_write_atomic(store->dir, REPLAY_STORE_FILE, state, (size_t)len) != 0) {
        store->write_failures++;
        hb_log(HB_LOG_ERROR, "replay state not written to %s: %s", store->dir,
               len < 0 ? "export failed" : strerror(errno));
        free(state);
        return -1;
    }
    free(state);
    store->retry_pending = false;
    store->writes++;
    return 0;
}
