#include "core_api.h"

#include <stdio.h>
#include <string.h>

#include "core_call.h"

/* Minimum buffer sizes from docs/core-abi.md; a core with smaller buffers is refused at open. */
#define FRAME_BUFFER_MIN 256
#define MESSAGE_BUFFER_MIN 1024
#define REQUEST_BUFFER_MIN 512
#define KEY_ID_BUFFER_MIN 64
#define BATCH_BUFFER_MIN 65536
#define PAYLOAD_BUFFER_MIN 224
#define STATE_BUFFER_MIN 4096

static int open_buffer(core_t *core, core_buffer_t *buffer, engine_fn_t address_fn,
                       engine_fn_t size_fn, uint32_t min_size)
{
    char reason[ENGINE_ERROR_LEN];

    buffer->ptr = core_call0(core, address_fn);
    buffer->size = core_call0(core, size_fn);
    if (core->engine->trapped) {
        return -1;
    }

    if (buffer->size < min_size || engine_bytes(core->engine, buffer->ptr, buffer->size) == NULL) {
        snprintf(reason, sizeof reason, "core buffer %s of %u bytes at %u is below %u bytes or "
                 "outside memory", engine_export_name(address_fn), (unsigned)buffer->size,
                 (unsigned)buffer->ptr, (unsigned)min_size);
        engine_mark_trapped(core->engine, reason);
        return -1;
    }
    return 0;
}

#define OPEN_BUFFER(name, min) \
    open_buffer(core, &core->name, ENGINE_FN_buffer_##name, ENGINE_FN_buffer_##name##_size, min)

int core_open(core_t *core, engine_t *engine)
{
    memset(core, 0, sizeof *core);
    core->engine = engine;

    if (OPEN_BUFFER(frame, FRAME_BUFFER_MIN) != 0 ||
        OPEN_BUFFER(network_key, CORE_KEY_LEN) != 0 ||
        OPEN_BUFFER(key, CORE_KEY_LEN) != 0 ||
        OPEN_BUFFER(device_id, CORE_DEVICE_ID_LEN) != 0 ||
        OPEN_BUFFER(message, MESSAGE_BUFFER_MIN) != 0 ||
        OPEN_BUFFER(request, REQUEST_BUFFER_MIN) != 0 ||
        OPEN_BUFFER(signature, CORE_SIGNATURE_LEN) != 0 ||
        OPEN_BUFFER(key_id, KEY_ID_BUFFER_MIN) != 0 ||
        OPEN_BUFFER(batch, BATCH_BUFFER_MIN) != 0 ||
        OPEN_BUFFER(payload, PAYLOAD_BUFFER_MIN) != 0 ||
        OPEN_BUFFER(decoded, CORE_DECODED_MAX) != 0 ||
        OPEN_BUFFER(arg_device, CORE_DEVICE_ID_LEN) != 0 ||
        OPEN_BUFFER(state, STATE_BUFFER_MIN) != 0) {
        return -1;
    }
    return 0;
}

const char *core_status_name(core_t *core, int32_t code, char out[CORE_STATUS_NAME_MAX + 1])
{
    uint32_t ptr;
    uint32_t len;
    const uint8_t *name;

    if (code == CORE_ENGINE_FAILED || code == CORE_INPUT_TOO_LONG) {
        strcpy(out, code == CORE_ENGINE_FAILED ? "ENGINE_FAILED" : "INPUT_TOO_LONG");
        return out;
    }

    ptr = core_call1(core, ENGINE_FN_status_name, (uint32_t)code);
    len = core_call1(core, ENGINE_FN_status_name_len, (uint32_t)code);
    name = engine_bytes(core->engine, ptr, len);
    if (core->engine->trapped || name == NULL || len > CORE_STATUS_NAME_MAX) {
        strcpy(out, "ENGINE_FAILED");
        return out;
    }
    memcpy(out, name, len);
    out[len] = '\0';
    return out;
}

void core_set_network_key(core_t *core, const uint8_t key[CORE_KEY_LEN])
{
    core_put(core, &core->network_key, key, CORE_KEY_LEN);
}

/* ---- Constants ---- */

uint32_t core_device_capacity(core_t *core)
{
    return core_call0(core, ENGINE_FN_device_capacity);
}

uint32_t core_nonce_capacity(core_t *core)
{
    return core_call0(core, ENGINE_FN_nonce_capacity);
}

uint32_t core_replay_window(core_t *core)
{
    return core_call0(core, ENGINE_FN_replay_window);
}

uint32_t core_replay_floor_step(core_t *core)
{
    return core_call0(core, ENGINE_FN_replay_floor_step);
}

uint32_t core_frame_max_skew(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_max_skew);
}

