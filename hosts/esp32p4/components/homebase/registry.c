#include "registry.h"

#include <cJSON.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"

#define REGISTRY_FILE_MAX_BYTES (64 * 1024)
#define UUID_LEN 36
#define INTERVAL_MAX_SEC 3600
#define OFFLINE_AFTER_MAX_SEC 86400

/* Field names that would carry the network's private key. The network key signs commands end to
 * end, so a home base that held it could forge them (docs/protocol.md section 1.1). */
static const char *const s_forbidden_fields[] = {
    "network_private_key",
    "network_seed",
    "network_secret_key",
    "master_seed",
};

static int fail(char *error, const char *format, const char *field)
{
    snprintf(error, REGISTRY_ERROR_LEN, format, field);
    return -1;
}

/* Device ids: 1 to 15 characters of A-Z a-z 0-9 _ - (docs/protocol.md section 1). */
static bool is_device_id(const char *text)
{
    size_t len = strlen(text);

    if (len == 0 || len >= CORE_DEVICE_ID_LEN) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';

        if (!allowed) {
            return false;
        }
    }
    return true;
}

static bool is_uuid(const char *text)
{
    if (strlen(text) != UUID_LEN) {
        return false;
    }
    for (size_t i = 0; i < UUID_LEN; i++) {
        bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        char c = text[i];

        if (dash_position ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                                         (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

static const char *get_string(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

static int get_key(const cJSON *object, const char *field, uint8_t out[32], char *error)
{
    const char *hex = get_string(object, field);

    if (hex == NULL || hb_hex_decode(hex, out, CORE_KEY_LEN) != 0) {
        return fail(error, "%s is missing or not 64 hex characters", field);
    }
    return 0;
}

static int get_seconds(const cJSON *object, const char *field, uint32_t max, uint32_t *out,
                       char *error)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);
    char message[REGISTRY_ERROR_LEN];

    if (!cJSON_IsNumber(item) || item->valuedouble < 1 || item->valuedouble > max ||
        item->valuedouble != (double)(uint32_t)item->valuedouble) {
        snprintf(message, sizeof message, "%%s is missing or not a whole number from 1 to %u",
                 (unsigned)max);
        return fail(error, message, field);
    }
    *out = (uint32_t)item->valuedouble;
    return 0;
}

static int parse_identity(registry_t *registry, const cJSON *root, char *error)
{
    const char *network_id = get_string(root, "network_id");
    const char *home_base_id = get_string(root, "home_base_id");
    const char *central_url = get_string(root, "central_url");
    uint8_t seed[crypto_sign_SEEDBYTES];

    if (network_id == NULL || !is_uuid(network_id)) {
        return fail(error, "%s is missing or not a UUID", "network_id");
    }
    if (home_base_id == NULL || !is_device_id(home_base_id)) {
        return fail(error, "%s is missing or not 1 to 15 characters of A-Z a-z 0-9 _ -",
                    "home_base_id");
    }
    if (central_url == NULL || central_url[0] == '\0' || strlen(central_url) >= REGISTRY_URL_LEN) {
        return fail(error, "%s is missing, empty or longer than 255 characters", "central_url");
    }
    strcpy(registry->network_id, network_id);
    strcpy(registry->home_base_id, home_base_id);
    strcpy(registry->central_url, central_url);
    snprintf(registry->key_id, sizeof registry->key_id, "%s/%s", network_id, home_base_id);

    if (get_key(root, "private_key", seed, error) != 0) {
        return -1;
    }
    crypto_sign_seed_keypair(registry->public_key, registry->secret_key, seed);
    sodium_memzero(seed, sizeof seed);

    return get_key(root, "network_public_key", registry->network_public_key, error);
}

static int parse_devices(registry_t *registry, const cJSON *root, char *error)
{
    const cJSON *devices = cJSON_GetObjectItemCaseSensitive(root, "devices");
    const cJSON *device;

    /* The registry comes from config commands (registry_store.h). A `devices` list is still read
     * as the first registry of a card that has none yet; the tests use it to start with devices. */
    if (devices == NULL) {
        return 0;
    }
    if (!cJSON_IsArray(devices)) {
        return fail(error, "%s is not an array", "devices");
    }
    if (cJSON_GetArraySize(devices) > REGISTRY_MAX_DEVICES) {
        snprintf(error, REGISTRY_ERROR_LEN, "devices lists %d entries, above the maximum of %d",
                 cJSON_GetArraySize(devices), REGISTRY_MAX_DEVICES);
        return -1;
    }

    cJSON_ArrayForEach(device, devices) {
        registry_device_t *entry = &registry->devices[registry->device_count];
        const char *device_id = get_string(device, "device_id");

        if (device_id == NULL || !is_device_id(device_id)) {
            return fail(error, "devices[].%s is missing or not 1 to 15 characters of "
                        "A-Z a-z 0-9 _ -", "device_id");
        }
        for (size_t i = 0; i < registry->device_count; i++) {
            if (strcmp(registry->devices[i].device_id, device_id) == 0) {
                return fail(error, "device_id %s is listed twice", device_id);
            }
        }
        strcpy(entry->device_id, device_id);
        if (get_key(device, "public_key", entry->public_key, error) != 0) {
            return -1;
        }
        registry->device_count++;
    }
    return 0;
}

static int parse_root(registry_t *registry, const cJSON *root, char *error)
{
    if (!cJSON_IsObject(root)) {
        return fail(error, "%s is not a JSON object", "provisioning file");
    }
    for (size_t i = 0; i < sizeof s_forbidden_fields / sizeof s_forbidden_fields[0]; i++) {
        if (cJSON_GetObjectItemCaseSensitive(root, s_forbidden_fields[i]) != NULL) {
            return fail(error, "provisioning file carries %s; a home base must never hold the "
                        "network's private key, remove it", s_forbidden_fields[i]);
        }
    }

    if (parse_identity(registry, root, error) != 0 ||
        get_seconds(root, "batch_interval_sec", INTERVAL_MAX_SEC, &registry->batch_interval_sec,
                    error) != 0 ||
        get_seconds(root, "offline_after_sec", OFFLINE_AFTER_MAX_SEC, &registry->offline_after_sec,
                    error) != 0) {
        return -1;
    }
    return parse_devices(registry, root, error);
}

int registry_parse(registry_t *registry, const char *json, char *error)
{
    cJSON *root = cJSON_Parse(json);
    int result;

    memset(registry, 0, sizeof *registry);
    if (root == NULL) {
        return fail(error, "%s is not valid JSON", "provisioning file");
    }

    result = parse_root(registry, root, error);
    cJSON_Delete(root);
    if (result != 0) {
        registry_wipe(registry);
    }
    return result;
}

int registry_load_file(registry_t *registry, const char *path, char *error)
{
    static char text[REGISTRY_FILE_MAX_BYTES + 1];
    FILE *file = fopen(path, "rb");
    size_t len;
    int result;

    memset(registry, 0, sizeof *registry);
    if (file == NULL) {
        return fail(error, "cannot open provisioning file %s", path);
    }
    len = fread(text, 1, REGISTRY_FILE_MAX_BYTES + 1, file);
    fclose(file);
    if (len > REGISTRY_FILE_MAX_BYTES) {
        return fail(error, "provisioning file %s is larger than 65536 bytes", path);
    }
    text[len] = '\0';

    /* The file contains the home base's seed, so the copy is wiped once parsed. */
    result = registry_parse(registry, text, error);
    sodium_memzero(text, len);
    return result;
}

int registry_apply(const registry_t *registry, core_t *core, char *error)
{
    uint32_t capacity = core_device_capacity(core);
    char name[CORE_STATUS_NAME_MAX + 1];

    if (registry->device_count > capacity) {
        snprintf(error, REGISTRY_ERROR_LEN, "%zu devices exceed the core's table of %u slots",
                 registry->device_count, (unsigned)capacity);
        return -1;
    }
    core_set_network_key(core, registry->network_public_key);
    if (core_network_id_set(core, registry->network_id) != CORE_OK) {
        snprintf(error, REGISTRY_ERROR_LEN, "core rejected the network id %s", registry->network_id);
        return -1;
    }

    /* The home base's own id is the target of config commands (docs/protocol.md section 6.2). */
    if (core_self_set(core, registry->home_base_id) != CORE_OK) {
        snprintf(error, REGISTRY_ERROR_LEN, "core rejected the home base id %s", registry->home_base_id);
        return -1;
    }

    for (size_t slot = 0; slot < registry->device_count; slot++) {
        const registry_device_t *device = &registry->devices[slot];
        int32_t status;

        if (device->device_id[0] == '\0') {
            continue;
        }
        status = core_device_set(core, (uint32_t)slot, device->device_id, device->public_key);
        if (status == CORE_OK && device->has_next_key) {
            status = core_device_set_next_key(core, (uint32_t)slot, device->next_public_key);
        }
        if (status != CORE_OK) {
            snprintf(error, REGISTRY_ERROR_LEN, "core rejected device %s: %s", device->device_id,
                     core_status_name(core, status, name));
            return -1;
        }
    }
    return 0;
}

const char *registry_device_id(const registry_t *registry, uint32_t slot)
{
    return slot < registry->device_count && registry->devices[slot].device_id[0] != '\0'
               ? registry->devices[slot].device_id
               : "?";
}

void registry_wipe(registry_t *registry)
{
    sodium_memzero(registry, sizeof *registry);
}
