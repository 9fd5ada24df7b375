/* accept.json and batch.json, each run in order on one core instance. accept.json: frame_accept's
 * status, and for accepted frames the slot, came_online and highest_seq. batch.json: the sealed
 * batch JSON byte for byte, with its sealed and next sequence numbers. Each step is one vector. */
#include "vector_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACCEPT_FRAME_MAX 2048

/* Registers root's "devices" in the core. A device the core rejects fails the running vector. */
static void set_devices(vector_run_t *run, core_t *core, const cJSON *root)
{
    uint8_t key[CORE_KEY_LEN];
    const cJSON *device;

    cJSON_ArrayForEach(device, vector_json_array(run, root, "devices")) {
        vector_json_bytes_exact(run, device, "public_key", key, sizeof key);
        vector_expect_status(run, core, core_device_set(core, vector_json_u32(run, device, "slot"),
                                                        vector_json_string(run, device, "device_id"), key),
                             "OK");
    }
}

static void check_accept_step(vector_run_t *run, core_t *core, const cJSON *step)
{
    static uint8_t frame[ACCEPT_FRAME_MAX];
    size_t len = vector_json_bytes(run, step, "frame", frame, sizeof frame);
    int32_t status = core_frame_accept(core, frame, len, vector_json_u32(run, step, "now"));
    uint32_t slot;

    if (!vector_expect_status(run, core, status, vector_json_string(run, step, "status")) ||
        status != CORE_OK) {
        return;
    }
    slot = core_frame_slot(core);
    vector_expect_u32(run, "slot", slot, vector_json_u32(run, step, "slot"));
    vector_expect_u32(run, "came_online", core_frame_came_online(core) ? 1u : 0u,
                      vector_json_u32(run, step, "came_online"));
    vector_expect_u32(run, "highest_seq", core_device_highest_seq(core, slot),
                      vector_json_u32(run, step, "highest_seq"));
}

void vector_run_accept(vector_run_t *run, const cJSON *root)
{
    core_t core;
    engine_t *engine = run->open(&core, run->open_ctx);
    uint8_t network_key[CORE_KEY_LEN];
    const cJSON *step;

    if (engine == NULL) {
        run->failed++;
        return;
    }
    vector_begin(run, "accept.json devices");
    vector_json_bytes_exact(run, root, "network_public_key", network_key, sizeof network_key);
    core_set_network_key(&core, network_key);
    set_devices(run, &core, root);
    vector_end(run);

    cJSON_ArrayForEach(step, vector_json_array(run, root, "steps")) {
        vector_begin(run, vector_json_string(run, step, "name"));
        check_accept_step(run, &core, step);
        vector_end(run);
    }
    engine_destroy(engine);
}

static void check_batch_seal(vector_run_t *run, core_t *core, const cJSON *step, char *json,
                             size_t cap)
{
    if (core_batch_seal(core, vector_json_u32(run, step, "now"), json, cap) <= 0) {
        vector_fail(run, "no batch sealed");
        return;
    }
    if (strcmp(json, vector_json_string(run, step, "batch")) != 0) {
        vector_fail(run, "sealed batch differs from the file: %.120s", json);
    }
    vector_expect_u32(run, "sealed_seq", core_batch_sealed_seq(core), vector_json_u32(run, step, "sealed_seq"));
    vector_expect_u32(run, "next_seq", core_batch_next_seq(core), vector_json_u32(run, step, "next_seq"));
}

static void check_batch_step(vector_run_t *run, core_t *core, const cJSON *step, char *json,
                             size_t cap)
{
    static uint8_t frame[ACCEPT_FRAME_MAX];
    const char *op = vector_json_string(run, step, "op");
    uint32_t now = vector_json_u32(run, step, "now");

    if (strcmp(op, "add_frame") == 0) {
        size_t len = vector_json_bytes(run, step, "frame", frame, sizeof frame);
        uint8_t *frame_buffer = engine_bytes(core->engine, core->frame.ptr, (uint32_t)len);

        /* The file puts the frame in the frame buffer directly, without frame_accept. */
        if (frame_buffer == NULL) {
            vector_fail(run, "frame of %zu bytes does not fit core memory", len);
            return;
        }
        memcpy(frame_buffer, frame, len);
        vector_expect_status(run, core, core_batch_add_frame(core, len, vector_json_i32(run, step, "rssi"), now),
                             vector_json_string(run, step, "status"));
    } else if (strcmp(op, "add_status") == 0) {
        vector_expect_status(run, core, core_batch_add_status(core, vector_json_u32(run, step, "slot"),
                                                              vector_json_u32(run, step, "online") == 1, now),
                             vector_json_string(run, step, "status"));
    } else if (strcmp(op, "seal") == 0) {
        check_batch_seal(run, core, step, json, cap);
    } else {
        vector_fail(run, "unknown op %s", op);
    }
}

void vector_run_batch(vector_run_t *run, const cJSON *root)
{
    core_t core;
    engine_t *engine = run->open(&core, run->open_ctx);
    size_t cap;
    char *json;
    const cJSON *step;
    int index = 0;

    if (engine == NULL) {
        run->failed++;
        return;
    }
    cap = core_batch_max_len(&core) + 1;
    json = malloc(cap);
    vector_begin(run, "batch.json devices and batch_configure");
    set_devices(run, &core, root);
    vector_expect_status(run, &core, core_batch_configure(&core, vector_json_string(run, root, "key_id"),
                                                          vector_json_u32(run, root, "interval_sec"),
                                                          vector_json_u32(run, root, "next_seq")),
                         "OK");
    if (json == NULL) {
        vector_fail(run, "no memory for a batch of %zu bytes", cap);
        vector_end(run);
        engine_destroy(engine);
        return;
    }
    vector_end(run);

    cJSON_ArrayForEach(step, vector_json_array(run, root, "steps")) {
        char label[48];

        snprintf(label, sizeof label, "batch.json step %d", ++index);
        vector_begin(run, label);
        check_batch_step(run, &core, step, json, cap);
        vector_end(run);
    }
    free(json);
    engine_destroy(engine);
}
