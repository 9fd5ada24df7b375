/* frames.json: per vector, the statuses of frame_decode and frame_verify; for a vector with `fields`
 * the header getters and payload; with `signed_message` the bytes the signature covers; with `typed`
 * every typed payload getter the file names. Expected values come from the independent generator
 * (core/vectors/generate.ts). frame_build is checked by the Linux test, which can sign. */
#include "vector_run.h"

#include <string.h>

#define FRAME_VECTOR_MAX 2048
#define FRAME_PAYLOAD_MAX 256
#define FRAME_MESSAGE_MAX 1024
#define FRAME_HEADER_LEN 27
#define FRAME_TYPE_CHUNK 0x08
#define FRAME_TEXT_MAX 256

static void check_fields(vector_run_t *run, core_t *core, const cJSON *vector, const uint8_t *frame,
                         size_t len)
{
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(vector, "fields");
    uint8_t payload[FRAME_PAYLOAD_MAX];
    uint8_t actual[FRAME_PAYLOAD_MAX];
    size_t payload_len = vector_json_bytes(run, fields, "payload", payload, sizeof payload);
    char device_id[CORE_DEVICE_ID_LEN];
    core_span_t payload_span = { FRAME_HEADER_LEN, (uint32_t)payload_len };
    uint32_t type = vector_json_u32(run, fields, "type");

    if (!vector_expect_status(run, core, core_frame_decode(core, frame, len), "OK")) {
        return;
    }
    vector_expect_u32(run, "type", core_frame_type(core), type);
    vector_expect_u32(run, "timestamp", core_frame_timestamp(core), vector_json_u32(run, fields, "timestamp"));
    vector_expect_u32(run, "seq", core_frame_seq(core), vector_json_u32(run, fields, "seq"));
    vector_expect_u32(run, "payload_len", core_frame_payload_len(core), (uint32_t)payload_len);
    vector_expect_u32(run, "signed", core_frame_signed(core), type != FRAME_TYPE_CHUNK);

    if (!core_frame_device_id(core, CORE_OK, device_id) ||
        strcmp(device_id, vector_json_string(run, fields, "device_id")) != 0) {
        vector_fail(run, "device id differs from the file");
    }
    if (!core_frame_span(core, payload_span, actual, sizeof actual) ||
        memcmp(actual, payload, payload_len) != 0) {
        vector_fail(run, "payload differs from the file");
    }
}

static void check_signed_message(vector_run_t *run, core_t *core, const cJSON *vector,
                                 const uint8_t *frame, size_t len)
{
    uint8_t expected[FRAME_MESSAGE_MAX];
    uint8_t message[FRAME_MESSAGE_MAX];
    size_t expected_len = vector_json_bytes(run, vector, "signed_message", expected, sizeof expected);
    int32_t message_len = core_frame_signed_message(core, frame, len, message, sizeof message);

    if (message_len < 0) {
        vector_expect_status(run, core, message_len, "OK");
    } else if ((size_t)message_len != expected_len || memcmp(message, expected, expected_len) != 0) {
        vector_fail(run, "signed message of %d bytes differs from the file's %zu", (int)message_len,
                    expected_len);
    }
}

/* The values of every typed payload getter after one decode; a getter the frame's type lacks
 * reads 0. */
typedef struct {
    core_ack_t ack;
    core_beacon_t beacon;
    core_manifest_t manifest;
    core_chunk_t chunk;
    core_command_t command;
} typed_values_t;

static bool numeric_getter(const typed_values_t *values, const char *name, uint32_t *out)
{
    const struct {
        const char *name;
        uint32_t value;
    } getters[] = {
        { "ack_id", values->ack.id },
        { "ack_result", values->ack.result },
        { "beacon_channel", values->beacon.channel },
        { "beacon_boot", values->beacon.boot },
        { "manifest_size", values->manifest.size },
        { "chunk_content", values->chunk.content },
        { "chunk_offset", values->chunk.offset },
        { "chunk_total", values->chunk.total },
        { "command_id", values->command.id },
        { "command_code", values->command.code },
        { "command_number", values->command.number },
    };

    for (size_t i = 0; i < sizeof getters / sizeof getters[0]; i++) {
        if (strcmp(getters[i].name, name) == 0) {
            *out = getters[i].value;
            return true;
        }
    }
    return false;
}

/* The bytes a text getter gives: a span of the frame, the device argument or the decoded value.
 * Returns -1 for a name docs/core-abi.md does not have. */
