/* Runs core/vectors/scenarios.json through this engine. Each scenario's steps run in order on a
 * fresh core instance. A `restart` step replaces the instance with a fresh one, so all state is
 * lost, as after a power cut before replay_import. Statuses, slots, flags, floors and exported
 * states must equal the file, which the independent generator wrote and the Node runners read. */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "vector_file.h"

#define FRAME_MAX 2048
#define STATE_MAX 4096
#define TEXT_MAX 1024
#define BATCH_JSON_MAX (65536 + 1)

typedef struct {
    engine_t *engine;
    core_t core;
    const char *scenario;
    int step;
    char label[160];
} scenario_run_t;

static void start_instance(scenario_run_t *run)
{
    run->engine = test_open_engine(&run->core);
}

static void stop_instance(scenario_run_t *run)
{
    engine_destroy(run->engine);
    run->engine = NULL;
}

static void assert_step_u32(scenario_run_t *run, const char *field, uint32_t actual,
                            uint32_t expected)
{
    if (actual != expected) {
        fail_msg("%s: %s is %u, expected %u", run->label, field, (unsigned)actual,
                 (unsigned)expected);
    }
}

/* Checks an optional u32 field of the step when the file gives it. */
static void check_optional(scenario_run_t *run, const cJSON *step, const char *field,
                           uint32_t actual)
{
    if (vector_has(step, field)) {
        assert_step_u32(run, field, actual, vector_u32(step, field));
    }
}

/* Checks an optional signed field (a slot, -1 for the home base itself). */
static void check_optional_slot(scenario_run_t *run, const cJSON *step, int32_t actual)
{
    if (vector_has(step, "slot") && actual != (int32_t)vector_number(step, "slot")) {
        fail_msg("%s: slot is %d, expected %d", run->label, (int)actual,
                 (int)vector_number(step, "slot"));
    }
}

static bool passed(int32_t status)
{
    return status == CORE_OK || status == CORE_COMMAND_REPEATED;
}

static void check_floor_due(scenario_run_t *run, const cJSON *step)
{
    check_optional(run, step, "floor_due", core_replay_floor_due(&run->core) ? 1u : 0u);
}

static void run_frame_accept(scenario_run_t *run, const cJSON *step)
{
    core_t *core = &run->core;
    uint8_t frame[FRAME_MAX];
    size_t len = vector_bytes(step, "frame", frame, sizeof frame);
    int32_t status = core_frame_accept(core, frame, len, vector_u32(step, "now"));
    uint32_t slot;

    vector_assert_status(core, status, vector_string(step, "status"), run->label);
    check_floor_due(run, step);
    if (!passed(status)) {
        return;
    }

    slot = core_frame_slot(core);
    check_optional_slot(run, step, (int32_t)slot);
    check_optional(run, step, "came_online", core_frame_came_online(core) ? 1u : 0u);
    check_optional(run, step, "key_rotated", core_frame_key_rotated(core) ? 1u : 0u);
    check_optional(run, step, "frame_floor", core_device_frame_floor(core, slot));
    check_optional(run, step, "highest_seq", core_device_highest_seq(core, slot));
}

static void run_command_accept(scenario_run_t *run, const cJSON *step)
{
    core_t *core = &run->core;
    uint8_t frame[FRAME_MAX];
    size_t len = vector_bytes(step, "frame", frame, sizeof frame);
    int32_t status = core_command_accept(core, frame, len, vector_u32(step, "now"));
    core_command_t command;
    int32_t slot;

    vector_assert_status(core, status, vector_string(step, "status"), run->label);
    check_floor_due(run, step);
    if (!passed(status)) {
        return;
    }

    slot = core_command_slot(core);
    assert_true(core_command_read(core, &command));
    check_optional_slot(run, step, slot);
    check_optional(run, step, "command_id", command.id);
    check_optional(run, step, "command_code", command.code);
    check_optional(run, step, "command_floor", slot < 0 ? core_self_command_floor(core)
                                                        : core_device_command_floor(core, (uint32_t)slot));
}

static void run_request_accept(scenario_run_t *run, const cJSON *step)
{
    core_t *core = &run->core;
    const char *text = vector_string(step, "text");
    uint8_t signature[CORE_SIGNATURE_LEN];
    int32_t status;

    vector_bytes_exact(step, "signature", signature, sizeof signature);
    status = core_request_accept(core, text, strlen(text), signature, vector_u32(step, "now"));
    vector_assert_status(core, status, vector_string(step, "status"), run->label);
    check_floor_due(run, step);
}