uint32_t core_command_max_age(core_t *core)
{
    return core_call0(core, ENGINE_FN_command_max_age);
}

uint32_t core_content_max_size(core_t *core)
{
    return core_call0(core, ENGINE_FN_content_max_size);
}

/* ---- Frames ---- */

int32_t core_frame_decode(core_t *core, const uint8_t *frame, size_t len)
{
    return core_status1(core, ENGINE_FN_frame_decode, core_put_frame(core, frame, len));
}

int32_t core_frame_accept(core_t *core, const uint8_t *frame, size_t len, uint32_t now)
{
    return core_status2(core, ENGINE_FN_frame_accept, core_put_frame(core, frame, len), now);
}

int32_t core_frame_verify(core_t *core, const uint8_t *frame, size_t len,
                          const uint8_t key[CORE_KEY_LEN])
{
    uint32_t kept = core_put_frame(core, frame, len);

    if (!core_put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status1(core, ENGINE_FN_frame_verify, kept);
}

int32_t core_frame_signed_message(core_t *core, const uint8_t *frame, size_t len, uint8_t *out,
                                  size_t cap)
{
    int32_t message_len = core_status1(core, ENGINE_FN_frame_signed_message,
                                       core_put_frame(core, frame, len));

    if (message_len < 0) {
        return message_len;
    }
    if (!core_copy_out(core, &core->message, 0, (size_t)message_len, out, cap)) {
        return CORE_INPUT_TOO_LONG;
    }
    return message_len;
}

uint32_t core_frame_slot(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_slot);
}

bool core_frame_came_online(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_came_online) == 1;
}

bool core_frame_key_rotated(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_key_rotated) == 1;
}

uint32_t core_frame_type(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_type);
}

uint32_t core_frame_timestamp(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_timestamp);
}

uint32_t core_frame_seq(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_seq);
}

uint32_t core_frame_payload_len(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_payload_len);
}

bool core_frame_signed(core_t *core)
{
    return core_call0(core, ENGINE_FN_frame_signed) == 1;
}

/* Statuses from the decode checks (docs/protocol.md section 1.3, checks 1 to 10) leave the frame
 * getters undefined; every status of checks 11 to 17, and COMMAND_REPEATED, comes after a
 * successful decode. */
static bool frame_was_decoded(int32_t status)
{
    return status == CORE_OK || status == CORE_COMMAND_REPEATED ||
           (status <= CORE_FRAME_UNKNOWN_DEVICE && status >= CORE_FRAME_NOT_SIGNED) ||
           status == CORE_COMMAND_WRONG_TARGET || status == CORE_COMMAND_EXPIRED;
}

/* The device id sits at offset 2 of the frame buffer (docs/core-abi.md, Frames). */
#define FRAME_DEVICE_ID_OFFSET 2

bool core_frame_device_id(core_t *core, int32_t status, char out[CORE_DEVICE_ID_LEN])
{
    uint32_t len;
    const uint8_t *id;

    strcpy(out, "?");
    if (!frame_was_decoded(status)) {
        return false;
    }

    len = core_call0(core, ENGINE_FN_frame_device_id_len);
    id = core_view(core, &core->frame, FRAME_DEVICE_ID_OFFSET, len);
    if (id == NULL || len == 0 || len >= CORE_DEVICE_ID_LEN) {
        return false;
    }
    memcpy(out, id, len);
    out[len] = '\0';
    return true;
}

