/* POST /api/v1/media and GET /api/v1/media/{path} of the local API (docs/protocol.md section 1.8,
 * docs/sd-layout.md). */
#ifndef HTTP_MEDIA_H
#define HTTP_MEDIA_H

#include <civetweb.h>
#include <pthread.h>

#include "homebase.h"

typedef struct http_media http_media_t;

/* Registers both routes on `context`. Returns NULL when out of memory, and then civetweb responds
 * 404 on both routes. */
http_media_t *http_media_register(struct mg_context *context, homebase_t *homebase,
                                  pthread_mutex_t *lock);

/* Frees what http_media_register allocated; call after mg_stop. */
void http_media_free(http_media_t *media);

#endif