static void run_batch_seal(scenario_run_t *run, const cJSON *step)
{
    static char json[BATCH_JSON_MAX];
    core_t *core = &run->core;
    int32_t len;

    assert_true(core_batch_max_len(core) < sizeof json);
    len = core_batch_seal(core, vector_u32(step, "now"), json, sizeof json);
    if (len <= 0) {
        vector_assert_status(core, len, "a sealed batch", run->label);
    }
    assert_step_u32(run, "seq", core_batch_sealed_seq(core), vector_u32(step, "seq"));
    assert_step_u32(run, "floor_due", core_replay_floor_due(core) ? 1u : 0u,
                    vector_u32(step, "floor_due"));
    assert_step_u32(run, "batch_floor", core_batch_floor(core), vector_u32(step, "batch_floor"));
}

static void run_replay_export(scenario_run_t *run, const cJSON *step)
{
    static uint8_t state[STATE_MAX];
    static uint8_t expected[STATE_MAX];
    core_t *core = &run->core;
    size_t expected_len = vector_bytes(step, "state", expected, sizeof expected);
    int32_t len;

    assert_true(core_replay_state_max_len(core) <= sizeof state);
    len = core_replay_export(core, vector_u32(step, "now"), state, sizeof state);
    if (len < 0 || (size_t)len != expected_len || memcmp(state, expected, expected_len) != 0) {
        fail_msg("%s: exported state of %d bytes differs from the file's %zu bytes", run->label,
                 (int)len, expected_len);
    }
}

static void run_replay_import(scenario_run_t *run, const cJSON *step)
{
    static uint8_t state[STATE_MAX];
    core_t *core = &run->core;
    size_t len = vector_bytes(step, "state", state, sizeof state);

    vector_assert_status(core, core_replay_import(core, state, len, vector_u32(step, "now")),
                         vector_string(step, "status"), run->label);
}

static void run_step(scenario_run_t *run, const cJSON *step)
{
    core_t *core = &run->core;
    const char *op = vector_string(step, "op");
    uint8_t key[CORE_KEY_LEN];

    snprintf(run->label, sizeof run->label, "scenario \"%s\" step %d (%s)", run->scenario,
             run->step, op);

    if (strcmp(op, "restart") == 0) {
        stop_instance(run);
        start_instance(run);
    } else if (strcmp(op, "network_key") == 0) {
        vector_bytes_exact(step, "public_key", key, sizeof key);
        core_set_network_key(core, key);
    } else if (strcmp(op, "self_set") == 0) {
        vector_assert_status(core, core_self_set(core, vector_string(step, "device_id")),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "device_set") == 0) {
        vector_bytes_exact(step, "public_key", key, sizeof key);
        vector_assert_status(core, core_device_set(core, vector_u32(step, "slot"),
                                                   vector_string(step, "device_id"), key),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "device_set_next_key") == 0) {
        vector_bytes_exact(step, "public_key", key, sizeof key);
        vector_assert_status(core, core_device_set_next_key(core, vector_u32(step, "slot"), key),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "device_clear") == 0) {
        vector_assert_status(core, core_device_clear(core, vector_u32(step, "slot")),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "frame_precheck") == 0) {
        uint8_t frame[FRAME_MAX];
        size_t len = vector_bytes(step, "frame", frame, sizeof frame);

        vector_assert_status(core, core_frame_precheck(core, frame, len, vector_u32(step, "now")),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "frame_accept") == 0) {
        run_frame_accept(run, step);
    } else if (strcmp(op, "command_accept") == 0) {
        run_command_accept(run, step);
    } else if (strcmp(op, "network_id") == 0) {
        vector_assert_status(core, core_network_id_set(core, vector_string(step, "network_id")),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "request_accept") == 0) {
        run_request_accept(run, step);
    } else if (strcmp(op, "batch_configure") == 0) {
        vector_assert_status(core, core_batch_configure(core, vector_string(step, "key_id"),
                                                        vector_u32(step, "interval_sec"),
                                                        vector_u32(step, "next_seq")),
                             vector_string(step, "status"), run->label);
    } else if (strcmp(op, "batch_seal") == 0) {
        run_batch_seal(run, step);
    } else if (strcmp(op, "replay_export") == 0) {
        run_replay_export(run, step);
    } else if (strcmp(op, "replay_import") == 0) {
        run_replay_import(run, step);
    } else {
        fail_msg("%s: unknown op", run->label);
    }
}

static void scenarios_step_by_step(void **state)
{
    cJSON *root = vector_load("scenarios.json");
    const cJSON *scenario;
    int scenarios = 0;
    int steps = 0;

    (void)state;
    cJSON_ArrayForEach(scenario, vector_array(root, "scenarios")) {
        scenario_run_t run = { 0 };
        const cJSON *step;

        run.scenario = vector_string(scenario, "name");
        start_instance(&run);
        cJSON_ArrayForEach(step, vector_array(scenario, "steps")) {
            run.step++;
            run_step(&run, step);
        }
        stop_instance(&run);
        scenarios++;
        steps += run.step;
    }
    printf("scenarios: %d run, %d steps\n", scenarios, steps);
    assert_true(scenarios > 0);
    cJSON_Delete(root);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scenarios_step_by_step),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("scenarios", tests, NULL, NULL);
}
