/* bench_target: instructions per frame on rv32imafc under QEMU (-icount shift=0, so rdinstret counts
 * instructions). Runs accept.json's frames through frame_accept on one engine (the last argument)
 * and splits each accepted frame's count in two: the instructions inside libsodium's
 * crypto_sign_verify_detached (counted by a --wrap around it, see bench_probes.h) and the rest, the
 * core path (the C copies into core memory, decode, checks and replay bookkeeping, and the engine's
 * own cost). The rest includes the import's range checks around the verify, a few dozen
 * instructions. wasm3 compiles each function on its first call, so the first accepted frame is
 * shown apart and the figures are the mean of the later ones (the steady state of a running home
 * base). Prints the peak heap and stack of the run too. It is no test: it fails only when
 * a frame gets another status than the file's. */
#include <stdio.h>
#include <string.h>

#include "bench_probes.h"
#include "engine_select.h"
#include "instret.h"
#include "target_files.h"
#include "vector_run.h"

#define BENCH_FRAMES_MAX 32
#define BENCH_FRAME_MAX 256

typedef struct {
    uint8_t bytes[BENCH_FRAME_MAX];
    size_t len;
    uint32_t now;
    char status[CORE_STATUS_NAME_MAX + 1];
} bench_frame_t;

static bench_frame_t s_frames[BENCH_FRAMES_MAX];

/* The goal of issue 6: the core path costs at most this share of one verify. */
static unsigned goal_percent(const char *engine_name)
{
    return strcmp(engine_name, "wasm3") == 0 ? 15 : 5;
}

/* Reads accept.json's devices into `core` and its frames into s_frames; returns the frame count. */
static size_t load_frames(vector_run_t *run, core_t *core, const cJSON *root)
{
    uint8_t key[CORE_KEY_LEN];
    const cJSON *item;
    size_t count = 0;

    vector_json_bytes_exact(run, root, "network_public_key", key, sizeof key);
    core_set_network_key(core, key);
    cJSON_ArrayForEach(item, vector_json_array(run, root, "devices")) {
        vector_json_bytes_exact(run, item, "public_key", key, sizeof key);
        vector_expect_status(run, core, core_device_set(core, vector_json_u32(run, item, "slot"),
                                                        vector_json_string(run, item, "device_id"), key),
                             "OK");
    }
    cJSON_ArrayForEach(item, vector_json_array(run, root, "steps")) {
        bench_frame_t *frame = &s_frames[count];

        if (count == BENCH_FRAMES_MAX) {
            break;
        }
        frame->len = vector_json_bytes(run, item, "frame", frame->bytes, sizeof frame->bytes);
        frame->now = vector_json_u32(run, item, "now");
        snprintf(frame->status, sizeof frame->status, "%s", vector_json_string(run, item, "status"));
        count++;
    }
    return count;
}

typedef struct {
    uint32_t measured;
    /* The first accepted frame, and the sums over the later ones. */
    uint64_t first_whole;
    uint64_t first_verify;
    uint64_t later_whole;
    uint64_t later_verify;
} bench_counts_t;

/* Accepts one frame and, when it passed its verify, adds its counts. */
static void measure_frame(vector_run_t *run, core_t *core, const bench_frame_t *frame,
                          bench_counts_t *counts)
{
    uint64_t verify_before = probe_verify_instructions();
    uint64_t start = target_instret();
    int32_t status = core_frame_accept(core, frame->bytes, frame->len, frame->now);
    uint64_t whole = target_instret() - start;
    uint64_t verify = probe_verify_instructions() - verify_before;

    vector_expect_status(run, core, status, frame->status);
    if (status != CORE_OK || verify == 0) {
        return;
    }
    if (counts->measured == 0) {
        counts->first_whole = whole;
        counts->first_verify = verify;
    } else {
        counts->later_whole += whole;
        counts->later_verify += verify;
    }
    counts->measured++;
}

static void report(const char *engine_name, const bench_counts_t *counts, size_t frame_count)
{
    uint32_t later = counts->measured - 1;
    uint64_t whole = counts->later_whole / later;
    uint64_t verify = counts->later_verify / later;
    uint64_t core_path = whole - verify;
    double percent = 100.0 * (double)core_path / (double)verify;
    unsigned goal = goal_percent(engine_name);

    printf("bench-target on %s (rv32imafc, QEMU virt, -icount shift=0, rdinstret)\n", engine_name);
    printf("  frames accepted: %u of %u; figures are the mean of the %u after the first\n",
           (unsigned)counts->measured, (unsigned)frame_count, (unsigned)later);
    printf("  frame_accept, whole:          %llu instructions per frame\n", (unsigned long long)whole);
    printf("  one libsodium Ed25519 verify: %llu instructions\n", (unsigned long long)verify);
    printf("  core path (decode, replay):   %llu instructions per frame, %.2f%% of one verify "
           "(goal <= %u%%: %s)\n", (unsigned long long)core_path, percent, goal,
           percent <= goal ? "met" : "missed");
    printf("  first frame's core path:      %llu instructions (wasm3 compiles on first call)\n",
           (unsigned long long)(counts->first_whole - counts->first_verify));
}

static engine_t *open_core(core_t *core, const char *engine_name)
{
    char error[ENGINE_ERROR_LEN] = "";
    engine_t *engine = engine_select_open(engine_name, error);

    if (engine == NULL || core_open(core, engine) != 0) {
        printf("engine %s not opened: %s\n", engine_name, engine != NULL ? engine_error(engine) : error);
        engine_destroy(engine);
        return NULL;
    }
    return engine;
}

int main(int argc, char **argv)
{
    const char *engine_name = argc > 0 ? argv[argc - 1] : "";
    vector_run_t run;
    core_t core;
    engine_t *engine;
    cJSON *root;
    size_t frame_count;
    size_t heap_at_start;
    bench_counts_t counts = { 0 };

    probe_stack_paint();
    vector_run_init(&run, NULL, NULL);
    vector_begin(&run, "accept.json");
    heap_at_start = probe_heap_in_use();
    probe_heap_reset_peak();
    engine = open_core(&core, engine_name);
    root = target_vector_load("accept.json");
    if (engine == NULL || root == NULL) {
        return 1;
    }
    frame_count = load_frames(&run, &core, root);
    cJSON_Delete(root);

    for (size_t i = 0; i < frame_count; i++) {
        measure_frame(&run, &core, &s_frames[i], &counts);
    }
    engine_destroy(engine);
    if (run.vector_failed || counts.measured < 2) {
        printf("bench-target: too few accepted frames to measure on %s\n", engine_name);
        return 1;
    }
    report(engine_name, &counts, frame_count);
    printf("  peak heap: %u bytes in use at once (engine, core memory, parsed file); %u at start\n",
           (unsigned)probe_heap_peak(), (unsigned)heap_at_start);
    printf("  peak stack: %u bytes\n", (unsigned)probe_stack_peak());
    return 0;
}
