/* Helpers that the handlers of api_http.h share; not part of the bindings' interface. */
#ifndef API_HTTP_INTERNAL_H
#define API_HTTP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "api_http.h"

/* Results of api_http_read_body. */
typedef enum {
    API_BODY_OK = 0,
    /* Content-Length or the bytes received pass the limit. */
    API_BODY_TOO_LARGE,
    /* The body ended, or receiving failed, before its Content-Length. */
    API_BODY_SHORT,
    API_BODY_NO_MEMORY,
    /* The body deadline (api_http_body_deadline_ms) passed before the whole body arrived. */
    API_BODY_TIMED_OUT,
} api_body_result_t;

/* Reads the whole body, at most `max_len` bytes, into a buffer from malloc (one byte more, set to
 * NUL, so text bodies can be parsed in place). On API_BODY_OK the caller frees *body; on any other
 * result *body is NULL. A Content-Length above `max_len` is rejected before any byte is read, and a
 * body still arriving when the context's deadline passes is API_BODY_TIMED_OUT. */
api_body_result_t api_http_read_body(const api_context_t *context, const api_request_t *request,
                                     size_t max_len, uint8_t **body, size_t *len);

/* Returns the context's body deadline in milliseconds (API_HTTP_BODY_DEADLINE_MS unless set). */
uint32_t api_http_body_deadline_ms(const api_context_t *context);

/* Sends 408 REQUEST_TIMEOUT for a body that missed the deadline. Returns 408. */
int api_http_send_body_timeout(const api_context_t *context, const api_responder_t *responder);

/* Sends 405 METHOD_NOT_ALLOWED with Allow: `method`. Returns 405. */
int api_http_send_method_not_allowed(const api_responder_t *responder, const char *method);

/* Sends `body` with `status` and Cache-Control: no-store. Returns `status`. */
int api_http_send(const api_responder_t *responder, int status, const char *content_type,
                  const void *body, size_t len);

/* Sends 405 unless the request uses `method`. Returns 0 when it does, else the status sent. */
int api_http_require_method(const api_request_t *request, const api_responder_t *responder,
                            const char *method);

/* Sends 503 before a dashboard token is provisioned and 401 without the right bearer token.
 * Returns 0 when the request carries the token, else the status sent. Takes the context's lock. */
int api_http_require_token(api_context_t *context, const api_request_t *request,
                           const api_responder_t *responder);

/* True for application/json, with or without parameters (case-insensitive). */
bool api_http_is_json_type(const char *content_type);

void api_http_lock(api_context_t *context);
void api_http_unlock(api_context_t *context);

/* The route handlers of api_http_routes. */
int api_http_status(api_context_t *context, const api_request_t *request,
                    const api_responder_t *responder);
int api_http_devices(api_context_t *context, const api_request_t *request,
                     const api_responder_t *responder);
int api_http_logs(api_context_t *context, const api_request_t *request,
                  const api_responder_t *responder);
int api_http_oled(api_context_t *context, const api_request_t *request,
                  const api_responder_t *responder);
int api_http_health(api_context_t *context, const api_request_t *request,
                    const api_responder_t *responder);
int api_http_command(api_context_t *context, const api_request_t *request,
                     const api_responder_t *responder);
int api_http_media_post(api_context_t *context, const api_request_t *request,
                        const api_responder_t *responder);
int api_http_media_get(api_context_t *context, const api_request_t *request,
                       const api_responder_t *responder);

#endif
