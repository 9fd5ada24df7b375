#include "registry_store.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_file.h"
#include "hb_hex.h"
#include "hb_log.h"

static void put_hex(cJSON *object, const char *name, const uint8_t *bytes, size_t len)
{
    char text[2 * 32 + 1];

    hb_hex_encode(bytes, len, text);
    cJSON_AddStringToObject(object, name, text);
}

int registry_store_save(const registry_t *registry, const char *dir)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *devices = cJSON_AddArrayToObject(root, "devices");
    char *text;
    int result;

    for (size_t slot = 0; devices != NULL && slot < registry->device_count; slot++) {
        const registry_device_t *device = &registry->devices[slot];
        cJSON *entry;

        if (device->device_id[0] == '\0') {
            continue;
        }
        entry = cJSON_CreateObject();
        cJSON_AddNumberToObject(entry, "slot", (double)slot);
        cJSON_AddStringToObject(entry, "device_id", device->device_id);
        put_hex(entry, "public_key", device->public_key, CORE_KEY_LEN);
        if (device->has_next_key) {
            put_hex(entry, "next_public_key", device->next_public_key, CORE_KEY_LEN);
        }
        cJSON_AddItemToArray(devices, entry);
    }
    if (registry->has_dashboard_token) {
        put_hex(root, "dashboard_token_sha256", registry->dashboard_token_sha256, 32);
    }

    text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (text == NULL) {
        errno = ENOMEM;
        return -1;
    }
    result = hb_file_write_atomic(dir, REGISTRY_STORE_FILE, text, strlen(text));
    free(text);
    return result;
}

static int fail(char *error, const char *message)
{
    snprintf(error, REGISTRY_ERROR_LEN, "%s: %s", REGISTRY_STORE_FILE, message);
    return -1;
}

static int read_key(const cJSON *object, const char *name, uint8_t out[CORE_KEY_LEN])
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, name);

    return cJSON_IsString(item) && hb_hex_decode(item->valuestring, out, CORE_KEY_LEN) == 0 ? 0 : -1;
}

/* Fills `devices` from the file's array; the slots must be distinct and below the maximum. */
static int read_devices(registry_t *loaded, const cJSON *devices, char *error)
{
    const cJSON *entry;

    if (!cJSON_IsArray(devices)) {
        return fail(error, "devices is missing or not an array");
    }
    cJSON_ArrayForEach(entry, devices) {
        const cJSON *slot_item = cJSON_GetObjectItemCaseSensitive(entry, "slot");
        const cJSON *id_item = cJSON_GetObjectItemCaseSensitive(entry, "device_id");
        registry_device_t *device;
        double slot;

        if (!cJSON_IsNumber(slot_item) || !cJSON_IsString(id_item)) {
            return fail(error, "a device lacks slot or device_id");
        }
        slot = slot_item->valuedouble;
        if (slot < 0 || slot >= REGISTRY_MAX_DEVICES || slot != (double)(size_t)slot ||
            loaded->devices[(size_t)slot].device_id[0] != '\0' || id_item->valuestring[0] == '\0' ||
            strlen(id_item->valuestring) >= CORE_DEVICE_ID_LEN) {
            return fail(error, "a device has a slot out of range or used twice, or a bad device_id");
        }
        device = &loaded->devices[(size_t)slot];
        strcpy(device->device_id, id_item->valuestring);
        if (read_key(entry, "public_key", device->public_key) != 0) {
            return fail(error, "a device's public_key is not 64 hex characters");
        }
        if (cJSON_GetObjectItemCaseSensitive(entry, "next_public_key") != NULL) {
            if (read_key(entry, "next_public_key", device->next_public_key) != 0) {
                return fail(error, "a device's next_public_key is not 64 hex characters");
            }
            device->has_next_key = true;
        }
        if ((size_t)slot + 1 > loaded->device_count) {
            loaded->device_count = (size_t)slot + 1;
        }
    }
    return 0;
}

