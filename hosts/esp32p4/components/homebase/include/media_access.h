/* The access rule of GET /api/v1/media/{path} (docs/protocol.md sections 1.8 and 12.2): the local
 * dashboard reads with its token (`Authorization: Bearer <token>`), and the central server with a
 * request signed by the network key (key id `<network id>`). A request that carries any X-Mesh-*
 * header is judged by its signature alone. Portable, so every HTTP server of the home base runs
 * the same decision. */
#ifndef MEDIA_ACCESS_H
#define MEDIA_ACCESS_H

#include <stdbool.h>

#include "homebase.h"
#include "signed_request.h"

/* The parts of the request the decision reads; a header is NULL when missing. */
typedef struct {
    const char *method;
    /* The path as sent, "/api/v1/media/<path>", and the query string after '?' or NULL. */
    const char *path;
    const char *query;
    const char *authorization;
    const char *key_id;
    const char *timestamp;
    const char *nonce;
    const char *signature;
} media_access_request_t;

/* Returns true when `request` may read media, or false with the problem to send in `out`: 401
 * AUTH_REQUIRED or AUTH_FAILED, 503 DASHBOARD_TOKEN_NOT_SET, or a problem of signed_request_accept.
 * A signed request runs the core and may write the replay state: call under the home base's lock. */
bool media_access_allowed(homebase_t *homebase, const media_access_request_t *request,
                          signed_request_problem_t *out);

#endif
