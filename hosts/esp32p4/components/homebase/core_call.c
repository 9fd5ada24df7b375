#include "core_call.h"

#include <string.h>

static uint32_t call_u32(core_t *core, engine_fn_t fn, const uint32_t *args, uint32_t argc)
{
    uint32_t result = 0;

    if (engine_call(core->engine, fn, args, argc, &result) != 0) {
        return 0;
    }
    return result;
}

static int32_t call_status(core_t *core, engine_fn_t fn, const uint32_t *args, uint32_t argc)
{
    uint32_t result = 0;

    if (engine_call(core->engine, fn, args, argc, &result) != 0) {
        return CORE_ENGINE_FAILED;
    }
    return (int32_t)result;
}

uint32_t core_call0(core_t *core, engine_fn_t fn)
{
    return call_u32(core, fn, NULL, 0);
}

uint32_t core_call1(core_t *core, engine_fn_t fn, uint32_t a)
{
    return call_u32(core, fn, &a, 1);
}

int32_t core_status0(core_t *core, engine_fn_t fn)
{
    return call_status(core, fn, NULL, 0);
}

int32_t core_status1(core_t *core, engine_fn_t fn, uint32_t a)
{
    return call_status(core, fn, &a, 1);
}

int32_t core_status2(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b)
{
    uint32_t args[2] = { a, b };

    return call_status(core, fn, args, 2);
}

int32_t core_status3(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t args[3] = { a, b, c };

    return call_status(core, fn, args, 3);
}

int32_t core_status4(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t args[4] = { a, b, c, d };

    return call_status(core, fn, args, 4);
}

bool core_put(core_t *core, const core_buffer_t *buffer, const void *bytes, size_t len)
{
    uint8_t *target;

    if (len > buffer->size) {
        return false;
    }
    target = engine_bytes(core->engine, buffer->ptr, (uint32_t)len);
    if (target == NULL) {
        return false;
    }
    if (len > 0) {
        memcpy(target, bytes, len);
    }
    return true;
}

const uint8_t *core_view(core_t *core, const core_buffer_t *buffer, uint32_t offset, size_t len)
{
    if (offset > buffer->size || len > buffer->size - offset) {
        return NULL;
    }
    return engine_bytes(core->engine, buffer->ptr + offset, (uint32_t)len);
}

bool core_copy_out(core_t *core, const core_buffer_t *buffer, uint32_t offset, size_t len,
                   uint8_t *out, size_t cap)
{
    const uint8_t *bytes = core_view(core, buffer, offset, len);

    if (bytes == NULL || len > cap) {
        return false;
    }
    if (len > 0) {
        memcpy(out, bytes, len);
    }
    return true;
}

bool core_put_device_id(core_t *core, const char *device_id)
{
    uint8_t padded[CORE_DEVICE_ID_LEN] = { 0 };
    size_t len = strlen(device_id);

    if (len > CORE_DEVICE_ID_LEN) {
        return false;
    }
    memcpy(padded, device_id, len);
    return core_put(core, &core->device_id, padded, sizeof padded);
}

/* A frame longer than the buffer (256 bytes, above the 250-byte frame limit) is cut to the buffer's
 * size, so the core still judges it and returns FRAME_TOO_LONG: the C makes no decision about frames
 * itself. */
uint32_t core_put_frame(core_t *core, const uint8_t *frame, size_t len)
{
    size_t kept = len < core->frame.size ? len : core->frame.size;

    if (!core_put(core, &core->frame, frame, kept)) {
        return 0;
    }
    return (uint32_t)kept;
}