int registry_store_load(registry_t *registry, const char *dir, char *error)
{
    static char text[REGISTRY_STORE_MAX_BYTES + 1];
    long len = hb_file_read(dir, REGISTRY_STORE_FILE, text, REGISTRY_STORE_MAX_BYTES);
    registry_t *loaded;
    cJSON *root;
    int result = 0;

    if (len == -1 && errno == ENOENT) {
        return 0;
    }
    if (len < 0) {
        return fail(error, "unreadable or longer than 16384 bytes");
    }
    text[len] = '\0';
    root = cJSON_Parse(text);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return fail(error, "not a JSON object");
    }

    /* Built aside, so a malformed file leaves the registry untouched. */
    loaded = calloc(1, sizeof *loaded);
    if (loaded == NULL) {
        cJSON_Delete(root);
        return fail(error, "out of memory");
    }
    result = read_devices(loaded, cJSON_GetObjectItemCaseSensitive(root, "devices"), error);
    if (result == 0 && cJSON_GetObjectItemCaseSensitive(root, "dashboard_token_sha256") != NULL) {
        if (read_key(root, "dashboard_token_sha256", loaded->dashboard_token_sha256) != 0) {
            result = fail(error, "dashboard_token_sha256 is not 64 hex characters");
        }
        loaded->has_dashboard_token = true;
    }
    cJSON_Delete(root);

    if (result == 0) {
        memcpy(registry->devices, loaded->devices, sizeof registry->devices);
        registry->device_count = loaded->device_count;
        memcpy(registry->dashboard_token_sha256, loaded->dashboard_token_sha256, 32);
        registry->has_dashboard_token = loaded->has_dashboard_token;
    }
    free(loaded);
    return result == 0 ? 1 : -1;
}

int registry_find(const registry_t *registry, const char *device_id)
{
    for (size_t slot = 0; slot < registry->device_count; slot++) {
        if (registry->devices[slot].device_id[0] != '\0' &&
            strcmp(registry->devices[slot].device_id, device_id) == 0) {
            return (int)slot;
        }
    }
    return -1;
}

static int free_slot(const registry_t *registry, uint32_t capacity)
{
    for (size_t slot = 0; slot < REGISTRY_MAX_DEVICES && slot < capacity; slot++) {
        if (slot >= registry->device_count || registry->devices[slot].device_id[0] == '\0') {
            return (int)slot;
        }
    }
    return -1;
}

/* Writes `changed` to the card, then makes it the registry. The caller changes the core after
 * this succeeded, so the card never lags behind the core. */
static registry_change_t commit(registry_t *registry, const registry_t *changed, const char *dir)
{
    if (registry_store_save(changed, dir) != 0) {
        hb_log(HB_LOG_ERROR, "registry not written to %s: %s", dir, strerror(errno));
        return REGISTRY_CHANGE_FAILED;
    }
    memcpy(registry->devices, changed->devices, sizeof registry->devices);
    registry->device_count = changed->device_count;
    memcpy(registry->dashboard_token_sha256, changed->dashboard_token_sha256, 32);
    registry->has_dashboard_token = changed->has_dashboard_token;
    return REGISTRY_CHANGE_DONE;
}

/* Copies only the public parts; the secret key stays in `registry` alone. */
static registry_t *copy_public(const registry_t *registry)
{
    registry_t *copy = calloc(1, sizeof *copy);

    if (copy != NULL) {
        memcpy(copy->devices, registry->devices, sizeof copy->devices);
        copy->device_count = registry->device_count;
        memcpy(copy->dashboard_token_sha256, registry->dashboard_token_sha256, 32);
        copy->has_dashboard_token = registry->has_dashboard_token;
    }
    return copy;
}

