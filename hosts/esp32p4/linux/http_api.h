/* The local HTTP API on civetweb: GET /api/v1/status and GET /api/v1/devices.
 *
 * civetweb runs handlers in its own worker threads, so every handler takes `lock` around the home base,
 * the same lock the main loop holds while it works. */
#ifndef HTTP_API_H
#define HTTP_API_H

#include <pthread.h>
#include <stdint.h>

#include "homebase.h"

typedef struct http_api http_api_t;

/* Listens on `host`:`port`. Returns NULL when civetweb could not start (port in use, bad host). */
http_api_t *http_api_start(const char *host, uint16_t port, homebase_t *homebase,
                           pthread_mutex_t *lock);

void http_api_stop(http_api_t *api);

#endif
