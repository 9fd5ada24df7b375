/* Typed C functions over the core's ABI (docs/core-abi.md). Each copies inputs into the core's
 * fixed buffers, calls one export through the engine, and copies outputs back out, so callers never
 * hold pointers into core memory.
 *
 * Functions returning int32_t return the core's status (0 OK, 1 COMMAND_REPEATED, negative codes of
 * docs/core-abi.md). After an engine trap they return CORE_ENGINE_FAILED, and functions returning uint32_t return 0. */
#ifndef CORE_API_H
#define CORE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* Status codes of docs/core-abi.md that the C acts on by value. */
#define CORE_COMMAND_REPEATED 1
#define CORE_OK 0
#define CORE_FRAME_UNKNOWN_DEVICE (-9)
#define CORE_FRAME_TIMESTAMP_SKEW (-10)
#define CORE_REPLAY_DUPLICATE (-11)
#define CORE_REPLAY_TOO_OLD (-12)
#define CORE_SIGNATURE_NONCANONICAL (-13)
#define CORE_SIGNATURE_INVALID (-14)
#define CORE_FRAME_WRONG_DIRECTION (-15)
#define CORE_REPLAY_BELOW_FLOOR (-16)
#define CORE_FRAME_NOT_SIGNED (-17)
#define CORE_BUILD_NOT_READY (-18)
#define CORE_REQUEST_BAD_FORM (-20)
#define CORE_NONCE_CACHE_FULL (-23)
#define CORE_REQUEST_UNKNOWN_KEY (-25)
#define CORE_BATCH_FULL (-30)
#define CORE_COMMAND_WRONG_TARGET (-52)
#define CORE_COMMAND_EXPIRED (-53)

/* Not a core status: the engine trapped or an input does not fit a core buffer. Below every core
 * code, so it never collides with one. */
#define CORE_ENGINE_FAILED (-1000)
#define CORE_INPUT_TOO_LONG (-1001)

#define CORE_KEY_LEN 32
#define CORE_SIGNATURE_LEN 64
#define CORE_DEVICE_ID_LEN 16
#define CORE_SHA256_LEN 32
/* The maximum length of a decoded base64 argument (a sealed key): the size of buffer_decoded(). */
#define CORE_DECODED_MAX 80
/* The 32 hex characters of a request nonce. */
#define CORE_NONCE_HEX_LEN 32
/* Maximum length of a status name copied out. The core's names are at most 22 characters. */
#define CORE_STATUS_NAME_MAX 40

typedef struct {
    uint32_t ptr;
    uint32_t size;
} core_buffer_t;

typedef struct {
    engine_t *engine;
    core_buffer_t frame;
    core_buffer_t network_key;
    core_buffer_t key;
    core_buffer_t device_id;
    core_buffer_t message;
    core_buffer_t request;
    core_buffer_t signature;
    core_buffer_t key_id;
    core_buffer_t batch;
    core_buffer_t payload;
    core_buffer_t decoded;
    core_buffer_t arg_device;
    core_buffer_t state;
} core_t;

/* ---- Setup ---- */

/* Reads the buffer addresses and sizes and checks that each buffer lies inside memory and is at
 * least as large as docs/core-abi.md requires. Returns 0, or -1 with a reason in engine_error(). */
int core_open(core_t *core, engine_t *engine);

/* Writes the name of `code` (e.g. "SIGNATURE_INVALID") into `out`; returns `out`.
 * CORE_ENGINE_FAILED and CORE_INPUT_TOO_LONG get host names. */
const char *core_status_name(core_t *core, int32_t code, char out[CORE_STATUS_NAME_MAX + 1]);

void core_set_network_key(core_t *core, const uint8_t key[CORE_KEY_LEN]);

/* ---- Constants (docs/core-abi.md, Buffers) ---- */

uint32_t core_device_capacity(core_t *core);
uint32_t core_nonce_capacity(core_t *core);
uint32_t core_replay_window(core_t *core);
uint32_t core_replay_floor_step(core_t *core);
uint32_t core_frame_max_skew(core_t *core);
uint32_t core_command_max_age(core_t *core);
uint32_t core_content_max_size(core_t *core);

/* ---- Frames ---- */

/* Checks 1 to 10 of docs/protocol.md section 1.3; on OK the getters below describe the frame. */
int32_t core_frame_decode(core_t *core, const uint8_t *frame, size_t len);
int32_t core_frame_accept(core_t *core, const uint8_t *frame, size_t len, uint32_t now);
int32_t core_frame_verify(core_t *core, const uint8_t *frame, size_t len,
                          const uint8_t key[CORE_KEY_LEN]);

/* Decodes the frame and copies its signed message into `out`. Returns the message length, a
 * negative status (FRAME_NOT_SIGNED for a chunk), or CORE_INPUT_TOO_LONG when `cap` is too small. */
int32_t core_frame_signed_message(core_t *core, const uint8_t *frame, size_t len, uint8_t *out,
                                  size_t cap);

