/* The engine interface: one loaded instance of core.wasm, whichever WebAssembly engine runs it.
 *
 * The core's ABI (docs/core-abi.md) is plain 32-bit integers and the module's own memory, so an
 * engine only has to call a fixed list of exports with up to four i32 arguments, each returning
 * one i32, and expose its linear memory. Every engine supplies the same two imports
 * (engine_import_ed25519_verify and engine_import_abort below).
 *
 * Once the core traps (abort, or an engine error) the instance is dead: every later call returns
 * -1 without entering the core, and engine_error() returns the reason. */
#ifndef ENGINE_H
#define ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* X(name, argument count): every export of docs/core-abi.md, in its order. An engine resolves all of
 * them at load and fails the load when one is missing, so a core that drifts from the ABI is caught
 * at start. */
#define ENGINE_EXPORTS(X)           \
    X(status_name, 1)               \
    X(status_name_len, 1)           \
    X(buffer_frame, 0)              \
    X(buffer_frame_size, 0)         \
    X(buffer_network_key, 0)        \
    X(buffer_network_key_size, 0)   \
    X(buffer_key, 0)                \
    X(buffer_key_size, 0)           \
    X(buffer_device_id, 0)          \
    X(buffer_device_id_size, 0)     \
    X(buffer_message, 0)            \
    X(buffer_message_size, 0)       \
    X(buffer_request, 0)            \
    X(buffer_request_size, 0)       \
    X(buffer_signature, 0)          \
    X(buffer_signature_size, 0)     \
    X(buffer_key_id, 0)             \
    X(buffer_key_id_size, 0)        \
    X(buffer_batch, 0)              \
    X(buffer_batch_size, 0)         \
    X(buffer_payload, 0)            \
    X(buffer_payload_size, 0)       \
    X(buffer_decoded, 0)            \
    X(buffer_decoded_size, 0)       \
    X(buffer_arg_device, 0)         \
    X(buffer_arg_device_size, 0)    \
    X(buffer_state, 0)              \
    X(buffer_state_size, 0)         \
    X(device_capacity, 0)           \
    X(nonce_capacity, 0)            \
    X(replay_window, 0)             \
    X(replay_floor_step, 0)         \
    X(frame_max_skew, 0)            \
    X(command_max_age, 0)           \
    X(content_max_size, 0)          \
    X(frame_decode, 1)              \
    X(frame_type, 0)                \
    X(frame_timestamp, 0)           \
    X(frame_seq, 0)                 \
    X(frame_payload_len, 0)         \
    X(frame_device_id_len, 0)       \
    X(frame_signed, 0)              \
    X(frame_signed_message, 1)      \
    X(frame_verify, 1)              \
    X(frame_build, 4)               \
    X(frame_message_len, 0)         \
    X(frame_set_signature, 0)       \
    X(signature_verify, 1)          \
    X(ack_id, 0)                    \
    X(ack_result, 0)                \
    X(ack_reason_offset, 0)         \
    X(ack_reason_len, 0)            \
    X(beacon_channel, 0)            \
    X(beacon_boot, 0)               \
    X(manifest_size, 0)             \
    X(manifest_media_offset, 0)     \
    X(manifest_media_len, 0)        \
    X(decoded_len, 0)               \
    X(chunk_content, 0)             \
    X(chunk_offset, 0)              \
    X(chunk_total, 0)               \
    X(chunk_data_len, 0)            \
    X(command_id, 0)                \
    X(command_code, 0)              \
    X(command_number, 0)            \
    X(command_text_offset, 0)       \
    X(command_text_len, 0)          \
    X(command_device_len, 0)        \
    X(self_set, 0)                  \
    X(device_set, 1)                \
    X(device_set_next_key, 1)       \
    X(device_has_next_key, 1)       \
    X(device_clear, 1)              \
    X(device_find, 0)               \
    X(frame_precheck, 2)            \
    X(frame_accept, 2)              \
    X(frame_slot, 0)                \
    X(frame_came_online, 0)         \
    X(frame_key_rotated, 0)         \
    X(command_accept, 2)            \
    X(command_slot, 0)              \
    X(device_expire, 2)             \
    X(device_online, 1)             \
    X(device_last_seen, 1)          \
    X(device_highest_seq, 1)        \
    X(device_frame_floor, 1)        \
    X(device_command_floor, 1)      \
    X(self_command_floor, 0)        \
    X(batch_floor, 0)               \
    X(replay_floor_due, 0)          \
    X(replay_export, 1)             \
    X(replay_import, 2)             \
    X(request_verify, 2)            \
    X(request_accept, 2)            \
    X(network_id_set, 1)            \
    X(request_nonce_offset, 0)      \
    X(request_signed_message, 1)    \
    X(batch_configure, 3)           \
    X(batch_add_frame, 3)           \
    X(batch_add_status, 3)          \
    X(batch_entry_count, 0)         \
    X(batch_due, 1)                 \
    X(batch_seal, 1)                \
    X(batch_sealed_seq, 0)          \
    X(batch_next_seq, 0)

