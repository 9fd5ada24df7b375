/* The provisioning file of docs/provisioning.md (homebase.json): the home base's identity and key,
 * the network's public key, the central server's URL and timings. The devices it accepts come from
 * the central server's config commands and live on the card (registry_store.h).
 *
 * The registry never stores the network's private key, and a file that carries one is rejected. The
 * home base's own seed becomes a libsodium secret key here and is wiped by registry_wipe. */
#ifndef REGISTRY_H
#define REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "homemesh_limits.h"

/* Devices the file may list; the core's table (device_capacity()) is checked again at apply. */
#define REGISTRY_MAX_DEVICES HOMEMESH_MAX_DEVICES
#define REGISTRY_ERROR_LEN 160
/* 36 characters of UUID, the slash, 15 of device id (docs/protocol.md section 2), and a NUL. */
#define REGISTRY_KEY_ID_LEN 53
#define REGISTRY_URL_LEN 256

/* One slot of the device table; an empty device_id marks a free slot (a revoked device). */
typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    uint8_t public_key[CORE_KEY_LEN];
    /* Set by device_rotate_key until the device's first frame under it (docs/protocol.md 6.2). */
    uint8_t next_public_key[CORE_KEY_LEN];
    bool has_next_key;
} registry_device_t;

typedef struct {
    char network_id[37];
    char home_base_id[CORE_DEVICE_ID_LEN];
    char key_id[REGISTRY_KEY_ID_LEN];
    uint8_t secret_key[64];
    uint8_t public_key[CORE_KEY_LEN];
    uint8_t network_public_key[CORE_KEY_LEN];
    char central_url[REGISTRY_URL_LEN];
    uint32_t batch_interval_sec;
    uint32_t offline_after_sec;
    registry_device_t devices[REGISTRY_MAX_DEVICES];
    /* One past the highest slot in use; slots below it may be free after a revoke. */
    size_t device_count;
    /* The SHA-256 of the local dashboard token, from set_dashboard_token. */
    uint8_t dashboard_token_sha256[32];
    bool has_dashboard_token;
} registry_t;

/* Parses `json`. Returns 0, or -1 with a message naming the field in `error` (REGISTRY_ERROR_LEN
 * bytes); on failure nothing secret is left in `registry`. */
int registry_parse(registry_t *registry, const char *json, char *error);

/* Reads and parses the file at `path` (at most 64 KiB). */
int registry_load_file(registry_t *registry, const char *path, char *error);

/* Sets the network key and stores every device in the core's table, device i in slot i (free slots
 * stay empty), with its next key when it has one. */
int registry_apply(const registry_t *registry, core_t *core, char *error);

/* The device id in `slot`, or "?" for an empty slot. */
const char *registry_device_id(const registry_t *registry, uint32_t slot);

/* Zeroes the secret key (and the rest). */
void registry_wipe(registry_t *registry);

#endif
