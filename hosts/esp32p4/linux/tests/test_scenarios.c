/* Runs core/vectors/scenarios.json through this engine with the shared checks of
 * hosts/esp32p4/vector_runs/vector_scenarios.c (also run on rv32 under QEMU). Each scenario's steps
 * run in order on a fresh core instance, and a `restart` step replaces the instance, as after a
 * power cut before replay_import. Statuses, slots, flags, floors and exported states must equal the
 * file, which the independent generator wrote and the Node runners read. */
#include "support.h"

static void scenarios_step_by_step(void **state)
{
    (void)state;
    test_vector_set("scenarios.json", vector_run_scenarios, 1);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scenarios_step_by_step),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
