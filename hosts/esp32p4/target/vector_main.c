/* The vector runner for the rv32 target under QEMU: core/vectors through the core on one engine
 * (the last argument: picolibc's semihosting start code passes QEMU's
 * -semihosting-config arg=... words, and where they begin differs, so the runner does not count). Prints "ENGINE-SET: N passed, N failed" per set, which
 * tools/ci/count-tests.sh counts, and exits 1 on any mismatch or when a set ran no vector.
 *
 * Not run here: the sets whose checks need signing (frame_build, sealed keys) or the file
 * system and network (the home base's spool and uplink); the Linux tests cover those. */
#include <stdio.h>
#include <string.h>

#include "engine_select.h"
#include "target_files.h"
#include "vector_run.h"

typedef struct {
    const char *name;
    const char *file;
    void (*run)(vector_run_t *run, const cJSON *root);
} vector_set_t;

static const vector_set_t s_sets[] = {
    { "rfc8032", "ed25519-rfc8032.json", vector_run_ed25519_rfc8032 },
    { "wycheproof", "ed25519-wycheproof.json", vector_run_ed25519_wycheproof },
    { "accept", "accept.json", vector_run_accept },
    { "batch", "batch.json", vector_run_batch },
    { "frames", "frames.json", vector_run_frames },
    { "requests", "requests.json", vector_run_requests },
    { "scenarios", "scenarios.json", vector_run_scenarios },
};

static engine_t *open_core(core_t *core, void *ctx)
{
    const char *engine_name = ctx;
    char error[ENGINE_ERROR_LEN] = "";
    engine_t *engine = engine_select_open(engine_name, error);

    if (engine == NULL) {
        printf("engine %s not opened: %s\n", engine_name, error);
        return NULL;
    }
    if (core_open(core, engine) != 0) {
        printf("core not opened on %s: %s\n", engine_name, engine_error(engine));
        engine_destroy(engine);
        return NULL;
    }
    return engine;
}

/* Runs one set; returns whether every vector passed and at least one ran. */
static bool run_set(const vector_set_t *set, const char *engine_name)
{
    vector_run_t run;
    cJSON *root = target_vector_load(set->file);

    vector_run_init(&run, open_core, (void *)engine_name);
    if (root == NULL) {
        run.failed++;
    } else {
        set->run(&run, root);
        cJSON_Delete(root);
    }
    if (run.passed + run.failed == 0) {
        printf("%s ran no vector, counted as 1 failed\n", set->file);
        run.failed = 1;
    }
    printf("%s-%s: %d passed, %d failed\n", engine_name, set->name, run.passed, run.failed);
    return run.failed == 0;
}

int main(int argc, char **argv)
{
    const char *engine_name = argc > 0 ? argv[argc - 1] : "";
    bool all_passed = true;

    if (!engine_select_available(engine_name)) {
        printf("engine %s is not in this build\n", engine_name);
        return 1;
    }
    printf("rv32 vector run on %s\n", engine_name);
    for (size_t i = 0; i < sizeof s_sets / sizeof s_sets[0]; i++) {
        all_passed = run_set(&s_sets[i], engine_name) && all_passed;
    }
    return all_passed ? 0 : 1;
}
