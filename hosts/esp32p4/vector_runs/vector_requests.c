/* requests.json: request_signed_message gives the file's form status and signed message, and
 * request_verify at the vector's `now` its verify status; a request that verifies gives its nonce. */
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

void vector_run_requests(vector_run_t *run, const cJSON *root)
{
    vector_run_each(run, root, check_request);
}
