/* The device registry as the central server's config commands change it (docs/protocol.md section
 * 6.2: device_add, device_rotate_key, device_revoke, set_dashboard_token), kept in the core's table
 * and in REGISTRY_STORE_FILE on the SD card, written through a temporary file and a rename after
 * every change. The file lists each used slot, so a device keeps its slot (and with it its replay
 * state in the core) across restarts. */
#ifndef REGISTRY_STORE_H
#define REGISTRY_STORE_H

#include <stdint.h>

#include "core_api.h"
#include "registry.h"

#define REGISTRY_STORE_FILE "registry.json"
/* The file lists at most REGISTRY_MAX_DEVICES devices of about 200 bytes each. */
#define REGISTRY_STORE_MAX_BYTES (16 * 1024)

typedef enum {
    REGISTRY_CHANGE_DONE = 0,
    /* device_add of a device already present with the same key: nothing to do. */
    REGISTRY_CHANGE_UNCHANGED,
    /* device_add of a device present with another key (use device_rotate_key). */
    REGISTRY_CHANGE_EXISTS,
    REGISTRY_CHANGE_UNKNOWN_DEVICE,
    REGISTRY_CHANGE_FULL,
    /* The core or the card failed; the registry is as before. */
    REGISTRY_CHANGE_FAILED,
} registry_change_t;

/* Replaces the registry's devices and dashboard token with the stored ones. Returns 1 when the file
 * was read, 0 when there is none (the registry is left as it is), -1 with the reason in `error`
 * (REGISTRY_ERROR_LEN bytes) for a malformed file. */
int registry_store_load(registry_t *registry, const char *dir, char *error);

/* Writes the devices and the dashboard token. Returns 0, or -1 with errno set. */
int registry_store_save(const registry_t *registry, const char *dir);

/* The config commands. Each changes the core's table and the registry, then writes the file; when
 * the write fails both are put back and REGISTRY_CHANGE_FAILED is returned. */
registry_change_t registry_add_device(registry_t *registry, core_t *core, const char *dir,
                                      const char *device_id, const uint8_t key[CORE_KEY_LEN]);
registry_change_t registry_rotate_key(registry_t *registry, core_t *core, const char *dir,
                                      const char *device_id, const uint8_t key[CORE_KEY_LEN]);
registry_change_t registry_revoke(registry_t *registry, core_t *core, const char *dir,
                                  const char *device_id);
registry_change_t registry_set_dashboard_token(registry_t *registry, const char *dir,
                                               const uint8_t sha256[32]);

/* Records that the device in `slot` now signs with its next key (the core already switched), and
 * writes the file. Returns 0, or -1 when the write failed. */
int registry_key_rotated(registry_t *registry, const char *dir, uint32_t slot);

/* The slot of `device_id`, or -1. */
int registry_find(const registry_t *registry, const char *device_id);

/* A name for logs and command results, e.g. "device_exists". */
const char *registry_change_reason(registry_change_t change);

#endif
