/* Helpers that read the JSON vector files of core/vectors in the C tests. Every helper fails the running
 * cmocka test, naming the field, when the file breaks the shape of core/vectors/types.ts. */
#ifndef TEST_VECTOR_FILE_H
#define TEST_VECTOR_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#include "core_api.h"

/* Parses core/vectors/`name`. The caller frees the tree with cJSON_Delete. */
cJSON *vector_load(const char *name);

/* Returns the array `field` of `object`, and fails the test when it is missing or no array. */
const cJSON *vector_array(const cJSON *object, const char *field);

const char *vector_string(const cJSON *object, const char *field);
double vector_number(const cJSON *object, const char *field);
uint32_t vector_u32(const cJSON *object, const char *field);
bool vector_has(const cJSON *object, const char *field);

/* Decodes the hex field `field` into `out` and returns its byte length. */
size_t vector_bytes(const cJSON *object, const char *field, uint8_t *out, size_t cap);

/* Decodes a hex field of exactly `len` bytes. */
void vector_bytes_exact(const cJSON *object, const char *field, uint8_t *out, size_t len);

/* Returns whether the core's name for `status` equals `expected`, and prints the mismatch when not,
 * so a test can list every mismatching vector before it fails. */
bool vector_status_matches(core_t *core, int32_t status, const char *expected, const char *label);

/* Fails the test, naming `label`, unless the core's name for `status` equals `expected`. */
void vector_assert_status(core_t *core, int32_t status, const char *expected, const char *label);

#endif