uint32_t core_frame_slot(core_t *core);
bool core_frame_came_online(core_t *core);
bool core_frame_key_rotated(core_t *core);
uint32_t core_frame_type(core_t *core);
uint32_t core_frame_timestamp(core_t *core);
uint32_t core_frame_seq(core_t *core);
uint32_t core_frame_payload_len(core_t *core);
bool core_frame_signed(core_t *core);

/* Copies the device id of the last frame that decoded OK as a C string. Returns false (and "?")
 * when the last frame failed before its device id was checked. */
bool core_frame_device_id(core_t *core, int32_t status, char out[CORE_DEVICE_ID_LEN]);

/* Checks the S < L rule and verifies `signature` over `message` under `key`. */
int32_t core_signature_verify(core_t *core, const uint8_t *message, size_t len,
                              const uint8_t signature[CORE_SIGNATURE_LEN],
                              const uint8_t key[CORE_KEY_LEN]);

/* ---- Building frames (the host signs, so the core never has a private key) ---- */

/* Builds a frame of `type` from `device_id` (at most 16 characters; the core judges them), the
 * header fields and `payload`, and copies it into `out`: for a signed type with 64 zero bytes where
 * the signature goes. Returns the frame length, the core's status (the frame fails checks 1 to 10),
 * or CORE_INPUT_TOO_LONG when an input or `cap` does not fit. */
int32_t core_frame_build(core_t *core, uint8_t type, const char *device_id, uint32_t timestamp,
                         uint32_t seq, const uint8_t *payload, size_t payload_len, uint8_t *out,
                         size_t cap);

/* Copies the signed message of the last successful core_frame_build into `out`. Returns its length
 * (0 after a chunk) or CORE_INPUT_TOO_LONG when `cap` is too small. */
int32_t core_frame_build_message(core_t *core, uint8_t *out, size_t cap);

/* Puts `signature` into the frame the last core_frame_build wrote and copies the signed frame into
 * `out`. Returns its length, FRAME_NOT_SIGNED, BUILD_NOT_READY or CORE_INPUT_TOO_LONG. */
int32_t core_frame_set_signature(core_t *core, const uint8_t signature[CORE_SIGNATURE_LEN],
                                 uint8_t *out, size_t cap);

/* ---- Typed payloads of the last frame that decoded OK (docs/core-abi.md) ---- */

/* A range of bytes inside the frame the core holds; core_frame_span copies it out. */
typedef struct {
    uint32_t offset;
    uint32_t len;
} core_span_t;

typedef struct {
    uint32_t id;
    /* 0 ok, 1 in_progress, 2 error, 3 unsupported. */
    uint32_t result;
    /* The reason string's raw JSON text between its quotes, escapes kept; len 0 when absent. */
    core_span_t reason;
} core_ack_t;

typedef struct {
    uint32_t channel;
    uint32_t boot;
} core_beacon_t;

typedef struct {
    uint32_t size;
    core_span_t media;
    uint8_t sha256[CORE_SHA256_LEN];
    /* 32 for a manifest; 0 when the last frame was none. */
    uint32_t sha256_len;
} core_manifest_t;

typedef struct {
    uint32_t content;
    uint32_t offset;
    uint32_t total;
    core_span_t data;
} core_chunk_t;

typedef struct {
    uint32_t id;
    /* docs/protocol.md section 6.2; 0 when the last frame was no command. */
    uint32_t code;
    /* delay_sec, duration_sec (defaults applied) or size. */
    uint32_t number;
    /* The config object's raw bytes or the version string's characters. */
    core_span_t text;
    /* The device argument as a C string, "" when absent. */
    char device[CORE_DEVICE_ID_LEN];
    /* A base64 argument (sealed, sha256, key), decoded. */
    uint8_t decoded[CORE_DECODED_MAX];
    uint32_t decoded_len;
} core_command_t;

/* Each fills every field from the core's getters: a field the frame lacks reads 0. Each returns
 * false when the engine trapped or the core's values do not fit the frame or its buffers. */
bool core_ack_read(core_t *core, core_ack_t *out);
bool core_beacon_read(core_t *core, core_beacon_t *out);
bool core_manifest_read(core_t *core, core_manifest_t *out);
bool core_chunk_read(core_t *core, core_chunk_t *out);
bool core_command_read(core_t *core, core_command_t *out);

/* Copies a span of the core's frame buffer into `out`; false when it does not fit `cap` or the
 * frame buffer. */
bool core_frame_span(core_t *core, core_span_t span, uint8_t *out, size_t cap);

/* ---- Device table ---- */

/* Stores the home base's own id, with a fresh command window. */
int32_t core_self_set(core_t *core, const char *device_id);
int32_t core_device_set(core_t *core, uint32_t slot, const char *device_id,
                        const uint8_t key[CORE_KEY_LEN]);
