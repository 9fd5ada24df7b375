/* The home base's check of a request signed by the network key (docs/protocol.md section 2): the
 * central server's command deliveries (section 9.1) and media fetches (section 12.2). The canonical
 * text is built here from the request's parts, and the core's request_accept decides: the key id
 * must be the network id, then skew, signature and nonce. The core's status becomes the HTTP
 * problem of section 2. Call under the home base's lock, since the core is not thread-safe. */
#ifndef SIGNED_REQUEST_H
#define SIGNED_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "replay_store.h"

#define SIGNED_REQUEST_CODE_LEN 40
#define SIGNED_REQUEST_DETAIL_LEN 200

typedef struct {
    const char *method;
    /* The request target as sent, with any query string. */
    const char *target;
    /* The X-Mesh-* headers; NULL when missing. */
    const char *key_id;
    const char *timestamp;
    const char *nonce;
    const char *signature;
    const uint8_t *body;
    size_t body_len;
} signed_request_t;

/* Why a request was rejected: the HTTP status, the problem's code and its detail. */
typedef struct {
    int http_status;
    char code[SIGNED_REQUEST_CODE_LEN];
    char detail[SIGNED_REQUEST_DETAIL_LEN];
} signed_request_problem_t;

/* True when `request` carries any X-Mesh-* header, so its signature decides. */
bool signed_request_present(const signed_request_t *request);

/* Checks `request` at `now` through the core's request_accept, then writes the replay state to
 * `store` (NULL: none) when the recorded nonce made it due, so a restart cannot forget the nonce.
 * Returns true, or false with `out` filled: 401 for the failures of section 2, 503 NONCE_CACHE_FULL
 * or STORAGE_FAILED, 500 when the core trapped. */
bool signed_request_accept(core_t *core, replay_store_t *store, const signed_request_t *request,
                           uint32_t now, signed_request_problem_t *out);

#endif