registry_change_t registry_add_device(registry_t *registry, core_t *core, const char *dir,
                                      const char *device_id, const uint8_t key[CORE_KEY_LEN])
{
    int existing = registry_find(registry, device_id);
    int slot;
    registry_t *changed;
    registry_change_t result;

    if (existing >= 0) {
        return memcmp(registry->devices[existing].public_key, key, CORE_KEY_LEN) == 0
                   ? REGISTRY_CHANGE_UNCHANGED
                   : REGISTRY_CHANGE_EXISTS;
    }
    slot = free_slot(registry, core_device_capacity(core));
    if (slot < 0) {
        return REGISTRY_CHANGE_FULL;
    }
    changed = copy_public(registry);
    if (changed == NULL) {
        return REGISTRY_CHANGE_FAILED;
    }
    memset(&changed->devices[slot], 0, sizeof changed->devices[slot]);
    snprintf(changed->devices[slot].device_id, CORE_DEVICE_ID_LEN, "%s", device_id);
    memcpy(changed->devices[slot].public_key, key, CORE_KEY_LEN);
    if ((size_t)slot + 1 > changed->device_count) {
        changed->device_count = (size_t)slot + 1;
    }

    result = commit(registry, changed, dir);
    free(changed);
    if (result == REGISTRY_CHANGE_DONE && core_device_set(core, (uint32_t)slot, device_id, key) != CORE_OK) {
        /* The command's device argument passed the core's id rule, so this is an engine failure. */
        registry->devices[slot].device_id[0] = '\0';
        registry_store_save(registry, dir);
        return REGISTRY_CHANGE_FAILED;
    }
    return result;
}

registry_change_t registry_rotate_key(registry_t *registry, core_t *core, const char *dir,
                                      const char *device_id, const uint8_t key[CORE_KEY_LEN])
{
    int slot = registry_find(registry, device_id);
    registry_t *changed;
    registry_change_t result;

    if (slot < 0) {
        return REGISTRY_CHANGE_UNKNOWN_DEVICE;
    }
    changed = copy_public(registry);
    if (changed == NULL) {
        return REGISTRY_CHANGE_FAILED;
    }
    memcpy(changed->devices[slot].next_public_key, key, CORE_KEY_LEN);
    changed->devices[slot].has_next_key = true;

    result = commit(registry, changed, dir);
    free(changed);
    if (result == REGISTRY_CHANGE_DONE && core_device_set_next_key(core, (uint32_t)slot, key) != CORE_OK) {
        return REGISTRY_CHANGE_FAILED;
    }
    return result;
}

registry_change_t registry_revoke(registry_t *registry, core_t *core, const char *dir,
                                  const char *device_id)
{
    int slot = registry_find(registry, device_id);
    registry_t *changed;
    registry_change_t result;

    if (slot < 0) {
        return REGISTRY_CHANGE_UNKNOWN_DEVICE;
    }
    changed = copy_public(registry);
    if (changed == NULL) {
        return REGISTRY_CHANGE_FAILED;
    }
    memset(&changed->devices[slot], 0, sizeof changed->devices[slot]);

    result = commit(registry, changed, dir);
    free(changed);
    if (result == REGISTRY_CHANGE_DONE) {
        core_device_clear(core, (uint32_t)slot);
    }
    return result;
}

registry_change_t registry_set_dashboard_token(registry_t *registry, const char *dir,
                                               const uint8_t sha256[32])
{
    registry_t *changed = copy_public(registry);
    registry_change_t result;

    if (changed == NULL) {
        return REGISTRY_CHANGE_FAILED;
    }
    memcpy(changed->dashboard_token_sha256, sha256, 32);
    changed->has_dashboard_token = true;
    result = commit(registry, changed, dir);
    free(changed);
    return result;
}

int registry_key_rotated(registry_t *registry, const char *dir, uint32_t slot)
{
    registry_device_t *device;

    if (slot >= registry->device_count || !registry->devices[slot].has_next_key) {
        return 0;
    }
    device = &registry->devices[slot];
    memcpy(device->public_key, device->next_public_key, CORE_KEY_LEN);
    memset(device->next_public_key, 0, CORE_KEY_LEN);
    device->has_next_key = false;
    return registry_store_save(registry, dir);
}

const char *registry_change_reason(registry_change_t change)
{
    switch (change) {
    case REGISTRY_CHANGE_DONE: return "done";
    case REGISTRY_CHANGE_UNCHANGED: return "unchanged";
    case REGISTRY_CHANGE_EXISTS: return "device_exists";
    case REGISTRY_CHANGE_UNKNOWN_DEVICE: return "unknown_device";
    case REGISTRY_CHANGE_FULL: return "registry_full";
    case REGISTRY_CHANGE_FAILED: return "storage_failed";
    }
    return "unknown";
}
