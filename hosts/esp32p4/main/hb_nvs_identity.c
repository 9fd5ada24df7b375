/* Reads the home base's identity from NVS (hb_nvs_identity.h). The fields are put together as the
 * provisioning file's JSON and given to registry_parse, so the device checks them with exactly the
 * rules of the Linux build and derives the key pair the same way. Only hardware can show that the
 * partition image written by `esptool.py write_flash` is the one this code reads. */
#include "hb_nvs_identity.h"

#include <cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "esp_log.h"
#include "hb_hex.h"
#include "nvs.h"
#include "nvs_flash.h"

static const char *TAG = "hb_nvs_identity";

/* The longest string entry: central_url's 255 characters and the NUL. */
#define NVS_STRING_MAX_LEN REGISTRY_URL_LEN
#define NVS_KEY_BYTES 32

esp_err_t hb_nvs_identity_init(void)
{
    esp_err_t err = nvs_flash_init();

    if (err != ESP_OK) {
        ESP_LOGE(TAG, "nvs_flash_init failed: %s; the partition is left as it is, since erasing it "
                 "would erase the identity (write a new image with tools/nvs-provisioning)",
                 esp_err_to_name(err));
    }
    return err;
}

static esp_err_t missing(esp_err_t err, const char *key, char *error)
{
    if (err == ESP_ERR_NVS_NOT_FOUND) {
        snprintf(error, REGISTRY_ERROR_LEN, "nvs key %s/%s is missing; write the provisioning "
                 "image first", HB_NVS_NAMESPACE, key);
    } else {
        snprintf(error, REGISTRY_ERROR_LEN, "nvs key %s/%s not read: %s", HB_NVS_NAMESPACE, key,
                 esp_err_to_name(err));
    }
    return err;
}

/* Copies the string entry `key` into `json` under the same name as the provisioning file's field. */
static esp_err_t add_string(nvs_handle_t handle, const char *key, const char *field, cJSON *json,
                            char *error)
{
    char value[NVS_STRING_MAX_LEN];
    size_t len = sizeof value;
    esp_err_t err = nvs_get_str(handle, key, value, &len);

    if (err != ESP_OK) {
        return missing(err, key, error);
    }
    return cJSON_AddStringToObject(json, field, value) != NULL ? ESP_OK : ESP_ERR_NO_MEM;
}

/* Copies the 32-byte blob `key` into `json` as 64 hex characters; the copies are wiped. */
static esp_err_t add_key(nvs_handle_t handle, const char *key, const char *field, cJSON *json,
                         char *error)
{
    uint8_t bytes[NVS_KEY_BYTES];
    char hex[2 * NVS_KEY_BYTES + 1];
    size_t len = sizeof bytes;
    esp_err_t err = nvs_get_blob(handle, key, bytes, &len);

    if (err == ESP_OK && len != NVS_KEY_BYTES) {
        snprintf(error, REGISTRY_ERROR_LEN, "nvs key %s/%s holds %u bytes, expected %u",
                 HB_NVS_NAMESPACE, key, (unsigned)len, (unsigned)NVS_KEY_BYTES);
        err = ESP_ERR_INVALID_SIZE;
    } else if (err == ESP_ERR_NVS_INVALID_LENGTH) {
        snprintf(error, REGISTRY_ERROR_LEN, "nvs key %s/%s is longer than %u bytes",
                 HB_NVS_NAMESPACE, key, (unsigned)NVS_KEY_BYTES);
    } else if (err != ESP_OK) {
        missing(err, key, error);
    } else {
        hb_hex_encode(bytes, sizeof bytes, hex);
        err = cJSON_AddStringToObject(json, field, hex) != NULL ? ESP_OK : ESP_ERR_NO_MEM;
    }
    sodium_memzero(bytes, sizeof bytes);
    sodium_memzero(hex, sizeof hex);
    return err;
}

static esp_err_t add_seconds(nvs_handle_t handle, const char *key, const char *field, cJSON *json,
                             char *error)
{
    uint32_t value = 0;
    esp_err_t err = nvs_get_u32(handle, key, &value);

    if (err != ESP_OK) {
        return missing(err, key, error);
    }
    return cJSON_AddNumberToObject(json, field, value) != NULL ? ESP_OK : ESP_ERR_NO_MEM;
}

static esp_err_t read_fields(nvs_handle_t handle, cJSON *json, char *error)
{
    esp_err_t err;

    if ((err = add_string(handle, HB_NVS_KEY_NETWORK_ID, "network_id", json, error)) != ESP_OK ||
        (err = add_string(handle, HB_NVS_KEY_HOME_BASE_ID, "home_base_id", json, error)) != ESP_OK ||
        (err = add_key(handle, HB_NVS_KEY_PRIVATE_KEY, "private_key", json, error)) != ESP_OK ||
        (err = add_key(handle, HB_NVS_KEY_NETWORK_PUBLIC_KEY, "network_public_key", json,
                       error)) != ESP_OK ||
        (err = add_string(handle, HB_NVS_KEY_CENTRAL_URL, "central_url", json, error)) != ESP_OK ||
        (err = add_seconds(handle, HB_NVS_KEY_BATCH_INTERVAL, "batch_interval_sec", json,
                           error)) != ESP_OK) {
        return err;
    }
    return add_seconds(handle, HB_NVS_KEY_OFFLINE_AFTER, "offline_after_sec", json, error);
}

/* Wipes the hex seed inside `json` before the tree is freed. */
static void delete_wiped(cJSON *json)
{
    cJSON *seed = cJSON_GetObjectItemCaseSensitive(json, "private_key");

    if (cJSON_IsString(seed)) {
        sodium_memzero(seed->valuestring, strlen(seed->valuestring));
    }
    cJSON_Delete(json);
}

static esp_err_t parse_fields(cJSON *json, registry_t *registry, char *error)
{
    char *text = cJSON_PrintUnformatted(json);
    int result;

    if (text == NULL) {
        snprintf(error, REGISTRY_ERROR_LEN, "identity not assembled: out of memory");
        return ESP_ERR_NO_MEM;
    }
    result = registry_parse(registry, text, error);
    sodium_memzero(text, strlen(text));
    cJSON_free(text);
    return result == 0 ? ESP_OK : ESP_ERR_INVALID_ARG;
}

esp_err_t hb_nvs_identity_load(registry_t *registry, char *error)
{
    nvs_handle_t handle;
    cJSON *json;
    esp_err_t err;

    memset(registry, 0, sizeof *registry);
    error[0] = '\0';
    err = nvs_open(HB_NVS_NAMESPACE, NVS_READONLY, &handle);
    if (err != ESP_OK) {
        snprintf(error, REGISTRY_ERROR_LEN, "nvs namespace %s not opened: %s; write the "
                 "provisioning image first", HB_NVS_NAMESPACE, esp_err_to_name(err));
        return err;
    }

    json = cJSON_CreateObject();
    if (json == NULL) {
        nvs_close(handle);
        snprintf(error, REGISTRY_ERROR_LEN, "identity not assembled: out of memory");
        return ESP_ERR_NO_MEM;
    }
    err = read_fields(handle, json, error);
    nvs_close(handle);

    if (err == ESP_OK) {
        err = parse_fields(json, registry, error);
    }
    delete_wiped(json);
    if (err != ESP_OK) {
        registry_wipe(registry);
    }
    /* cJSON's allocations are the one failure that names no key. */
    if (err != ESP_OK && error[0] == '\0') {
        snprintf(error, REGISTRY_ERROR_LEN, "identity not assembled: %s", esp_err_to_name(err));
    }
    return err;
}
