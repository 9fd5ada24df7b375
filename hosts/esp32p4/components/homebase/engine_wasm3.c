/* The wasm3 engine: the interpreter the device runs by default. Built only when WASM3_SOURCE_DIR
 * names a wasm3 source tree (wasm3's own CMake builds its library; none of its code is here). */
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>

#include "wasm3.h"

/* wasm3 stack for the core's calls, in bytes. The core allocates nothing per call, and its deepest
 * path (frame_accept into the verify import) is a few frames. */
#define WASM3_STACK_BYTES (64 * 1024)

typedef struct {
    engine_t base;
    IM3Environment environment;
    IM3Runtime runtime;
    IM3Function functions[ENGINE_FN_COUNT];
} engine_wasm3_t;

static m3ApiRawFunction(import_ed25519_verify)
{
    m3ApiReturnType(uint32_t);
    m3ApiGetArg(uint32_t, sig_ptr);
    m3ApiGetArg(uint32_t, msg_ptr);
    m3ApiGetArg(uint32_t, msg_len);
    m3ApiGetArg(uint32_t, key_ptr);

    (void)_ctx;
    m3ApiReturn(engine_import_ed25519_verify(_mem, m3_GetMemorySize(runtime), sig_ptr, msg_ptr,
                                             msg_len, key_ptr));
}

static m3ApiRawFunction(import_abort)
{
    engine_t *engine = _ctx->userdata;

    m3ApiGetArg(uint32_t, message_ptr);
    m3ApiGetArg(uint32_t, file_ptr);
    m3ApiGetArg(uint32_t, line);
    m3ApiGetArg(uint32_t, column);

    (void)_mem;
    (void)runtime;
    engine_import_abort(engine, message_ptr, file_ptr, line, column);
    m3ApiTrap(m3Err_trapAbort);
}

static int call_export(engine_t *engine, engine_fn_t fn, const uint32_t args[ENGINE_MAX_ARGS],
                       uint32_t *result)
{
    engine_wasm3_t *self = (engine_wasm3_t *)engine;
    const void *arg_pointers[ENGINE_MAX_ARGS] = { &args[0], &args[1], &args[2],
                                                    &args[3] };
    const void *result_pointers[1] = { result };
    M3Result failure;

    failure = m3_Call(self->functions[fn], engine_export_argc(fn), arg_pointers);
    if (failure == m3Err_none) {
        failure = m3_GetResults(self->functions[fn], 1, result_pointers);
    }
    if (failure != m3Err_none) {
        engine_mark_trapped(engine, failure);
        return -1;
    }
    return 0;
}

static uint8_t *memory_of(engine_t *engine, uint32_t *len)
{
    engine_wasm3_t *self = (engine_wasm3_t *)engine;

    return m3_GetMemory(self->runtime, len, 0);
}

static void destroy(engine_t *engine)
{
    engine_wasm3_t *self = (engine_wasm3_t *)engine;

    if (self->runtime != NULL) {
        m3_FreeRuntime(self->runtime);
    }
    if (self->environment != NULL) {
        m3_FreeEnvironment(self->environment);
    }
    free(self);
}

static const engine_ops_t s_ops = {
    .name = "wasm3",
    .call = call_export,
    .memory = memory_of,
    .destroy = destroy,
};

/* Parses, links the two imports, loads (running the start function) and resolves every export. */
static M3Result load_module(engine_wasm3_t *self, const uint8_t *wasm, size_t wasm_len,
                            const char **missing)
{
    IM3Module module = NULL;
    M3Result failure = m3_ParseModule(self->environment, &module, wasm, (uint32_t)wasm_len);

    if (failure != m3Err_none) {
        return failure;
    }
    failure = m3_LoadModule(self->runtime, module);
    if (failure != m3Err_none) {
        m3_FreeModule(module);
        return failure;
    }

    /* The verify import is required. abort is optional: a core built without assertions may
     * not import it, and wasm3 then reports "function lookup failed", which is harmless here. */
    failure = m3_LinkRawFunctionEx(module, "env", "ed25519_verify", "i(iiii)",
                                   import_ed25519_verify, &self->base);
    if (failure == m3Err_none) {
        M3Result abort_failure = m3_LinkRawFunctionEx(module, "env", "abort", "v(iiii)",
                                                      import_abort, &self->base);

        if (abort_failure != m3Err_functionLookupFailed) {
            failure = abort_failure;
        }
    }

    for (int fn = 0; failure == m3Err_none && fn < ENGINE_FN_COUNT; fn++) {
        *missing = engine_export_name((engine_fn_t)fn);
        failure = m3_FindFunction(&self->functions[fn], self->runtime, *missing);
    }
    return failure;
}

engine_t *engine_wasm3_create(const uint8_t *wasm, size_t wasm_len, char *error)
{
    engine_wasm3_t *self = calloc(1, sizeof *self);
    const char *missing = "";
    M3Result failure;

    if (self == NULL) {
        snprintf(error, ENGINE_ERROR_LEN, "out of memory for the wasm3 engine");
        return NULL;
    }
    self->base.ops = &s_ops;
    self->environment = m3_NewEnvironment();
    if (self->environment != NULL) {
        self->runtime = m3_NewRuntime(self->environment, WASM3_STACK_BYTES, NULL);
    }
    if (self->runtime == NULL) {
        snprintf(error, ENGINE_ERROR_LEN, "out of memory for the wasm3 runtime");
        destroy(&self->base);
        return NULL;
    }

    failure = load_module(self, wasm, wasm_len, &missing);
    if (failure != m3Err_none) {
        snprintf(error, ENGINE_ERROR_LEN, "wasm3 could not load core.wasm: %s (%s)", failure,
                 missing);
        destroy(&self->base);
        return NULL;
    }
    return &self->base;
}
