/* Opens the values of core/vectors/sealed-keys.json the way a device firmware opens a rotate_key
 * command's sealed value (docs/protocol.md section 7). The device's Ed25519 key pair comes from its
 * seed, both halves are converted to X25519, and libsodium's crypto_box_seal_open opens the value.
 * A sealed value must open to the new seed the file gives, and a tampered one must fail to open.
 * No core is involved, so this checks that the generator's sealing and libsodium's opening agree. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "vector_file.h"

#define SEED_LEN 32
#define SEALED_LEN (crypto_box_SEALBYTES + SEED_LEN)

/* Opens `sealed` with the key pair of `device_seed`; returns 0 and writes the seed, or -1. */
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

static void sealed_keys_open_or_fail(void **state)
{
    cJSON *root = vector_load("sealed-keys.json");
    const cJSON *vector;
    int opened = 0;
    int failed = 0;

    (void)state;
    cJSON_ArrayForEach(vector, vector_array(root, "vectors")) {
        const char *label = vector_string(vector, "name");
        uint8_t device_seed[SEED_LEN];
        uint8_t sealed[SEALED_LEN + 16];
        uint8_t new_seed[SEED_LEN];
        size_t sealed_len = vector_bytes(vector, "sealed", sealed, sizeof sealed);
        int result;

        vector_bytes_exact(vector, "device_seed", device_seed, sizeof device_seed);
        result = open_sealed_seed(device_seed, sealed, sealed_len, new_seed);

        if (vector_has(vector, "new_seed")) {
            uint8_t expected[SEED_LEN];

            vector_bytes_exact(vector, "new_seed", expected, sizeof expected);
            if (result != 0) {
                fail_msg("sealed key \"%s\" did not open", label);
            }
            assert_memory_equal(new_seed, expected, SEED_LEN);
            opened++;
        } else {
            if (result == 0) {
                fail_msg("sealed key \"%s\" opened, expected a failure", label);
            }
            failed++;
        }
    }
    printf("sealed keys: %d opened, %d rejected\n", opened, failed);
    assert_true(opened > 0);
    assert_true(failed > 0);
    cJSON_Delete(root);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sealed_keys_open_or_fail),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("sealed keys", tests, NULL, NULL);
}
