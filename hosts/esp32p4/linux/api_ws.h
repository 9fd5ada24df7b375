/* WS /ws of the local API on civetweb: the protocol of api_ws_protocol.h (authentication, limits,
 * event queue) on civetweb's WebSocket callbacks, with a sender thread that writes the queued
 * events. */
#ifndef API_WS_H
#define API_WS_H

#include <civetweb.h>
#include <pthread.h>
#include <stddef.h>

#include "api_ws_protocol.h"

/* civetweb 1.15 keeps a worker thread on each WebSocket for its whole life, so API_WS_MAX_CLIENTS
 * stays well below HTTP_API_WORKER_COUNT and the HTTP API keeps workers.
 * civetweb 1.15 offers no way to drop a WebSocket from outside its worker. So for a client that is
 * evicted, or gets 4401 for no auth message in time, api_ws.c finds the socket by its addresses in
 * /proc/self/fd and shuts it down. civetweb's read then returns, and the worker is free at once.
 * NOTE: an authenticated client that stops reading and stays silent on an open TCP connection
 * occupies its slot until TCP gives up on it. civetweb pings an idle client every HTTP_API_WS_PING_INTERVAL_MS, so a vanished peer fails
 * at TCP level, but a peer that acknowledges TCP and sends nothing stays. Without /proc the lookup
 * finds nothing and such clients keep their workers the same way.
 * The HTTP API is not affected, because the slots bound the workers that WebSockets take. */

typedef struct api_ws api_ws_t;

/* Registers /ws on `context` and starts the sender thread. `lock` is the home base's lock, taken
 * around the token check. Returns NULL when the thread could not start. */
api_ws_t *api_ws_start(struct mg_context *context, pthread_mutex_t *lock);

/* Queues one envelope for every authenticated client and returns: the sender thread writes it, so a
 * slow client never blocks the caller. Matches api_event_sink_fn. */
void api_ws_publish(void *ws, const char *json, size_t len);

/* Authenticated clients now. */
size_t api_ws_client_count(api_ws_t *ws);

/* Events dropped because the queue was full. */
unsigned long api_ws_dropped_count(api_ws_t *ws);

/* Shortens the auth timeout, for tests. */
void api_ws_set_auth_timeout_ms(api_ws_t *ws, unsigned timeout_ms);

/* Stops the sender thread and frees the queue. Call after mg_stop, which closes every client. */
void api_ws_stop(api_ws_t *ws);

#endif
