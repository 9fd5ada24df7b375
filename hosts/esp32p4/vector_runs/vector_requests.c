/* requests.json: request_signed_message gives the file's form status and signed message, and
 * request_verify at the vector's `now` its verify status; a request that verifies gives its nonce.
 * Each member of "accept" runs request_accept on a fresh instance. That instance holds the
 * network's key, and its id unless the vector's network_id is null. */
#include "vector_run.h"

#include <string.h>

#define REQUEST_MESSAGE_MAX 1024

static void check_message(vector_run_t *run, core_t *core, const cJSON *vector, const char *canonical)
{
    uint8_t message[REQUEST_MESSAGE_MAX];
    uint8_t expected[REQUEST_MESSAGE_MAX];
    int32_t len = core_request_signed_message(core, canonical, strlen(canonical), message,
                                              sizeof message);
    size_t expected_len;

    if (!vector_expect_status(run, core, len < 0 ? len : CORE_OK, vector_json_string(run, vector, "form")) ||
        len < 0) {
        return;
    }
    expected_len = vector_json_bytes(run, vector, "signed_message", expected, sizeof expected);
    if ((size_t)len != expected_len || memcmp(message, expected, expected_len) != 0) {
        vector_fail(run, "signed message of %d bytes differs from the file's %zu", (int)len,
                    expected_len);
    }
}

static void check_verify(vector_run_t *run, core_t *core, const cJSON *vector, const char *canonical)
{
    uint8_t signature[CORE_SIGNATURE_LEN];
    uint8_t key[CORE_KEY_LEN];
    char nonce[CORE_NONCE_HEX_LEN + 1];
    int32_t status;

    vector_json_bytes_exact(run, vector, "signature", signature, sizeof signature);
    vector_json_bytes_exact(run, vector, "public_key", key, sizeof key);
    status = core_request_verify(core, canonical, strlen(canonical), signature, key,
                                 vector_json_u32(run, vector, "now"));
    if (!vector_expect_status(run, core, status, vector_json_string(run, vector, "verify")) ||
        status != CORE_OK) {
        return;
    }
    if (!core_request_nonce(core, nonce) || strcmp(nonce, vector_json_string(run, vector, "nonce")) != 0) {
        vector_fail(run, "nonce differs from the file");
    }
}

static void check_request(vector_run_t *run, core_t *core, const cJSON *vector)
{
    const char *canonical = vector_json_string(run, vector, "canonical");

    check_message(run, core, vector, canonical);
    check_verify(run, core, vector, canonical);
}

/* One accept vector on a fresh instance, so no nonce of an earlier vector is in its cache. */
static void check_accept(vector_run_t *run, const uint8_t network_key[CORE_KEY_LEN], const cJSON *vector)
{
    const cJSON *network_id = cJSON_GetObjectItemCaseSensitive(vector, "network_id");
    const char *canonical = vector_json_string(run, vector, "canonical");
    uint8_t signature[CORE_SIGNATURE_LEN];
    core_t core;
    engine_t *engine = run->open(&core, run->open_ctx);
    int32_t status;

    if (engine == NULL) {
        vector_fail(run, "the engine did not open");
        return;
    }
    core_set_network_key(&core, network_key);
    if (cJSON_IsString(network_id)) {
        vector_expect_status(run, &core, core_network_id_set(&core, network_id->valuestring), "OK");
    } else if (!cJSON_IsNull(network_id)) {
        vector_fail(run, "network_id must be a string or null");
    }
    vector_json_bytes_exact(run, vector, "signature", signature, sizeof signature);
    status = core_request_accept(&core, canonical, strlen(canonical), signature,
                                 vector_json_u32(run, vector, "now"));
    vector_expect_status(run, &core, status, vector_json_string(run, vector, "accept"));
    vector_expect_u32(run, "replay_floor_due", core_replay_floor_due(&core) ? 1u : 0u, status == CORE_OK);
    engine_destroy(engine);
}

static void run_accepts(vector_run_t *run, const cJSON *root)
{
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
    const cJSON *network = cJSON_GetObjectItemCaseSensitive(keys, "network");
    uint8_t network_key[CORE_KEY_LEN] = { 0 };
    const cJSON *vector;

    cJSON_ArrayForEach(vector, vector_json_array(run, root, "accept")) {
        vector_begin(run, vector_json_string(run, vector, "name"));
        if (vector_json_bytes_exact(run, network, "public_key", network_key, sizeof network_key)) {
            check_accept(run, network_key, vector);
        }
        vector_end(run);
    }
}

void vector_run_requests(vector_run_t *run, const cJSON *root)
{
    vector_run_each(run, root, check_request);
    run_accepts(run, root);
}