static long text_getter(core_t *core, const typed_values_t *values, const char *name,
                        uint8_t out[FRAME_TEXT_MAX])
{
    const core_span_t *span = NULL;

    if (strcmp(name, "ack_reason") == 0) {
        span = &values->ack.reason;
    } else if (strcmp(name, "manifest_media") == 0) {
        span = &values->manifest.media;
    } else if (strcmp(name, "command_text") == 0) {
        span = &values->command.text;
    } else if (strcmp(name, "chunk_data") == 0) {
        span = &values->chunk.data;
    } else if (strcmp(name, "command_device") == 0) {
        size_t len = strlen(values->command.device);

        memcpy(out, values->command.device, len);
        return (long)len;
    } else if (strcmp(name, "decoded") == 0) {
        const uint8_t *bytes = values->manifest.sha256_len > 0 ? values->manifest.sha256
                                                               : values->command.decoded;
        size_t len = values->manifest.sha256_len > 0 ? values->manifest.sha256_len
                                                     : values->command.decoded_len;

        memcpy(out, bytes, len);
        return (long)len;
    } else {
        return -1;
    }

    return core_frame_span(core, *span, out, FRAME_TEXT_MAX) ? (long)span->len : -1;
}

/* The expected bytes of a text getter: chunk_data and decoded are hex in the file, the other text
 * getters the text itself. */
static size_t expected_text(vector_run_t *run, const cJSON *typed, const char *name,
                            uint8_t out[FRAME_TEXT_MAX])
{
    const char *text = vector_json_string(run, typed, name);
    size_t len = strlen(text);

    if (strcmp(name, "chunk_data") == 0 || strcmp(name, "decoded") == 0) {
        return vector_json_bytes(run, typed, name, out, FRAME_TEXT_MAX);
    }
    len = len < FRAME_TEXT_MAX ? len : FRAME_TEXT_MAX;
    memcpy(out, text, len);
    return len;
}

static void check_typed_getter(vector_run_t *run, core_t *core, const typed_values_t *values,
                               const cJSON *typed, const cJSON *getter)
{
    uint8_t actual[FRAME_TEXT_MAX];
    uint8_t expected[FRAME_TEXT_MAX];
    uint32_t value = 0;
    long actual_len;
    size_t expected_len;

    if (cJSON_IsNumber(getter)) {
        if (!numeric_getter(values, getter->string, &value)) {
            vector_fail(run, "typed getter %s is not numeric", getter->string);
            return;
        }
        vector_expect_u32(run, getter->string, value, vector_json_u32(run, typed, getter->string));
        return;
    }

    actual_len = text_getter(core, values, getter->string, actual);
    expected_len = expected_text(run, typed, getter->string, expected);
    if (actual_len < 0) {
        vector_fail(run, "typed getter %s is unknown or out of the frame", getter->string);
    } else if ((size_t)actual_len != expected_len || memcmp(actual, expected, expected_len) != 0) {
        vector_fail(run, "%s differs from the file (%ld bytes, expected %zu)", getter->string,
                    actual_len, expected_len);
    }
}

static void check_typed(vector_run_t *run, core_t *core, const cJSON *vector, const uint8_t *frame,
                        size_t len)
{
    const cJSON *typed = cJSON_GetObjectItemCaseSensitive(vector, "typed");
    typed_values_t values;
    const cJSON *getter;

    if (!vector_expect_status(run, core, core_frame_decode(core, frame, len), "OK")) {
        return;
    }
    if (!core_ack_read(core, &values.ack) || !core_beacon_read(core, &values.beacon) ||
        !core_manifest_read(core, &values.manifest) || !core_chunk_read(core, &values.chunk) ||
        !core_command_read(core, &values.command)) {
        vector_fail(run, "a typed getter failed");
        return;
    }
    cJSON_ArrayForEach(getter, typed) {
        check_typed_getter(run, core, &values, typed, getter);
    }
}

static void check_frame(vector_run_t *run, core_t *core, const cJSON *vector)
{
    static uint8_t frame[FRAME_VECTOR_MAX];
    uint8_t network_key[CORE_KEY_LEN];
    uint8_t signer_key[CORE_KEY_LEN];
    size_t len = vector_json_bytes(run, vector, "frame", frame, sizeof frame);

    vector_json_bytes_exact(run, vector, "network_public_key", network_key, sizeof network_key);
    vector_json_bytes_exact(run, vector, "signer_public_key", signer_key, sizeof signer_key);
    core_set_network_key(core, network_key);

    vector_expect_status(run, core, core_frame_decode(core, frame, len),
                         vector_json_string(run, vector, "decode"));
    vector_expect_status(run, core, core_frame_verify(core, frame, len, signer_key),
                         vector_json_string(run, vector, "verify"));
    if (vector_json_has(vector, "fields")) {
        check_fields(run, core, vector, frame, len);
    }
    if (vector_json_has(vector, "signed_message")) {
        check_signed_message(run, core, vector, frame, len);
    }
    if (vector_json_has(vector, "typed")) {
        check_typed(run, core, vector, frame, len);
    }
}

void vector_run_frames(vector_run_t *run, const cJSON *root)
{
    vector_run_each(run, root, check_frame);
}
