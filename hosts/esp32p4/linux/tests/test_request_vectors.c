/* Runs core/vectors/requests.json through this engine with the shared checks of
 * hosts/esp32p4/vector_runs/vector_requests.c (also run on rv32 under QEMU): form and signed
 * message, request_verify at the vector's `now`, and the nonce of each request that verifies. The
 * expected values come from the independent generator, as for the Node runners. */
#include "support.h"

#include <stdio.h>

#include "vector_file.h"
#include "vector_run.h"

static void requests_form_verify_and_nonce(void **state)
{
    cJSON *root = vector_load("requests.json");
    vector_run_t run;

    (void)state;
    vector_run_init(&run, test_open_engine_for_run, NULL);
    vector_run_requests(&run, root);
    printf("requests: %d vectors matched, %d mismatched\n", run.passed, run.failed);
    assert_int_equal(run.failed, 0);
    assert_true(run.passed > 0);
    cJSON_Delete(root);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_form_verify_and_nonce),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("request vectors", tests, NULL, NULL);
}
