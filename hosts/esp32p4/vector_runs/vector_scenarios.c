/* scenarios.json: each scenario's steps run in order on a fresh core instance; a `restart` step
 * replaces the instance with a fresh one, so all state is lost, as after a power cut before
 * replay_import. Statuses, slots, flags, floors and exported states must equal the file, which the
 * independent generator wrote. One scenario counts as one vector. */
#include "vector_run.h"

#include <stdio.h>
#include <string.h>

#define SCENARIO_FRAME_MAX 2048
#define SCENARIO_STATE_MAX 4096
#define SCENARIO_BATCH_MAX (65536 + 1)

typedef struct {
    vector_run_t *run;
    engine_t *engine;
    core_t core;
} scenario_t;

static bool start_instance(scenario_t *scenario)
{
    scenario->engine = scenario->run->open(&scenario->core, scenario->run->open_ctx);
    if (scenario->engine == NULL) {
        vector_fail(scenario->run, "the engine did not open");
    }
    return scenario->engine != NULL;
}

static void stop_instance(scenario_t *scenario)
{
    engine_destroy(scenario->engine);
    scenario->engine = NULL;
}

/* Checks an optional u32 field of the step when the file gives it. */
static void check_optional(vector_run_t *run, const cJSON *step, const char *field, uint32_t actual)
{
    if (vector_json_has(step, field)) {
        vector_expect_u32(run, field, actual, vector_json_u32(run, step, field));
    }
}

/* Checks the optional signed `slot` (-1 for the home base itself). */
static void check_optional_slot(vector_run_t *run, const cJSON *step, int32_t actual)
{
    if (vector_json_has(step, "slot") && actual != vector_json_i32(run, step, "slot")) {
        vector_fail(run, "slot is %d, expected %d", (int)actual, (int)vector_json_i32(run, step, "slot"));
    }
}

static bool passed(int32_t status)
{
    return status == CORE_OK || status == CORE_COMMAND_REPEATED;
}

typedef int32_t (*accept_fn)(core_t *core, const uint8_t *frame, size_t len, uint32_t now);

/* Runs a frame_accept or command_accept step up to its status and floor_due checks, and returns
 * whether the frame passed, so the caller checks what follows. */
static bool run_accept(scenario_t *scenario, const cJSON *step, accept_fn accept)
{
    static uint8_t frame[SCENARIO_FRAME_MAX];
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    size_t len = vector_json_bytes(run, step, "frame", frame, sizeof frame);
    int32_t status = accept(core, frame, len, vector_json_u32(run, step, "now"));

    vector_expect_status(run, core, status, vector_json_string(run, step, "status"));
    check_optional(run, step, "floor_due", core_replay_floor_due(core) ? 1u : 0u);
    return passed(status);
}

static void run_frame_accept(scenario_t *scenario, const cJSON *step)
{
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    uint32_t slot;

    if (!run_accept(scenario, step, core_frame_accept)) {
        return;
    }

    slot = core_frame_slot(core);
    check_optional_slot(run, step, (int32_t)slot);
    check_optional(run, step, "came_online", core_frame_came_online(core) ? 1u : 0u);
    check_optional(run, step, "key_rotated", core_frame_key_rotated(core) ? 1u : 0u);
    check_optional(run, step, "frame_floor", core_device_frame_floor(core, slot));
    check_optional(run, step, "highest_seq", core_device_highest_seq(core, slot));
}

static void run_command_accept(scenario_t *scenario, const cJSON *step)
{
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    core_command_t command;
    int32_t slot;

    if (!run_accept(scenario, step, core_command_accept)) {
        return;
    }

    slot = core_command_slot(core);
    if (!core_command_read(core, &command)) {
        vector_fail(run, "command getters failed");
        return;
    }
    check_optional_slot(run, step, slot);
    check_optional(run, step, "command_id", command.id);
    check_optional(run, step, "command_code", command.code);
    check_optional(run, step, "command_floor", slot < 0 ? core_self_command_floor(core)
                                                        : core_device_command_floor(core, (uint32_t)slot));
}

static void run_request_accept(scenario_t *scenario, const cJSON *step)
{
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    const char *text = vector_json_string(run, step, "text");
    uint8_t signature[CORE_SIGNATURE_LEN];
    int32_t status;

    vector_json_bytes_exact(run, step, "signature", signature, sizeof signature);
    status = core_request_accept(core, text, strlen(text), signature,
                                 vector_json_u32(run, step, "now"));
    vector_expect_status(run, core, status, vector_json_string(run, step, "status"));
    check_optional(run, step, "floor_due", core_replay_floor_due(core) ? 1u : 0u);
}

static void run_batch_seal(scenario_t *scenario, const cJSON *step)
{
    static char json[SCENARIO_BATCH_MAX];
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    int32_t len;

    if (core_batch_max_len(core) >= sizeof json) {
        vector_fail(run, "the core's batch exceeds the runner's buffer");
        return;
    }
    len = core_batch_seal(core, vector_json_u32(run, step, "now"), json, sizeof json);
    if (len <= 0) {
        vector_fail(run, "no batch sealed (%d)", (int)len);
    }
    vector_expect_u32(run, "seq", core_batch_sealed_seq(core), vector_json_u32(run, step, "seq"));
    vector_expect_u32(run, "floor_due", core_replay_floor_due(core) ? 1u : 0u,
                      vector_json_u32(run, step, "floor_due"));
    vector_expect_u32(run, "batch_floor", core_batch_floor(core), vector_json_u32(run, step, "batch_floor"));
}