int32_t core_device_set_next_key(core_t *core, uint32_t slot, const uint8_t key[CORE_KEY_LEN]);
bool core_device_has_next_key(core_t *core, uint32_t slot);
int32_t core_device_clear(core_t *core, uint32_t slot);

/* The slot whose id equals the last decoded frame's device id, or -1. */
int32_t core_device_find(core_t *core);

/* Checks 1 to 15 of a device frame, without the signature and without changing any state. */
int32_t core_frame_precheck(core_t *core, const uint8_t *frame, size_t len, uint32_t now);

/* The command path of docs/protocol.md section 1.3. OK for a new command, COMMAND_REPEATED for a
 * seq already accepted; core_command_read and core_command_slot then describe it. */
int32_t core_command_accept(core_t *core, const uint8_t *frame, size_t len, uint32_t now);

/* The target of the last command that core_command_accept passed: its slot, or -1 for the home base
 * itself (and -1 after an engine trap). */
int32_t core_command_slot(core_t *core);

/* Returns the slot of a device that just went offline, or -1 when none did. */
int32_t core_device_expire(core_t *core, uint32_t now, uint32_t offline_after_sec);
bool core_device_online(core_t *core, uint32_t slot);
uint32_t core_device_last_seen(core_t *core, uint32_t slot);
uint32_t core_device_highest_seq(core_t *core, uint32_t slot);

/* The persisted floors, 0 when none yet. */
uint32_t core_device_frame_floor(core_t *core, uint32_t slot);
uint32_t core_device_command_floor(core_t *core, uint32_t slot);
uint32_t core_self_command_floor(core_t *core);
uint32_t core_batch_floor(core_t *core);

/* ---- Replay state persistence (docs/protocol.md section 10.3) ---- */

/* True when the state must be exported and written before the host acts on what it just took. */
bool core_replay_floor_due(core_t *core);

/* Copies the state, with the nonces live at `now`, into `out`. Returns its length. `cap` must be at
 * least core_replay_state_max_len(); otherwise returns CORE_INPUT_TOO_LONG before exporting, so the
 * due flag stays set. */
int32_t core_replay_export(core_t *core, uint32_t now, uint8_t *out, size_t cap);
int32_t core_replay_import(core_t *core, const uint8_t *state, size_t len, uint32_t now);

/* The size of the core's state buffer, the most an exported state can take. */
size_t core_replay_state_max_len(const core_t *core);

/* ---- Signed requests ----
 * A canonical text longer than the request buffer is cut to it but passed with its true length, so
 * the core rejects it with REQUEST_BAD_FORM. */

/* The central server's check: form, skew, S < L and the signature under `key`. */
int32_t core_request_verify(core_t *core, const char *text, size_t text_len,
                            const uint8_t signature[CORE_SIGNATURE_LEN],
                            const uint8_t key[CORE_KEY_LEN], uint32_t now);

/* Stores the network id (a UUID of 36 characters), the one key id core_request_accept knows.
 * Returns CORE_OK, or REQUEST_BAD_FORM (-20) for another form. */
int32_t core_network_id_set(core_t *core, const char *network_id);

/* The home base's check of a request from the central server: the form, a key id equal to the
 * network id (REQUEST_UNKNOWN_KEY, -25, otherwise), skew, S < L and the signature under the network
 * key (core_set_network_key), then the nonce against the core's cache. */
int32_t core_request_accept(core_t *core, const char *text, size_t text_len,
                            const uint8_t signature[CORE_SIGNATURE_LEN], uint32_t now);

/* Copies the nonce of the request that just verified OK as a C string; false when it does not lie
 * inside the request buffer. */
bool core_request_nonce(core_t *core, char out[CORE_NONCE_HEX_LEN + 1]);

/* Builds the signed message of a request's canonical text into `out` (capacity `cap`). Returns the
 * message length, or a negative status. */
int32_t core_request_signed_message(core_t *core, const char *text, size_t text_len, uint8_t *out,
                                    size_t cap);

/* ---- Batches ---- */

int32_t core_batch_configure(core_t *core, const char *key_id, uint32_t interval_sec,
                             uint32_t next_seq);

/* Adds the frame that core_frame_accept just took (it is still in the frame buffer). */
int32_t core_batch_add_frame(core_t *core, size_t len, int32_t rssi, uint32_t now);
int32_t core_batch_add_status(core_t *core, uint32_t slot, bool online, uint32_t now);
uint32_t core_batch_entry_count(core_t *core);
bool core_batch_due(core_t *core, uint32_t now);

/* Seals the open batch into `out` (NUL-terminated). Returns the JSON length, or a negative status.
 * `cap` must exceed core_batch_max_len(); otherwise returns CORE_INPUT_TOO_LONG before sealing. */
int32_t core_batch_seal(core_t *core, uint32_t now, char *out, size_t cap);
uint32_t core_batch_sealed_seq(core_t *core);
uint32_t core_batch_next_seq(core_t *core);

/* The core's batch buffer size, the most a sealed batch can take. */
size_t core_batch_max_len(const core_t *core);

#endif
