/* The local HTTP API on civetweb: GET /api/v1/status and GET /api/v1/devices.
 *
 * civetweb runs handlers in its own worker threads, so every handler takes `lock` around the home base,
 * the same lock the main loop holds while it works. */
#ifndef HTTP_API_H
#define HTTP_API_H

#include <pthread.h>
#include <stdint.h>

#include "commands.h"
#include "homebase.h"

/* Worker threads: enough for the local dashboard plus a few clients that connect and send nothing.
 * While this many connections are idle, a new request waits until an idle one times out. */
#define HTTP_API_WORKER_COUNT 8

/* Maximum time, in milliseconds, for an accepted connection to send its request. civetweb then
 * closes the connection and frees its worker. */
#define HTTP_API_REQUEST_TIMEOUT_MS 3000

typedef struct http_api http_api_t;

/* Listens on `host`:`port`. Returns NULL when civetweb could not start (port in use, bad host). */
http_api_t *http_api_start(const char *host, uint16_t port, homebase_t *homebase,
                           pthread_mutex_t *lock);

/* Serves POST /api/v1/command with `commands` (api_command.c), under the same lock. */
void http_api_add_commands(http_api_t *api, commands_t *commands);

void http_api_stop(http_api_t *api);

#endif
