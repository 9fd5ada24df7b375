/* The typed payload getters of docs/core-abi.md, one read per frame type. The core has parsed the
 * payload, so these only gather its getters and check that every offset lies in its buffers. */
#include "core_api.h"

#include <string.h>

#include "core_call.h"

/* A chunk's data starts after the 27-byte header and the 12 bytes of content, offset and total. */
#define CHUNK_DATA_OFFSET 39

/* True when `span` lies inside the frame buffer. */
static bool span_fits(const core_t *core, core_span_t span)
{
    return span.offset <= core->frame.size && span.len <= core->frame.size - span.offset;
}

static core_span_t read_span(core_t *core, engine_fn_t offset_fn, engine_fn_t len_fn)
{
    core_span_t span;

    span.offset = core_call0(core, offset_fn);
    span.len = core_call0(core, len_fn);
    return span;
}

bool core_ack_read(core_t *core, core_ack_t *out)
{
    out->id = core_call0(core, ENGINE_FN_ack_id);
    out->result = core_call0(core, ENGINE_FN_ack_result);
    out->reason = read_span(core, ENGINE_FN_ack_reason_offset, ENGINE_FN_ack_reason_len);
    return !core->engine->trapped && span_fits(core, out->reason);
}

bool core_beacon_read(core_t *core, core_beacon_t *out)
{
    out->channel = core_call0(core, ENGINE_FN_beacon_channel);
    out->boot = core_call0(core, ENGINE_FN_beacon_boot);
    return !core->engine->trapped;
}

bool core_manifest_read(core_t *core, core_manifest_t *out)
{
    memset(out->sha256, 0, sizeof out->sha256);
    out->size = core_call0(core, ENGINE_FN_manifest_size);
    out->media = read_span(core, ENGINE_FN_manifest_media_offset, ENGINE_FN_manifest_media_len);

    /* The digest is in buffer_decoded() only when the last frame was a manifest. */
    out->sha256_len = out->size > 0 ? core_call0(core, ENGINE_FN_decoded_len) : 0;
    if (out->sha256_len > 0 &&
        !core_copy_out(core, &core->decoded, 0, out->sha256_len, out->sha256, sizeof out->sha256)) {
        return false;
    }
    return !core->engine->trapped && span_fits(core, out->media);
}

bool core_chunk_read(core_t *core, core_chunk_t *out)
{
    out->content = core_call0(core, ENGINE_FN_chunk_content);
    out->offset = core_call0(core, ENGINE_FN_chunk_offset);
    out->total = core_call0(core, ENGINE_FN_chunk_total);
    out->data.len = core_call0(core, ENGINE_FN_chunk_data_len);
    out->data.offset = out->data.len > 0 ? CHUNK_DATA_OFFSET : 0;
    return !core->engine->trapped && span_fits(core, out->data);
}

bool core_command_read(core_t *core, core_command_t *out)
{
    uint32_t device_len;

    memset(out->device, 0, sizeof out->device);
    memset(out->decoded, 0, sizeof out->decoded);
    out->id = core_call0(core, ENGINE_FN_command_id);
    out->code = core_call0(core, ENGINE_FN_command_code);
    out->number = core_call0(core, ENGINE_FN_command_number);
    out->text = read_span(core, ENGINE_FN_command_text_offset, ENGINE_FN_command_text_len);
    device_len = core_call0(core, ENGINE_FN_command_device_len);

    /* buffer_decoded() contains a command's base64 argument only when the last frame was a command. */
    out->decoded_len = out->code > 0 ? core_call0(core, ENGINE_FN_decoded_len) : 0;
    if (core->engine->trapped || !span_fits(core, out->text) ||
        !core_copy_out(core, &core->arg_device, 0, device_len, (uint8_t *)out->device,
                       CORE_DEVICE_ID_LEN - 1) ||
        !core_copy_out(core, &core->decoded, 0, out->decoded_len, out->decoded,
                       sizeof out->decoded)) {
        return false;
    }
    return true;
}

bool core_frame_span(core_t *core, core_span_t span, uint8_t *out, size_t cap)
{
    return core_copy_out(core, &core->frame, span.offset, span.len, out, cap);
}
