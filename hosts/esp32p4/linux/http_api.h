/* The local HTTP API on civetweb (docs/homebase-api.yaml): maps civetweb's requests to the portable
 * handlers of api_http.h (status, devices, logs, oled.png, healthz, command, media) and runs WS /ws
 * (api_ws.h).
 *
 * civetweb runs handlers in its own worker threads, so every handler takes `lock` around the home base,
 * the same lock the main loop holds while it works. */
#ifndef HTTP_API_H
#define HTTP_API_H

#include <civetweb.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "commands.h"
#include "homebase.h"

/* Worker threads: enough for the local dashboard plus a few clients that connect and send nothing.
 * While this many connections are idle, a new request waits until an idle one times out. */
#define HTTP_API_WORKER_COUNT 8

/* Maximum time, in milliseconds, for an accepted connection to send its request. civetweb then
 * closes the connection and frees its worker. */
#define HTTP_API_REQUEST_TIMEOUT_MS 3000

/* The request line and headers together, in bytes (civetweb's max_request_size). civetweb 1.15
 * responds to a longer head with its own HTTP/1.0 400 and closes the connection. The URI is bounded
 * by the same number. */
#define HTTP_API_MAX_HEAD_LEN 8192

/* Accepted connections waiting for a worker (civetweb's connection_queue) and the kernel's backlog
 * of connections not yet accepted (listen_backlog). With the workers they bound the sockets the
 * server holds: at most HTTP_API_WORKER_COUNT + HTTP_API_CONNECTION_QUEUE_LEN accepted ones. */
#define HTTP_API_CONNECTION_QUEUE_LEN 16
#define HTTP_API_LISTEN_BACKLOG 16

/* A WebSocket client that sends nothing for this long gets a ping; civetweb closes it when the ping
 * fails. */
#define HTTP_API_WS_PING_INTERVAL_MS 30000

typedef struct http_api http_api_t;

/* Listens on `host`:`port`. Returns NULL when civetweb could not start (port in use, bad host). */
http_api_t *http_api_start(const char *host, uint16_t port, homebase_t *homebase,
                           pthread_mutex_t *lock);

/* Serves POST /api/v1/command with `commands` (api_http.h), under the same lock; until then the
 * route responds 404. */
void http_api_add_commands(http_api_t *api, commands_t *commands);

/* Sets the body deadline (api_context_t.body_deadline_ms; 0 restores API_HTTP_BODY_DEADLINE_MS),
 * so tests need not wait 10 seconds. Call it before requests arrive: the handlers read it unlocked. */
void http_api_set_body_deadline_ms(http_api_t *api, uint32_t deadline_ms);

void http_api_stop(http_api_t *api);

/* Registers `handler` for `pattern` after start (as mg_set_request_handler does), keeping the
 * catch-all that sends 404 problems for unknown paths behind it. Handlers registered with
 * mg_set_request_handler after http_api_start would never be reached, because civetweb 1.15 takes
 * the first registered pattern that matches. */
void http_api_add_handler(http_api_t *api, const char *pattern, mg_request_handler handler, void *data);

/* Queues an event envelope for the WebSocket clients (an api_event_sink_fn; `api` is the
 * http_api_t). */
void http_api_publish_event(void *api, const char *json, size_t len);

/* The WebSocket part, for tests. */
struct api_ws *http_api_ws(http_api_t *api);

#endif
