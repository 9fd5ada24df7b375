/* The wasm2c engine: core.wasm translated to C by wabt's wasm2c at build time (core.h and core.c in
 * the build folder), run with wabt's runtime built with explicit bounds checks
 * (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0: no 8 GiB reservation, no SIGSEGV handler).
 *
 * A trap (the core's abort, an out-of-bounds access, unreachable) longjmps back to the
 * wasm_rt_impl_try() in call_export. Limit: wasm2c's runtime keeps that jump target in one global,
 * so calls into any wasm2c instance must come from one thread at a time. */
#include "engine.h"

#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "wasm-rt-impl.h"

/* The import side of the instance: the `env` module, pointing back at its engine. */
struct Z_env_instance_t {
    struct engine_wasm2c *owner;
};

typedef struct engine_wasm2c {
    engine_t base;
    struct Z_env_instance_t env;
    Z_core_instance_t instance;
} engine_wasm2c_t;

static bool s_runtime_ready;

u32 Z_envZ_ed25519_verify(struct Z_env_instance_t *env, u32 sig_ptr, u32 msg_ptr, u32 msg_len,
                          u32 key_ptr)
{
    wasm_rt_memory_t *memory = Z_coreZ_memory(&env->owner->instance);

    return engine_import_ed25519_verify(memory->data, (uint32_t)memory->size, sig_ptr, msg_ptr,
                                        msg_len, key_ptr);
}

void Z_envZ_abort(struct Z_env_instance_t *env, u32 message_ptr, u32 file_ptr, u32 line, u32 column)
{
    engine_import_abort(&env->owner->base, message_ptr, file_ptr, line, column);
    wasm_rt_trap(WASM_RT_TRAP_UNREACHABLE);
}

/* One case per export, with the argument count that ENGINE_EXPORTS gives it. */
#define CALL_0(name) Z_coreZ_##name(instance)
#define CALL_1(name) Z_coreZ_##name(instance, args[0])
#define CALL_2(name) Z_coreZ_##name(instance, args[0], args[1])
#define CALL_3(name) Z_coreZ_##name(instance, args[0], args[1], args[2])
#define CALL_4(name) Z_coreZ_##name(instance, args[0], args[1], args[2], args[3])
#define EXPORT_CASE(name, argc)            \
    case ENGINE_FN_##name:                 \
        *result = CALL_##argc(name);       \
        break;

static void dispatch(Z_core_instance_t *instance, engine_fn_t fn, const uint32_t *args,
                     uint32_t *result)
{
    switch (fn) {
        ENGINE_EXPORTS(EXPORT_CASE)
    case ENGINE_FN_COUNT:
        break;
    }
}

static int call_export(engine_t *engine, engine_fn_t fn, const uint32_t args[ENGINE_MAX_ARGS],
                       uint32_t *result)
{
    engine_wasm2c_t *self = (engine_wasm2c_t *)engine;
    wasm_rt_trap_t trap = (wasm_rt_trap_t)wasm_rt_impl_try();

    if (trap != WASM_RT_TRAP_NONE) {
        engine_mark_trapped(engine, wasm_rt_strerror(trap));
        return -1;
    }

    dispatch(&self->instance, fn, args, result);
    return 0;
}

static uint8_t *memory_of(engine_t *engine, uint32_t *len)
{
    wasm_rt_memory_t *memory = Z_coreZ_memory(&((engine_wasm2c_t *)engine)->instance);

    *len = (uint32_t)memory->size;
    return memory->data;
}

static void destroy(engine_t *engine)
{
    engine_wasm2c_t *self = (engine_wasm2c_t *)engine;

    Z_core_free(&self->instance);
    free(self);
}

static const engine_ops_t s_ops = {
    .name = "wasm2c",
    .call = call_export,
    .memory = memory_of,
    .destroy = destroy,
};

engine_t *engine_wasm2c_create(char *error)
{
    engine_wasm2c_t *self = calloc(1, sizeof *self);

    if (self == NULL) {
        strcpy(error, "out of memory for the wasm2c engine");
        return NULL;
    }

    /* wabt 1.0.32 order: the runtime, then the module's type tables, then the instance. */
    if (!s_runtime_ready) {
        wasm_rt_init();
        Z_core_init_module();
        s_runtime_ready = true;
    }
    self->base.ops = &s_ops;
    self->env.owner = self;

    /* instantiate runs the module's start function, which may trap as well. */
    if (wasm_rt_impl_try() != 0) {
        strcpy(error, "core trapped while starting");
        free(self);
        return NULL;
    }
    Z_core_instantiate(&self->instance, &self->env);
    return &self->base;
}
