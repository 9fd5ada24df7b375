/* The Ed25519 sets (RFC 8032 section 7.1, Wycheproof's eddsa tests) through the core's
 * signature_verify, which checks S < L itself before the host's verify import. */
#include "vector_run.h"

#include <stdio.h>
#include <string.h>

#include "hb_hex.h"

#define ED25519_MESSAGE_MAX 2048

static void run_one(vector_run_t *run, core_t *core, const char *key_hex, const char *message_hex,
                    const char *signature_hex, bool must_verify)
{
    static uint8_t message[ED25519_MESSAGE_MAX];
    uint8_t key[CORE_KEY_LEN];
    uint8_t signature[CORE_SIGNATURE_LEN];
    size_t message_len = strlen(message_hex) / 2;
    int32_t status;

    if (hb_hex_decode(key_hex, key, sizeof key) != 0 || message_len > sizeof message ||
        hb_hex_decode(message_hex, message, message_len) != 0) {
        vector_fail(run, "key or message is not hex of the expected size");
        return;
    }

    /* A signature that is not 64 bytes never reaches the core: the host rejects it by length. */
    if (hb_hex_decode(signature_hex, signature, sizeof signature) != 0) {
        if (must_verify) {
            vector_fail(run, "a valid vector's signature is not 64 bytes");
        }
        return;
    }
    if (message_len > core->message.size) {
        vector_fail(run, "message of %zu bytes exceeds the core's %u-byte buffer", message_len,
                    (unsigned)core->message.size);
        return;
    }

    status = core_signature_verify(core, message, message_len, signature, key);
    if ((status == CORE_OK) != must_verify) {
        vector_fail(run, "status %d, expected %s", (int)status, must_verify ? "OK" : "a rejection");
    }
}

static void check_rfc8032(vector_run_t *run, core_t *core, const cJSON *vector)
{
    run_one(run, core, vector_json_string(run, vector, "publicKey"),
            vector_json_string(run, vector, "message"), vector_json_string(run, vector, "signature"),
            true);
}

void vector_run_ed25519_rfc8032(vector_run_t *run, const cJSON *root)
{
    vector_run_each(run, root, check_rfc8032);
}

void vector_run_ed25519_wycheproof(vector_run_t *run, const cJSON *root)
{
    core_t core;
    engine_t *engine = run->open(&core, run->open_ctx);
    const cJSON *group;

    if (engine == NULL) {
        run->failed++;
        return;
    }
    cJSON_ArrayForEach(group, vector_json_array(run, root, "testGroups")) {
        const cJSON *public_key = cJSON_GetObjectItemCaseSensitive(group, "publicKey");
        const char *key = vector_json_string(run, public_key, "pk");
        const cJSON *test;

        cJSON_ArrayForEach(test, vector_json_array(run, group, "tests")) {
            const char *result;
            char label[32];

            snprintf(label, sizeof label, "wycheproof tcId %u", (unsigned)vector_json_u32(run, test, "tcId"));
            vector_begin(run, label);
            result = vector_json_string(run, test, "result");
            /* "acceptable" allows either outcome; the file has none, so every test is checked. */
            if (strcmp(result, "valid") != 0 && strcmp(result, "invalid") != 0) {
                vector_fail(run, "result %s is neither valid nor invalid", result);
            } else {
                run_one(run, &core, key, vector_json_string(run, test, "msg"),
                        vector_json_string(run, test, "sig"), strcmp(result, "valid") == 0);
            }
            vector_end(run);
        }
    }
    engine_destroy(engine);
}
