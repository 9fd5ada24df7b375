/* The shared vectors of core/vectors through this engine: Ed25519 (RFC 8032, Wycheproof) through
 * signature_verify, and the accept and batch vectors written by the independent generator in
 * core/vectors/generate.ts, with the checks of hosts/esp32p4/vector_runs that the rv32 runner under
 * QEMU shares. Every host runs the same files; frames, requests, scenarios and sealed
 * keys have their own test files. */
#include "support.h"

static void ed25519_rfc8032_vectors(void **state)
{
    (void)state;
    test_vector_set("ed25519-rfc8032.json", vector_run_ed25519_rfc8032, 5);
}

static void ed25519_wycheproof_vectors(void **state)
{
    (void)state;
    test_vector_set("ed25519-wycheproof.json", vector_run_ed25519_wycheproof, 151);
}

/* accept.json and batch.json through hosts/esp32p4/vector_runs/vector_accept.c: every step counts. */
static void accept_vectors_in_order(void **state)
{
    (void)state;
    test_vector_set("accept.json", vector_run_accept, 2);
}

static void batch_vectors_byte_for_byte(void **state)
{
    (void)state;
    test_vector_set("batch.json", vector_run_batch, 2);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ed25519_rfc8032_vectors),
        cmocka_unit_test(ed25519_wycheproof_vectors),
        cmocka_unit_test(accept_vectors_in_order),
        cmocka_unit_test(batch_vectors_byte_for_byte),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("vectors", tests, NULL, NULL);
}