int32_t core_signature_verify(core_t *core, const uint8_t *message, size_t len,
                              const uint8_t signature[CORE_SIGNATURE_LEN],
                              const uint8_t key[CORE_KEY_LEN])
{
    if (!core_put(core, &core->message, message, len) ||
        !core_put(core, &core->signature, signature, CORE_SIGNATURE_LEN) ||
        !core_put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status1(core, ENGINE_FN_signature_verify, (uint32_t)len);
}

/* ---- Device table ---- */

int32_t core_self_set(core_t *core, const char *device_id)
{
    if (!core_put_device_id(core, device_id)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status0(core, ENGINE_FN_self_set);
}

int32_t core_device_set(core_t *core, uint32_t slot, const char *device_id,
                        const uint8_t key[CORE_KEY_LEN])
{
    if (!core_put_device_id(core, device_id) || !core_put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status1(core, ENGINE_FN_device_set, slot);
}

int32_t core_device_set_next_key(core_t *core, uint32_t slot, const uint8_t key[CORE_KEY_LEN])
{
    if (!core_put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status1(core, ENGINE_FN_device_set_next_key, slot);
}

bool core_device_has_next_key(core_t *core, uint32_t slot)
{
    return core_call1(core, ENGINE_FN_device_has_next_key, slot) == 1;
}

int32_t core_device_clear(core_t *core, uint32_t slot)
{
    return core_status1(core, ENGINE_FN_device_clear, slot);
}

int32_t core_device_find(core_t *core)
{
    int32_t slot = core_status0(core, ENGINE_FN_device_find);

    return slot == CORE_ENGINE_FAILED ? -1 : slot;
}

int32_t core_frame_precheck(core_t *core, const uint8_t *frame, size_t len, uint32_t now)
{
    return core_status2(core, ENGINE_FN_frame_precheck, core_put_frame(core, frame, len), now);
}

int32_t core_command_accept(core_t *core, const uint8_t *frame, size_t len, uint32_t now)
{
    return core_status2(core, ENGINE_FN_command_accept, core_put_frame(core, frame, len), now);
}

int32_t core_command_slot(core_t *core)
{
    int32_t slot = core_status0(core, ENGINE_FN_command_slot);

    return slot == CORE_ENGINE_FAILED ? -1 : slot;
}

int32_t core_device_expire(core_t *core, uint32_t now, uint32_t offline_after_sec)
{
    int32_t slot = core_status2(core, ENGINE_FN_device_expire, now, offline_after_sec);

    return slot == CORE_ENGINE_FAILED ? -1 : slot;
}

bool core_device_online(core_t *core, uint32_t slot)
{
    return core_call1(core, ENGINE_FN_device_online, slot) == 1;
}

uint32_t core_device_last_seen(core_t *core, uint32_t slot)
{
    return core_call1(core, ENGINE_FN_device_last_seen, slot);
}

uint32_t core_device_highest_seq(core_t *core, uint32_t slot)
{
    return core_call1(core, ENGINE_FN_device_highest_seq, slot);
}

/* ---- Signed requests ---- */

/* Copies a request's canonical text into the request buffer and returns the length the core is to
 * judge. A text longer than the buffer is cut to it but keeps its true length, so the core, not the
 * C, rejects it (REQUEST_BAD_FORM), as it does for the Node host. */
static uint32_t put_canonical(core_t *core, const char *text, size_t text_len)
{
    size_t kept = text_len < core->request.size ? text_len : core->request.size;

    if (!core_put(core, &core->request, text, kept)) {
        return 0;
    }
    return text_len > UINT32_MAX ? UINT32_MAX : (uint32_t)text_len;
}

/* Puts a request's signature and key into the core's buffers. */
static bool put_signer(core_t *core, const uint8_t signature[CORE_SIGNATURE_LEN],
                       const uint8_t key[CORE_KEY_LEN])
{
    return core_put(core, &core->signature, signature, CORE_SIGNATURE_LEN) &&
           core_put(core, &core->key, key, CORE_KEY_LEN);
}

int32_t core_request_verify(core_t *core, const char *text, size_t text_len,
                            const uint8_t signature[CORE_SIGNATURE_LEN],
                            const uint8_t key[CORE_KEY_LEN], uint32_t now)
{
    if (!put_signer(core, signature, key)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status2(core, ENGINE_FN_request_verify, put_canonical(core, text, text_len), now);
}

int32_t core_network_id_set(core_t *core, const char *network_id)
{
    size_t len = strlen(network_id);

    if (!core_put(core, &core->key_id, network_id, len)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status1(core, ENGINE_FN_network_id_set, (uint32_t)len);
}

int32_t core_request_accept(core_t *core, const char *text, size_t text_len,
                            const uint8_t signature[CORE_SIGNATURE_LEN], uint32_t now)
{
    if (!core_put(core, &core->signature, signature, CORE_SIGNATURE_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status2(core, ENGINE_FN_request_accept, put_canonical(core, text, text_len), now);
}

bool core_request_nonce(core_t *core, char out[CORE_NONCE_HEX_LEN + 1])
{
    uint32_t offset = core_call0(core, ENGINE_FN_request_nonce_offset);

    out[0] = '\0';
    if (core->engine->trapped ||
        !core_copy_out(core, &core->request, offset, CORE_NONCE_HEX_LEN, (uint8_t *)out,
                       CORE_NONCE_HEX_LEN)) {
        return false;
    }
    out[CORE_NONCE_HEX_LEN] = '\0';
    return true;
}

int32_t core_request_signed_message(core_t *core, const char *text, size_t text_len, uint8_t *out,
                                    size_t cap)
{
    int32_t len = core_status1(core, ENGINE_FN_request_signed_message,
                               put_canonical(core, text, text_len));

    if (len < 0) {
        return len;
    }

    if (!core_copy_out(core, &core->message, 0, (size_t)len, out, cap)) {
        return CORE_INPUT_TOO_LONG;
    }
    return len;
}

/* ---- Batches ---- */

int32_t core_batch_configure(core_t *core, const char *key_id, uint32_t interval_sec,
                             uint32_t next_seq)
{
    size_t len = strlen(key_id);

    if (!core_put(core, &core->key_id, key_id, len)) {
        return CORE_INPUT_TOO_LONG;
    }
    return core_status3(core, ENGINE_FN_batch_configure, (uint32_t)len, interval_sec, next_seq);
}

int32_t core_batch_add_frame(core_t *core, size_t len, int32_t rssi, uint32_t now)
{
    return core_status3(core, ENGINE_FN_batch_add_frame, (uint32_t)len, (uint32_t)rssi, now);
}

int32_t core_batch_add_status(core_t *core, uint32_t slot, bool online, uint32_t now)
{
    return core_status3(core, ENGINE_FN_batch_add_status, slot, online ? 1u : 0u, now);
}

uint32_t core_batch_entry_count(core_t *core)
{
    return core_call0(core, ENGINE_FN_batch_entry_count);
}

bool core_batch_due(core_t *core, uint32_t now)
{
    return core_call1(core, ENGINE_FN_batch_due, now) == 1;
}

int32_t core_batch_seal(core_t *core, uint32_t now, char *out, size_t cap)
{
    int32_t len;

    if (cap <= core->batch.size) {
        return CORE_INPUT_TOO_LONG;
    }
    len = core_status1(core, ENGINE_FN_batch_seal, now);
    if (len < 0) {
        return len;
    }

    if (!core_copy_out(core, &core->batch, 0, (size_t)len, (uint8_t *)out, cap - 1)) {
        return CORE_ENGINE_FAILED;
    }
    out[len] = '\0';
    return len;
}

uint32_t core_batch_sealed_seq(core_t *core)
{
    return core_call0(core, ENGINE_FN_batch_sealed_seq);
}

uint32_t core_batch_next_seq(core_t *core)
{
    return core_call0(core, ENGINE_FN_batch_next_seq);
}

size_t core_batch_max_len(const core_t *core)
{
    return core->batch.size;
}
