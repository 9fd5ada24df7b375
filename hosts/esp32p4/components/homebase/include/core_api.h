/* Typed C functions over the core's ABI (docs/core-abi.md). Each copies inputs into the core's
 * fixed buffers, calls one export through the engine, and copies outputs back out, so callers never
 * hold pointers into core memory.
 *
 * Functions returning int32_t return the core's status (0 OK, negative codes of docs/core-abi.md).
 * After an engine trap they return CORE_ENGINE_FAILED, and functions returning uint32_t return 0. */
#ifndef CORE_API_H
#define CORE_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

/* Status codes of docs/core-abi.md that the C acts on by value. */
#define CORE_OK 0
#define CORE_FRAME_UNKNOWN_DEVICE (-9)
#define CORE_SIGNATURE_INVALID (-14)
#define CORE_BATCH_FULL (-30)

/* Not a core status: the engine trapped or an input does not fit a core buffer. Below every core
 * code, so it never collides with one. */
#define CORE_ENGINE_FAILED (-1000)
#define CORE_INPUT_TOO_LONG (-1001)

#define CORE_KEY_LEN 32
#define CORE_SIGNATURE_LEN 64
#define CORE_DEVICE_ID_LEN 16
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
} core_t;

/* ---- Setup ---- */

/* Reads the buffer addresses and sizes and checks that each buffer lies inside memory and is at
 * least as large as docs/core-abi.md requires. Returns 0, or -1 with a reason in engine_error(). */
int core_open(core_t *core, engine_t *engine);

/* Writes the name of `code` (e.g. "SIGNATURE_INVALID") into `out`; returns `out`.
 * CORE_ENGINE_FAILED and CORE_INPUT_TOO_LONG get host names. */
const char *core_status_name(core_t *core, int32_t code, char out[CORE_STATUS_NAME_MAX + 1]);

void core_set_network_key(core_t *core, const uint8_t key[CORE_KEY_LEN]);

/* ---- Frames ---- */

int32_t core_frame_accept(core_t *core, const uint8_t *frame, size_t len, uint32_t now);
int32_t core_frame_verify(core_t *core, const uint8_t *frame, size_t len,
                          const uint8_t key[CORE_KEY_LEN]);
uint32_t core_frame_slot(core_t *core);
bool core_frame_came_online(core_t *core);
uint32_t core_frame_seq(core_t *core);
uint32_t core_frame_type(core_t *core);

/* Copies the device id of the last frame that decoded OK as a C string. Returns false (and "?")
 * when the last frame failed before its device id was checked. */
bool core_frame_device_id(core_t *core, int32_t status, char out[CORE_DEVICE_ID_LEN]);

/* Checks the S < L rule and verifies `signature` over `message` under `key`. */
int32_t core_signature_verify(core_t *core, const uint8_t *message, size_t len,
                              const uint8_t signature[CORE_SIGNATURE_LEN],
                              const uint8_t key[CORE_KEY_LEN]);

/* ---- Device table ---- */

uint32_t core_device_capacity(core_t *core);
int32_t core_device_set(core_t *core, uint32_t slot, const char *device_id,
                        const uint8_t key[CORE_KEY_LEN]);
int32_t core_device_clear(core_t *core, uint32_t slot);

/* Returns the slot of a device that just went offline, or -1 when none did. */
int32_t core_device_expire(core_t *core, uint32_t now, uint32_t offline_after_sec);
bool core_device_online(core_t *core, uint32_t slot);
uint32_t core_device_last_seen(core_t *core, uint32_t slot);
uint32_t core_device_highest_seq(core_t *core, uint32_t slot);

/* ---- Signed requests ---- */

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
