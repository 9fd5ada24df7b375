/* The local HTTP API's handlers (docs/homebase-api.yaml), written once against a small request and
 * response interface so that each HTTP server only maps its own request to it: civetweb in the
 * Linux build (hosts/esp32p4/linux/http_api.c) and esp_http_server on the ESP32-P4
 * (hosts/esp32p4/main/http_server_idf.c).
 *
 * Reading endpoints need the local dashboard token (dashboard_token.h); /healthz, POST
 * /api/v1/logs and POST /api/v1/media, whose bodies carry their devices' signatures, and POST
 * /api/v1/command, signed by the central server, do not. Errors are application/problem+json.
 *
 * Handlers may run in several server threads at once: each takes the context's lock around every
 * use of the home base, the same lock the main loop holds while it works. Standard C, cJSON and
 * libsodium only. */
#ifndef API_HTTP_H
#define API_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "commands.h"
#include "homebase.h"

/* The address text shown on the OLED screen, NUL included. */
#define API_HTTP_HOST_LEN 64

/* Maximum time, in milliseconds, to read a whole request body, counted on the monotonic clock (not
 * the home base's injected clock) from the start of the read. A client that trickles its body gets
 * 408 REQUEST_TIMEOUT and its connection is closed, so it cannot hold a worker (civetweb) or the
 * server task (esp_http_server) for as long as it keeps sending. The check runs between reads, so
 * the body read can last up to this plus one read timeout of the binding. */
#define API_HTTP_BODY_DEADLINE_MS 10000

/* The lock around the home base: a pthread mutex on Linux, a FreeRTOS mutex on the ESP32-P4. */
typedef struct {
    void (*acquire)(void *ctx);
    void (*release)(void *ctx);
    void *ctx;
} api_lock_t;

/* What every handler works on. The binding keeps it alive while its server runs. */
typedef struct api_context {
    homebase_t *homebase;
    /* NULL until the commands are ready; POST /api/v1/command responds 404 NOT_FOUND until then.
     * Set it under `lock`. */
    commands_t *commands;
    api_lock_t lock;
    /* The address the server listens on, for the OLED screen. */
    char host[API_HTTP_HOST_LEN];
    /* The SD card's problem for the OLED screen ("NO SD CARD") or NULL when the card works; called
     * under `lock`. NULL reports no problem. */
    const char *(*storage_error)(const homebase_t *homebase);
    /* The body deadline in milliseconds, or 0 for API_HTTP_BODY_DEADLINE_MS. Tests set a shorter
     * one. */
    uint32_t body_deadline_ms;
} api_context_t;

/* One request, as the binding sees it. Strings stay valid until the handler returns. */
typedef struct api_request {
    /* "GET", "POST", ... */
    const char *method;
    /* The path as sent, without the query: still percent-encoded, with dot segments kept. Routes
     * match it byte for byte on every binding, so "/api/v1/stat%75s" or a media path with "%2F" or
     * "%00" is 404, and "/api/v1/media/../x" reaches the media path rule as sent. */
    const char *path;
    /* The query string after '?', still percent-encoded; NULL without one. */
    const char *query;
    /* The Content-Length header, or -1 without one (a chunked body). */
    long long content_length;
    /* The value of header `name` (case-insensitive), or NULL when absent or longer than the
     * binding keeps. */
    const char *(*header)(void *binding, const char *name);
    /* Reads up to `cap` body bytes. Returns the count read, 0 at the body's end, negative on a
     * receive error or timeout. */
    int (*read)(void *binding, void *bytes, size_t cap);
    void *binding;
} api_request_t;

/* The head of a response. The binding adds Content-Length (and Connection: close on civetweb). To a
 * HEAD request the bindings send the head without the body. */
typedef struct {
    int status;
    const char *content_type;
    /* The Cache-Control value; NULL sends "no-store". */
    const char *cache_control;
    /* The WWW-Authenticate value; NULL sends none. */
    const char *www_authenticate;
    /* The Allow value of a 405 response (RFC 9110 section 15.5.6); NULL sends none. */
    const char *allow;
    /* Sends X-Content-Type-Options: nosniff. */
    bool nosniff;
} api_response_head_t;

/* Writes one whole response. Returns 0, or negative when the connection failed. */
typedef struct api_responder {
    int (*send)(void *binding, const api_response_head_t *head, const void *body, size_t len);
    void *binding;
} api_responder_t;

/* A route handler. Returns the HTTP status it sent. */
typedef int (*api_handler_fn)(api_context_t *context, const api_request_t *request,
                              const api_responder_t *responder);

typedef struct {
    /* The exact path, or with `prefix` the start of every path it serves ("/api/v1/media/"). */
    const char *path;
    bool prefix;
    api_handler_fn handle;
} api_route_t;

/* Every route of the local API except WS /ws. Each handler checks the method itself and sends
 * 405 METHOD_NOT_ALLOWED for another one, so a binding registers each route for every method. */
#define API_HTTP_ROUTE_COUNT 8
extern const api_route_t api_http_routes[API_HTTP_ROUTE_COUNT];

/* Runs the route that serves `request->path`, or sends 404 NOT_FOUND. Returns the status sent. */
int api_http_dispatch(api_context_t *context, const api_request_t *request,
                      const api_responder_t *responder);

/* Sends 404 NOT_FOUND for a path no route serves. */
int api_http_not_found(api_context_t *context, const api_request_t *request,
                       const api_responder_t *responder);

/* Sends the problem of `code` (api_problem.h) with `detail`. Returns its status. */
int api_http_send_problem(const api_responder_t *responder, const char *code, const char *detail);

/* Sends the problem of `code` with `status` in place of the catalogue's. Returns `status`. */
int api_http_send_problem_status(const api_responder_t *responder, int status, const char *code,
                                 const char *detail);

/* Results of api_http_query_value. */
typedef enum {
    API_QUERY_FOUND = 0,
    /* The query has no pair with the name. */
    API_QUERY_ABSENT,
    /* The pair has no '=', its value has a malformed escape or one that decodes to NUL, or the
     * value does not fit. */
    API_QUERY_INVALID,
} api_query_result_t;

/* Copies the decoded value of query parameter `name` (the first pair with that name; '+' decodes
 * to a space) into `out` (`cap` bytes, NUL included). `query` may be NULL. `out` is unspecified
 * unless the result is API_QUERY_FOUND. */
api_query_result_t api_http_query_value(const char *query, const char *name, char *out, size_t cap);

#endif
