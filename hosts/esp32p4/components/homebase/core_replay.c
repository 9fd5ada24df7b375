/* The persisted floors and the replay state of docs/protocol.md section 10.3. The core writes and
 * reads the state's bytes, and the host only stores them. */
#include "core_api.h"

#include "core_call.h"

uint32_t core_device_frame_floor(core_t *core, uint32_t slot)
{
    return core_call1(core, ENGINE_FN_device_frame_floor, slot);
}

uint32_t core_device_command_floor(core_t *core, uint32_t slot)
{
    return core_call1(core, ENGINE_FN_device_command_floor, slot);
}

uint32_t core_self_command_floor(core_t *core)
{
    return core_call0(core, ENGINE_FN_self_command_floor);
}

uint32_t core_batch_floor(core_t *core)
{
    return core_call0(core, ENGINE_FN_batch_floor);
}

bool core_replay_floor_due(core_t *core)
{
    return core_call0(core, ENGINE_FN_replay_floor_due) == 1;
}

int32_t core_replay_export(core_t *core, uint32_t now, uint8_t *out, size_t cap)
{
    int32_t len;

    if (cap < core->state.size) {
        return CORE_INPUT_TOO_LONG;
    }
    len = core_status1(core, ENGINE_FN_replay_export, now);
    if (len < 0) {
        return len;
    }

    if (!core_copy_out(core, &core->state, 0, (size_t)len, out, cap)) {
        return CORE_ENGINE_FAILED;
    }
    return len;
}

int32_t core_replay_import(core_t *core, const uint8_t *state, size_t len, uint32_t now)
{
    if (!core_put(core, &core->state, state, len)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status2(core, ENGINE_FN_replay_import, (uint32_t)len, now);
}

size_t core_replay_state_max_len(const core_t *core)
{
    return core->state.size;
}
