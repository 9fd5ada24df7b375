#include "core_api.h"

#include <stdio.h>
#include <string.h>

/* Minimum buffer sizes from docs/core-abi.md; a core with smaller buffers is refused at open. */
#define FRAME_BUFFER_MIN 256
#define MESSAGE_BUFFER_MIN 512
#define REQUEST_BUFFER_MIN 512
#define KEY_ID_BUFFER_MIN 64
#define BATCH_BUFFER_MIN 65536

static uint32_t call_u32(core_t *core, engine_fn_t fn, const uint32_t *args, uint32_t argc)
{
    uint32_t result = 0;

    if (engine_call(core->engine, fn, args, argc, &result) != 0) {
        return 0;
    }
    return result;
}

/* A call whose result is a status (or a length, or a slot): CORE_ENGINE_FAILED after a trap. */
static int32_t call_status(core_t *core, engine_fn_t fn, const uint32_t *args, uint32_t argc)
{
    uint32_t result = 0;

    if (engine_call(core->engine, fn, args, argc, &result) != 0) {
        return CORE_ENGINE_FAILED;
    }
    return (int32_t)result;
}

static uint32_t call0(core_t *core, engine_fn_t fn)
{
    return call_u32(core, fn, NULL, 0);
}

static uint32_t call1(core_t *core, engine_fn_t fn, uint32_t a)
{
    return call_u32(core, fn, &a, 1);
}

static int32_t status1(core_t *core, engine_fn_t fn, uint32_t a)
{
    return call_status(core, fn, &a, 1);
}

static int32_t status2(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b)
{
    uint32_t args[2] = { a, b };

    return call_status(core, fn, args, 2);
}

static int32_t status3(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t args[3] = { a, b, c };

    return call_status(core, fn, args, 3);
}

/* Copies `len` bytes into a core buffer; false when they do not fit or memory moved away. */
static bool put(core_t *core, const core_buffer_t *buffer, const void *bytes, size_t len)
{
    uint8_t *target;

    if (len > buffer->size) {
        return false;
    }
    target = engine_bytes(core->engine, buffer->ptr, (uint32_t)len);
    if (target == NULL) {
        return false;
    }
    memcpy(target, bytes, len);
    return true;
}

static const uint8_t *view(core_t *core, const core_buffer_t *buffer, uint32_t offset, size_t len)
{
    if (offset > buffer->size || len > buffer->size - offset) {
        return NULL;
    }
    return engine_bytes(core->engine, buffer->ptr + offset, (uint32_t)len);
}

