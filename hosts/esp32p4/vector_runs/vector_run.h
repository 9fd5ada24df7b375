/* Runs the shared vector files of core/vectors through the core on any engine, with no test framework,
 * so the Linux tests (cmocka) and the bare-metal rv32 runner under QEMU (hosts/esp32p4/target) check
 * the same things with the same code. Each set counts its vectors as passed or failed and prints one
 * line per mismatch; the caller decides what a failure does.
 *
 * A field missing from a file, or of the wrong type, fails the vector that reads it (the getters
 * return 0 or "" then), so a broken file shows as failures, never as a crash. */
#ifndef VECTOR_RUN_H
#define VECTOR_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core_api.h"

/* Opens an engine and the core on it. Returns NULL, after printing why, when either fails. */
typedef engine_t *(*vector_open_fn)(core_t *core, void *ctx);

typedef struct {
    vector_open_fn open;
    void *open_ctx;
    int passed;
    int failed;
    /* Whether the running vector has failed a check, set by vector_fail and counted by vector_end. */
    bool vector_failed;
    char label[160];
} vector_run_t;

void vector_run_init(vector_run_t *run, vector_open_fn open, void *open_ctx);

/* Starts a vector named `label`, and ends it, counting it as passed or failed. */
void vector_begin(vector_run_t *run, const char *label);
void vector_end(vector_run_t *run);

/* Prints "mismatch: LABEL: message" and fails the running vector. */
void vector_fail(vector_run_t *run, const char *format, ...) __attribute__((format(printf, 2, 3)));

/* Field getters that fail the running vector, naming the field, when it is missing or mistyped. */
const cJSON *vector_json_array(vector_run_t *run, const cJSON *object, const char *field);
const char *vector_json_string(vector_run_t *run, const cJSON *object, const char *field);
uint32_t vector_json_u32(vector_run_t *run, const cJSON *object, const char *field);
int32_t vector_json_i32(vector_run_t *run, const cJSON *object, const char *field);
bool vector_json_has(const cJSON *object, const char *field);

/* Decodes the hex field `field` into `out` (at most `cap` bytes) and returns its length. */
size_t vector_json_bytes(vector_run_t *run, const cJSON *object, const char *field, uint8_t *out,
                         size_t cap);

/* Decodes a hex field of exactly `len` bytes. Returns false, after failing the vector, when it cannot. */
bool vector_json_bytes_exact(vector_run_t *run, const cJSON *object, const char *field,
                             uint8_t *out, size_t len);

/* Fails the vector unless the core's name for `status` equals `expected`, and returns whether it does. */
bool vector_expect_status(vector_run_t *run, core_t *core, int32_t status, const char *expected);

/* Fails the vector unless `actual` equals `expected`. */
bool vector_expect_u32(vector_run_t *run, const char *field, uint32_t actual, uint32_t expected);

/* The check of one vector of a file's "vectors" array, on a core opened for the whole file. */
typedef void (*vector_check_fn)(vector_run_t *run, core_t *core, const cJSON *vector);

/* Opens the core, runs `check` on each member of root's "vectors" as a vector labelled with its
 * "name", and closes the core. A core that does not open counts as one failure. */
void vector_run_each(vector_run_t *run, const cJSON *root, vector_check_fn check);

/* ---- The sets, each given the parsed file ---- */

/* ed25519-rfc8032.json and ed25519-wycheproof.json through the core's signature_verify. */
void vector_run_ed25519_rfc8032(vector_run_t *run, const cJSON *root);
void vector_run_ed25519_wycheproof(vector_run_t *run, const cJSON *root);

/* accept.json and batch.json, each in order on one instance (vector_accept.c). */
void vector_run_accept(vector_run_t *run, const cJSON *root);
void vector_run_batch(vector_run_t *run, const cJSON *root);

/* frames.json: decode and verify statuses of every vector, and for each that has them the header
 * getters, the signed message and the typed payload getters. */
void vector_run_frames(vector_run_t *run, const cJSON *root);

/* requests.json: the signed message (or form status), request_verify at the vector's `now`, and
 * the nonce of each request that verifies; then each "accept" vector through request_accept. */
void vector_run_requests(vector_run_t *run, const cJSON *root);

/* scenarios.json: each scenario's steps in order on a fresh instance, one vector per scenario. */
void vector_run_scenarios(vector_run_t *run, const cJSON *root);

#endif
