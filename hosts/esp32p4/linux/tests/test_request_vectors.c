/* Runs core/vectors/requests.json through this engine with the shared checks of
 * hosts/esp32p4/vector_runs/vector_requests.c (also run on rv32 under QEMU): form and signed
 * message, request_verify at the vector's `now`, and the nonce of each request that verifies. The
 * expected values come from the independent generator, as for the Node runners. */
#include "support.h"

static void requests_form_verify_and_nonce(void **state)
{
    (void)state;
    test_vector_set("requests.json", vector_run_requests, 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_form_verify_and_nonce),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("request vectors", tests, NULL, NULL);
}
