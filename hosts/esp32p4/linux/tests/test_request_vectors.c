/* Runs core/vectors/requests.json through this engine. Each vector goes through
 * request_signed_message (form and signed message) and request_verify at the vector's `now`, and
 * each request that verifies OK must give its nonce. Each accept vector goes through request_accept
 * on a fresh instance that holds the network's key and id. The expected values come from the
 * independent generator, as for the Node runners. */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "vector_file.h"

#define MESSAGE_MAX 1024

static void request_form_and_message(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("requests.json");
    const cJSON *vector;
    uint8_t message[MESSAGE_MAX];
    uint8_t expected[MESSAGE_MAX];

    (void)state;
    cJSON_ArrayForEach(vector, vector_array(root, "vectors")) {
        const char *canonical = vector_string(vector, "canonical");
        int32_t len = core_request_signed_message(&core, canonical, strlen(canonical), message,
                                                  sizeof message);

        vector_assert_status(&core, len < 0 ? len : CORE_OK, vector_string(vector, "form"),
                             vector_string(vector, "name"));
        if (len >= 0) {
            size_t expected_len = vector_bytes(vector, "signed_message", expected, sizeof expected);

            assert_int_equal((size_t)len, expected_len);
            assert_memory_equal(message, expected, expected_len);
        }
    }
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void request_verify_and_nonce(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("requests.json");
    const cJSON *vector;
    int verified = 0;

    (void)state;
    cJSON_ArrayForEach(vector, vector_array(root, "vectors")) {
        const char *canonical = vector_string(vector, "canonical");
        const char *label = vector_string(vector, "name");
        uint8_t signature[CORE_SIGNATURE_LEN];
        uint8_t key[CORE_KEY_LEN];
        char nonce[CORE_NONCE_HEX_LEN + 1];
        int32_t status;

        vector_bytes_exact(vector, "signature", signature, sizeof signature);
        vector_bytes_exact(vector, "public_key", key, sizeof key);
        status = core_request_verify(&core, canonical, strlen(canonical), signature, key,
                                     vector_u32(vector, "now"));
        vector_assert_status(&core, status, vector_string(vector, "verify"), label);
        if (status != CORE_OK) {
            continue;
        }

        assert_true(core_request_nonce(&core, nonce));
        assert_string_equal(nonce, vector_string(vector, "nonce"));
        verified++;
    }
    printf("requests: %d verified with their nonce\n", verified);
    assert_true(verified > 0);
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void request_accept_network_key(void **state)
{
    cJSON *root = vector_load("requests.json");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
    const cJSON *network = cJSON_GetObjectItemCaseSensitive(keys, "network");
    uint8_t network_key[CORE_KEY_LEN];
    const cJSON *vector;
    int accepted = 0;

    (void)state;
    vector_bytes_exact(network, "public_key", network_key, sizeof network_key);
    cJSON_ArrayForEach(vector, vector_array(root, "accept")) {
        const char *canonical = vector_string(vector, "canonical");
        const char *label = vector_string(vector, "name");
        const cJSON *network_id = cJSON_GetObjectItemCaseSensitive(vector, "network_id");
        uint8_t signature[CORE_SIGNATURE_LEN];
        core_t core;
        engine_t *engine = test_open_engine(&core);
        int32_t status;

        core_set_network_key(&core, network_key);
        if (cJSON_IsString(network_id)) {
            assert_int_equal(core_network_id_set(&core, network_id->valuestring), CORE_OK);
        }
        vector_bytes_exact(vector, "signature", signature, sizeof signature);
        status = core_request_accept(&core, canonical, strlen(canonical), signature,
                                     vector_u32(vector, "now"));
        vector_assert_status(&core, status, vector_string(vector, "accept"), label);
        accepted += status == CORE_OK;
        engine_destroy(engine);
    }
    printf("requests: %d accepted under the network key\n", accepted);
    assert_true(accepted > 0);
    cJSON_Delete(root);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_form_and_message),
        cmocka_unit_test(request_verify_and_nonce),
        cmocka_unit_test(request_accept_network_key),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("request vectors", tests, NULL, NULL);
}