static int open_buffer(core_t *core, core_buffer_t *buffer, engine_fn_t address_fn,
                       engine_fn_t size_fn, uint32_t min_size)
{
    char reason[ENGINE_ERROR_LEN];

    buffer->ptr = call0(core, address_fn);
    buffer->size = call0(core, size_fn);
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

int core_open(core_t *core, engine_t *engine)
{
    memset(core, 0, sizeof *core);
    core->engine = engine;

    if (open_buffer(core, &core->frame, ENGINE_FN_buffer_frame, ENGINE_FN_buffer_frame_size,
                    FRAME_BUFFER_MIN) != 0 ||
        open_buffer(core, &core->network_key, ENGINE_FN_buffer_network_key,
                    ENGINE_FN_buffer_network_key_size, CORE_KEY_LEN) != 0 ||
        open_buffer(core, &core->key, ENGINE_FN_buffer_key, ENGINE_FN_buffer_key_size,
                    CORE_KEY_LEN) != 0 ||
        open_buffer(core, &core->device_id, ENGINE_FN_buffer_device_id,
                    ENGINE_FN_buffer_device_id_size, CORE_DEVICE_ID_LEN) != 0 ||
        open_buffer(core, &core->message, ENGINE_FN_buffer_message, ENGINE_FN_buffer_message_size,
                    MESSAGE_BUFFER_MIN) != 0 ||
        open_buffer(core, &core->request, ENGINE_FN_buffer_request, ENGINE_FN_buffer_request_size,
                    REQUEST_BUFFER_MIN) != 0 ||
        open_buffer(core, &core->signature, ENGINE_FN_buffer_signature,
                    ENGINE_FN_buffer_signature_size, CORE_SIGNATURE_LEN) != 0 ||
        open_buffer(core, &core->key_id, ENGINE_FN_buffer_key_id, ENGINE_FN_buffer_key_id_size,
                    KEY_ID_BUFFER_MIN) != 0 ||
        open_buffer(core, &core->batch, ENGINE_FN_buffer_batch, ENGINE_FN_buffer_batch_size,
                    BATCH_BUFFER_MIN) != 0) {
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

    ptr = call1(core, ENGINE_FN_status_name, (uint32_t)code);
    len = call1(core, ENGINE_FN_status_name_len, (uint32_t)code);
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
    put(core, &core->network_key, key, CORE_KEY_LEN);
}

/* Copies a received frame into the frame buffer. A frame longer than the buffer (256 bytes, above
 * the 250-byte frame limit) is cut to the buffer's size, so the core still judges it and returns
 * FRAME_TOO_LONG: the C makes no decision about frames itself. */
static uint32_t put_frame(core_t *core, const uint8_t *frame, size_t len)
{
    size_t kept = len < core->frame.size ? len : core->frame.size;

    if (!put(core, &core->frame, frame, kept)) {
        return 0;
    }
    return (uint32_t)kept;
}

int32_t core_frame_accept(core_t *core, const uint8_t *frame, size_t len, uint32_t now)
{
    return status2(core, ENGINE_FN_frame_accept, put_frame(core, frame, len), now);
}

int32_t core_frame_verify(core_t *core, const uint8_t *frame, size_t len,
                          const uint8_t key[CORE_KEY_LEN])
{
    uint32_t kept = put_frame(core, frame, len);

    if (!put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return status1(core, ENGINE_FN_frame_verify, kept);
}

uint32_t core_frame_slot(core_t *core)
{
    return call0(core, ENGINE_FN_frame_slot);
}

bool core_frame_came_online(core_t *core)
{
    return call0(core, ENGINE_FN_frame_came_online) == 1;
}

uint32_t core_frame_seq(core_t *core)
{
    return call0(core, ENGINE_FN_frame_seq);
}

uint32_t core_frame_type(core_t *core)
{
    return call0(core, ENGINE_FN_frame_type);
}

/* Statuses from the decode checks (docs/protocol.md section 1.3, checks 1 to 8) leave the frame
 * getters undefined; every later status comes after a successful decode. */
static bool frame_was_decoded(int32_t status)
{
    return status == CORE_OK ||
           (status <= CORE_FRAME_UNKNOWN_DEVICE && status >= CORE_SIGNATURE_INVALID);
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

    len = call0(core, ENGINE_FN_frame_device_id_len);
    id = view(core, &core->frame, FRAME_DEVICE_ID_OFFSET, len);
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
    if (!put(core, &core->message, message, len) ||
        !put(core, &core->signature, signature, CORE_SIGNATURE_LEN) ||
        !put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return status1(core, ENGINE_FN_signature_verify, (uint32_t)len);
}

uint32_t core_device_capacity(core_t *core)
{
    return call0(core, ENGINE_FN_device_capacity);
}

int32_t core_device_set(core_t *core, uint32_t slot, const char *device_id,
                        const uint8_t key[CORE_KEY_LEN])
{
    uint8_t padded[CORE_DEVICE_ID_LEN] = { 0 };
    size_t len = strlen(device_id);

    /* The id is NUL-padded to 16 bytes with at least one NUL (docs/protocol.md section 1). */
    if (len >= CORE_DEVICE_ID_LEN) {
        return CORE_INPUT_TOO_LONG;
    }
    memcpy(padded, device_id, len);
    if (!put(core, &core->device_id, padded, sizeof padded) ||
        !put(core, &core->key, key, CORE_KEY_LEN)) {
        return CORE_INPUT_TOO_LONG;
    }
    return status1(core, ENGINE_FN_device_set, slot);
}

int32_t core_device_clear(core_t *core, uint32_t slot)
{
    return status1(core, ENGINE_FN_device_clear, slot);
}

int32_t core_device_expire(core_t *core, uint32_t now, uint32_t offline_after_sec)
{
    int32_t slot = status2(core, ENGINE_FN_device_expire, now, offline_after_sec);

    return slot == CORE_ENGINE_FAILED ? -1 : slot;
}

bool core_device_online(core_t *core, uint32_t slot)
{
    return call1(core, ENGINE_FN_device_online, slot) == 1;
}

uint32_t core_device_last_seen(core_t *core, uint32_t slot)
{
    return call1(core, ENGINE_FN_device_last_seen, slot);
}

uint32_t core_device_highest_seq(core_t *core, uint32_t slot)
{
    return call1(core, ENGINE_FN_device_highest_seq, slot);
}

int32_t core_request_signed_message(core_t *core, const char *text, size_t text_len, uint8_t *out,
                                    size_t cap)
{
    int32_t len;
    const uint8_t *message;

    if (!put(core, &core->request, text, text_len)) {
        return CORE_INPUT_TOO_LONG;
    }
    len = status1(core, ENGINE_FN_request_signed_message, (uint32_t)text_len);
    if (len < 0) {
        return len;
    }

    message = view(core, &core->message, 0, (size_t)len);
    if (message == NULL || (size_t)len > cap) {
        return CORE_INPUT_TOO_LONG;
    }
    memcpy(out, message, (size_t)len);
    return len;
}

int32_t core_batch_configure(core_t *core, const char *key_id, uint32_t interval_sec,
                             uint32_t next_seq)
{
    size_t len = strlen(key_id);

    if (!put(core, &core->key_id, key_id, len)) {
        return CORE_INPUT_TOO_LONG;
    }
    return status3(core, ENGINE_FN_batch_configure, (uint32_t)len, interval_sec, next_seq);
}

int32_t core_batch_add_frame(core_t *core, size_t len, int32_t rssi, uint32_t now)
{
    return status3(core, ENGINE_FN_batch_add_frame, (uint32_t)len, (uint32_t)rssi, now);
}

int32_t core_batch_add_status(core_t *core, uint32_t slot, bool online, uint32_t now)
{
    return status3(core, ENGINE_FN_batch_add_status, slot, online ? 1u : 0u, now);
}

uint32_t core_batch_entry_count(core_t *core)
{
    return call0(core, ENGINE_FN_batch_entry_count);
}

bool core_batch_due(core_t *core, uint32_t now)
{
    return call1(core, ENGINE_FN_batch_due, now) == 1;
}

int32_t core_batch_seal(core_t *core, uint32_t now, char *out, size_t cap)
{
    int32_t len;
    const uint8_t *json;

    if (cap <= core->batch.size) {
        return CORE_INPUT_TOO_LONG;
    }
    len = status1(core, ENGINE_FN_batch_seal, now);
    if (len < 0) {
        return len;
    }

    json = view(core, &core->batch, 0, (size_t)len);
    if (json == NULL) {
        return CORE_ENGINE_FAILED;
    }
    memcpy(out, json, (size_t)len);
    out[len] = '\0';
    return len;
}

uint32_t core_batch_sealed_seq(core_t *core)
{
    return call0(core, ENGINE_FN_batch_sealed_seq);
}

uint32_t core_batch_next_seq(core_t *core)
{
    return call0(core, ENGINE_FN_batch_next_seq);
}

size_t core_batch_max_len(const core_t *core)
{
    return core->batch.size;
}