static void run_replay_export(scenario_t *scenario, const cJSON *step)
{
    static uint8_t state[SCENARIO_STATE_MAX];
    static uint8_t expected[SCENARIO_STATE_MAX];
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    size_t expected_len = vector_json_bytes(run, step, "state", expected, sizeof expected);
    int32_t len;

    if (core_replay_state_max_len(core) > sizeof state) {
        vector_fail(run, "the core's replay state exceeds the runner's buffer");
        return;
    }
    len = core_replay_export(core, vector_json_u32(run, step, "now"), state, sizeof state);
    if (len < 0 || (size_t)len != expected_len || memcmp(state, expected, expected_len) != 0) {
        vector_fail(run, "exported state of %d bytes differs from the file's %zu bytes", (int)len,
                    expected_len);
    }
}

static void run_replay_import(scenario_t *scenario, const cJSON *step)
{
    static uint8_t state[SCENARIO_STATE_MAX];
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    size_t len = vector_json_bytes(run, step, "state", state, sizeof state);

    vector_expect_status(run, core, core_replay_import(core, state, len, vector_json_u32(run, step, "now")),
                         vector_json_string(run, step, "status"));
}

/* Runs the steps that set up devices and keys. Returns false for any other `op`. */
static bool run_setup_step(scenario_t *scenario, const char *op, const cJSON *step)
{
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;
    uint8_t key[CORE_KEY_LEN];
    int32_t status;

    if (strcmp(op, "network_key") == 0) {
        vector_json_bytes_exact(run, step, "public_key", key, sizeof key);
        core_set_network_key(core, key);
        return true;
    }
    if (strcmp(op, "network_id") == 0) {
        status = core_network_id_set(core, vector_json_string(run, step, "network_id"));
    } else if (strcmp(op, "self_set") == 0) {
        status = core_self_set(core, vector_json_string(run, step, "device_id"));
    } else if (strcmp(op, "device_set") == 0) {
        vector_json_bytes_exact(run, step, "public_key", key, sizeof key);
        status = core_device_set(core, vector_json_u32(run, step, "slot"),
                                 vector_json_string(run, step, "device_id"), key);
    } else if (strcmp(op, "device_set_next_key") == 0) {
        vector_json_bytes_exact(run, step, "public_key", key, sizeof key);
        status = core_device_set_next_key(core, vector_json_u32(run, step, "slot"), key);
    } else if (strcmp(op, "device_clear") == 0) {
        status = core_device_clear(core, vector_json_u32(run, step, "slot"));
    } else if (strcmp(op, "batch_configure") == 0) {
        status = core_batch_configure(core, vector_json_string(run, step, "key_id"),
                                      vector_json_u32(run, step, "interval_sec"),
                                      vector_json_u32(run, step, "next_seq"));
    } else {
        return false;
    }
    vector_expect_status(run, core, status, vector_json_string(run, step, "status"));
    return true;
}

static void run_step(scenario_t *scenario, const char *op, const cJSON *step)
{
    static uint8_t frame[SCENARIO_FRAME_MAX];
    vector_run_t *run = scenario->run;
    core_t *core = &scenario->core;

    if (strcmp(op, "restart") == 0) {
        stop_instance(scenario);
        start_instance(scenario);
    } else if (run_setup_step(scenario, op, step)) {
        return;
    } else if (strcmp(op, "frame_precheck") == 0) {
        size_t len = vector_json_bytes(run, step, "frame", frame, sizeof frame);

        vector_expect_status(run, core, core_frame_precheck(core, frame, len, vector_json_u32(run, step, "now")),
                             vector_json_string(run, step, "status"));
    } else if (strcmp(op, "frame_accept") == 0) {
        run_frame_accept(scenario, step);
    } else if (strcmp(op, "command_accept") == 0) {
        run_command_accept(scenario, step);
    } else if (strcmp(op, "request_accept") == 0) {
        run_request_accept(scenario, step);
    } else if (strcmp(op, "batch_seal") == 0) {
        run_batch_seal(scenario, step);
    } else if (strcmp(op, "replay_export") == 0) {
        run_replay_export(scenario, step);
    } else if (strcmp(op, "replay_import") == 0) {
        run_replay_import(scenario, step);
    } else {
        vector_fail(run, "unknown op");
    }
}

static void run_scenario(vector_run_t *run, const cJSON *item)
{
    scenario_t scenario = { .run = run, .engine = NULL };
    const char *name = vector_json_string(run, item, "name");
    const cJSON *step;
    int index = 0;

    vector_begin(run, name);
    if (!start_instance(&scenario)) {
        vector_end(run);
        return;
    }
    cJSON_ArrayForEach(step, vector_json_array(run, item, "steps")) {
        const char *op = vector_json_string(run, step, "op");

        index++;
        snprintf(run->label, sizeof run->label, "scenario \"%s\" step %d (%s)", name, index, op);
        run_step(&scenario, op, step);
        /* A failed restart leaves no instance to run the remaining steps on. */
        if (scenario.engine == NULL) {
            break;
        }
    }
    stop_instance(&scenario);
    vector_end(run);
}

void vector_run_scenarios(vector_run_t *run, const cJSON *root)
{
    const cJSON *item;

    cJSON_ArrayForEach(item, vector_json_array(run, root, "scenarios")) {
        run_scenario(run, item);
    }
}