#define ENGINE_EXPORT_ENUM(name, argc) ENGINE_FN_##name,
typedef enum {
    ENGINE_EXPORTS(ENGINE_EXPORT_ENUM)
    ENGINE_FN_COUNT
} engine_fn_t;
#undef ENGINE_EXPORT_ENUM

#define ENGINE_MAX_ARGS 4
#define ENGINE_ERROR_LEN 160

typedef struct engine engine_t;

typedef struct {
    const char *name;

    /* Calls `fn` with its arguments; returns 0 and sets *result, or -1 after a trap. */
    int (*call)(engine_t *engine, engine_fn_t fn, const uint32_t args[ENGINE_MAX_ARGS],
                uint32_t *result);

    /* Returns the start of linear memory and sets its length in bytes. Both may change when a call
     * grows memory, so callers fetch them again after every call. */
    uint8_t *(*memory)(engine_t *engine, uint32_t *len);

    void (*destroy)(engine_t *engine);
} engine_ops_t;

/* The part every engine shares; each engine's own state follows it in a larger struct. */
struct engine {
    const engine_ops_t *ops;
    bool trapped;
    char error[ENGINE_ERROR_LEN];
};

/* ---- Loading ---- */

/* The wasm2c engine: core.wasm translated to C at build time. Returns NULL and writes a reason
 * into `error` (at least ENGINE_ERROR_LEN bytes) on failure. */
engine_t *engine_wasm2c_create(char *error);

/* The wasm3 engine, interpreting `wasm` (kept by the caller for the life of the engine). Built only
 * when WASM3_SOURCE_DIR names a wasm3 tree; HB_HAVE_WASM3 is then defined. */
engine_t *engine_wasm3_create(const uint8_t *wasm, size_t wasm_len, char *error);

/* ---- Calling ---- */

const char *engine_export_name(engine_fn_t fn);
uint32_t engine_export_argc(engine_fn_t fn);

/* Calls `fn` with `argc` arguments (which must equal its export's count). Returns 0 and sets
 * *result, or -1 when the instance has trapped (now or before). */
int engine_call(engine_t *engine, engine_fn_t fn, const uint32_t *args, uint32_t argc,
                uint32_t *result);

/* Returns a pointer to `len` bytes of linear memory at `offset`, or NULL when they do not fit. */
uint8_t *engine_bytes(engine_t *engine, uint32_t offset, uint32_t len);

const char *engine_name(const engine_t *engine);
const char *engine_error(const engine_t *engine);
void engine_destroy(engine_t *engine);

/* ---- Imports, shared by every engine ---- */

/* env.ed25519_verify: 1 when the signature verifies, 0 otherwise, and 0 when any of the three
 * ranges lies outside memory (the core passes its own buffers, so that means a broken core). */
uint32_t engine_import_ed25519_verify(const uint8_t *memory, uint32_t memory_len, uint32_t sig_ptr,
                                      uint32_t msg_ptr, uint32_t msg_len, uint32_t key_ptr);

/* env.abort: logs the AssemblyScript message and location, and marks the engine trapped. The caller
 * then leaves the core the way its engine does (a wasm2c trap or a wasm3 error result). */
void engine_import_abort(engine_t *engine, uint32_t message_ptr, uint32_t file_ptr, uint32_t line,
                         uint32_t column);

/* Marks the instance dead with a reason; used by engines for their own traps. */
void engine_mark_trapped(engine_t *engine, const char *reason);

#endif
