/* Bounded JSON parsing for request bodies of the local API. cJSON only ever parses a NUL-terminated
 * copy, and only after the text passed the size and nesting checks, so no body can make it recurse
 * deeply or read past the end. */
#ifndef API_JSON_H
#define API_JSON_H

#include <stddef.h>

#include <cJSON.h>

#define API_JSON_DETAIL_LEN 160

/* Parses `len` bytes of `body` (not NUL-terminated) as JSON nested at most `max_depth` arrays and
 * objects deep. Returns the tree (free with cJSON_Delete), or NULL with a problem code
 * ("BODY_TOO_LARGE" above `max_len` bytes, "BAD_JSON" for invalid JSON, a NUL byte, deeper
 * nesting, or an object with two members of one name) in *code and a reason in `detail`
 * (API_JSON_DETAIL_LEN bytes). */
cJSON *api_json_parse(const char *body, size_t len, size_t max_len, int max_depth, const char **code,
                      char *detail);

/* Returns the deepest nesting of arrays and objects in `len` bytes of JSON text, counting brackets
 * outside strings. Once the depth passes `limit` it stops and returns limit + 1. */
int api_json_depth(const char *text, size_t len, int limit);

#endif
