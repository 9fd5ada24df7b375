/* Frames that the home base sends, such as time beacons. The core writes and checks the bytes and
 * the signed message, and the host signs the message with its own key. */
#include "core_api.h"

#include "core_call.h"

int32_t core_frame_build(core_t *core, uint8_t type, const char *device_id, uint32_t timestamp,
                         uint32_t seq, const uint8_t *payload, size_t payload_len, uint8_t *out,
                         size_t cap)
{
    int32_t len;

    if (!core_put_device_id(core, device_id) ||
        !core_put(core, &core->payload, payload, payload_len)) {
        return CORE_INPUT_TOO_LONG;
    }
    len = core_status4(core, ENGINE_FN_frame_build, type, timestamp, seq, (uint32_t)payload_len);
    if (len < 0) {
        return len;
    }

    if (!core_copy_out(core, &core->frame, 0, (size_t)len, out, cap)) {
        return CORE_INPUT_TOO_LONG;
    }
    return len;
}

int32_t core_frame_build_message(core_t *core, uint8_t *out, size_t cap)
{
    uint32_t len = core_call0(core, ENGINE_FN_frame_message_len);

    if (core->engine->trapped) {
        return CORE_ENGINE_FAILED;
    }
    if (!core_copy_out(core, &core->message, 0, len, out, cap)) {
        return CORE_INPUT_TOO_LONG;
    }
    return (int32_t)len;
}

int32_t core_frame_set_signature(core_t *core, const uint8_t signature[CORE_SIGNATURE_LEN],
                                 uint8_t *out, size_t cap)
{
    int32_t len;

    if (!core_put(core, &core->signature, signature, CORE_SIGNATURE_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    len = core_status0(core, ENGINE_FN_frame_set_signature);
    if (len < 0) {
        return len;
    }

    if (!core_copy_out(core, &core->frame, 0, (size_t)len, out, cap)) {
        return CORE_INPUT_TOO_LONG;
    }
    return len;
}
