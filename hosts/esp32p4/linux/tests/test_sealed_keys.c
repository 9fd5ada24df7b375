/* Opens the rotate_key vectors of core/vectors/sealed-keys.json the way a device firmware does
 * (docs/protocol.md section 7). The core checks each command frame under the network key and
 * decodes its `sealed` argument. The device's Ed25519 key pair comes from its seed, both halves are
 * converted to X25519, and libsodium's crypto_box_seal_open opens the decoded value. A value must
 * open to the file's new seed when `opens` is true, and fail to open when it is false. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "vector_file.h"

#define SEED_LEN 32
#define SEALED_LEN (crypto_box_SEALBYTES + SEED_LEN)
#define FRAME_MAX 2048
#define COMMAND_ROTATE_KEY 4

/* Opens `sealed` with the key pair of `device_seed`. Returns 0 and writes the seed, or -1. */
static int open_sealed_seed(const uint8_t device_seed[SEED_LEN], const uint8_t *sealed,
                            size_t sealed_len, uint8_t new_seed[SEED_LEN])
{
    uint8_t ed_public[crypto_sign_PUBLICKEYBYTES];
    uint8_t ed_secret[crypto_sign_SECRETKEYBYTES];
    uint8_t x_public[crypto_scalarmult_curve25519_BYTES];
    uint8_t x_secret[crypto_scalarmult_curve25519_BYTES];
    int result = -1;

    crypto_sign_seed_keypair(ed_public, ed_secret, device_seed);
    if (crypto_sign_ed25519_pk_to_curve25519(x_public, ed_public) == 0 &&
        crypto_sign_ed25519_sk_to_curve25519(x_secret, ed_secret) == 0 &&
        sealed_len == SEALED_LEN) {
        result = crypto_box_seal_open(new_seed, sealed, sealed_len, x_public, x_secret);
    }

    sodium_memzero(ed_secret, sizeof ed_secret);
    sodium_memzero(x_secret, sizeof x_secret);
    return result;
}

static void assert_public_key_of_seed(const cJSON *vector, const char *seed_field,
                                      const char *key_field)
{
    uint8_t seed[SEED_LEN];
    uint8_t expected[crypto_sign_PUBLICKEYBYTES];
    uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
    uint8_t secret_key[crypto_sign_SECRETKEYBYTES];

    vector_bytes_exact(vector, seed_field, seed, sizeof seed);
    vector_bytes_exact(vector, key_field, expected, sizeof expected);
    crypto_sign_seed_keypair(public_key, secret_key, seed);
    assert_memory_equal(public_key, expected, sizeof expected);
}

/* Checks the command frame through the core and copies its decoded `sealed` argument. */
static void decode_rotate_key(core_t *core, const cJSON *vector, const uint8_t network_key[32],
                              uint8_t sealed[SEALED_LEN])
{
    uint8_t frame[FRAME_MAX];
    uint8_t expected[SEALED_LEN];
    size_t len = vector_bytes(vector, "command_frame", frame, sizeof frame);
    char device_id[CORE_DEVICE_ID_LEN];
    core_command_t command;

    core_set_network_key(core, network_key);
    vector_assert_status(core, core_frame_verify(core, frame, len, network_key), "OK",
                         vector_string(vector, "name"));
    assert_true(core_command_read(core, &command));
    assert_int_equal(command.code, COMMAND_ROTATE_KEY);
    assert_true(core_frame_device_id(core, CORE_OK, device_id));
    assert_string_equal(device_id, vector_string(vector, "device_id"));

    assert_int_equal(command.decoded_len, SEALED_LEN);
    vector_bytes_exact(vector, "sealed", expected, sizeof expected);
    assert_memory_equal(command.decoded, expected, SEALED_LEN);
    memcpy(sealed, command.decoded, SEALED_LEN);
}

static void sealed_keys_open_or_fail(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("sealed-keys.json");
    const cJSON *vector;
    uint8_t network_key[32];
    int opened = 0;
    int rejected = 0;

    (void)state;
    vector_bytes_exact(root, "network_public_key", network_key, sizeof network_key);
    cJSON_ArrayForEach(vector, vector_array(root, "vectors")) {
        const char *label = vector_string(vector, "name");
        const cJSON *opens = cJSON_GetObjectItemCaseSensitive(vector, "opens");
        uint8_t device_seed[SEED_LEN];
        uint8_t sealed[SEALED_LEN];
        uint8_t new_seed[SEED_LEN];
        uint8_t expected[SEED_LEN];
        int result;

        assert_true(cJSON_IsBool(opens));
        assert_public_key_of_seed(vector, "device_seed", "device_public_key");
        assert_public_key_of_seed(vector, "new_seed", "new_public_key");
        decode_rotate_key(&core, vector, network_key, sealed);

        vector_bytes_exact(vector, "device_seed", device_seed, sizeof device_seed);
        vector_bytes_exact(vector, "new_seed", expected, sizeof expected);
        result = open_sealed_seed(device_seed, sealed, sizeof sealed, new_seed);
        if (cJSON_IsTrue(opens)) {
            if (result != 0) {
                fail_msg("sealed key \"%s\" did not open", label);
            }
            assert_memory_equal(new_seed, expected, SEED_LEN);
            opened++;
        } else {
            if (result == 0) {
                fail_msg("sealed key \"%s\" opened, expected a failure", label);
            }
            rejected++;
        }
    }
    printf("sealed keys: %d opened, %d rejected\n", opened, rejected);
    assert_true(opened > 0);
    assert_true(rejected > 0);
    cJSON_Delete(root);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sealed_keys_open_or_fail),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("sealed keys", tests, NULL, NULL);
}
