/* The calling helpers shared by the files of the core's C wrappers (core_api.c, core_build.c,
 * core_payload.c, core_replay.c). Callers outside them use core_api.h. */
#ifndef CORE_CALL_H
#define CORE_CALL_H

#include "core_api.h"

/* Calls an export whose result is a plain value, and returns 0 after a trap. */
uint32_t core_call0(core_t *core, engine_fn_t fn);
uint32_t core_call1(core_t *core, engine_fn_t fn, uint32_t a);

/* Calls an export whose result is a status, a length or a slot, and returns CORE_ENGINE_FAILED
 * after a trap. */
int32_t core_status0(core_t *core, engine_fn_t fn);
int32_t core_status1(core_t *core, engine_fn_t fn, uint32_t a);
int32_t core_status2(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b);
int32_t core_status3(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b, uint32_t c);
int32_t core_status4(core_t *core, engine_fn_t fn, uint32_t a, uint32_t b, uint32_t c, uint32_t d);

/* Copies `len` bytes into a core buffer. Returns false when they do not fit it or memory. */
bool core_put(core_t *core, const core_buffer_t *buffer, const void *bytes, size_t len);

/* Returns `len` bytes of a core buffer from `offset`, or NULL when they lie outside it. */
const uint8_t *core_view(core_t *core, const core_buffer_t *buffer, uint32_t offset, size_t len);

/* Copies `len` bytes of a core buffer into `out`. Returns false when they lie outside the buffer or
 * exceed `cap`. */
bool core_copy_out(core_t *core, const core_buffer_t *buffer, uint32_t offset, size_t len,
                   uint8_t *out, size_t cap);

/* Writes a device id into buffer_device_id(), NUL-padded to 16 bytes. An id of 16 characters goes
 * in unpadded, so the core, not the C, rejects it. Returns false for a longer one. */
bool core_put_device_id(core_t *core, const char *device_id);

/* Copies a received frame into the frame buffer and returns the length the core is to judge. */
uint32_t core_put_frame(core_t *core, const uint8_t *frame, size_t len);

#endif
