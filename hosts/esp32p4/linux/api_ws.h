/* WS /ws of the local API on civetweb: the events of api_events.h, in the central server's envelope,
 * to every client that presented the dashboard token.
 *
 * Authentication works as on the central server (hosts/node/src/ws/server.ts): either an
 * `Authorization: Bearer <token>` header on the upgrade request (a wrong token gets HTTP 401 before
 * the upgrade), or a first message {"type":"auth","token":"..."} within API_WS_AUTH_TIMEOUT_MS,
 * otherwise the socket is closed with 4401. Both ways end with {"type":"auth_ok"} before any event;
 * later messages are ignored. Before a token is provisioned every upgrade gets 503. */
#ifndef API_WS_H
#define API_WS_H

#include <civetweb.h>
#include <pthread.h>
#include <stddef.h>

/* Clients at once, authenticated or not. civetweb 1.15 keeps a worker thread on each WebSocket for
 * its whole life, so this stays well below HTTP_API_WORKER_COUNT and the HTTP API keeps workers.
 * One more client gets 503 TOO_MANY_CLIENTS. */
#define API_WS_MAX_CLIENTS 4
/* NOTE: civetweb 1.15 offers no way to drop a WebSocket from outside its worker. A client that gets
 * the 4401 close frame, or stops reading, and then stays silent on an open TCP connection occupies
 * its slot until TCP gives up on it. civetweb pings an idle client every HTTP_API_WS_PING_INTERVAL_MS,
 * so a vanished peer fails at TCP level, but a peer that acknowledges TCP and sends nothing stays.
 * The HTTP API is not affected, because the slots bound the workers that WebSockets take. */
/* Largest client message in bytes, as on the central server; a larger one closes the socket with
 * 1009 (RFC 6455 section 7.4.1, message too big). */
#define API_WS_MAX_MESSAGE_LEN 4096
#define API_WS_AUTH_TIMEOUT_MS 5000
/* Events waiting for the sender thread; when it is full the oldest is dropped and counted. */
#define API_WS_QUEUE_LEN 64
#define API_WS_CLOSE_AUTH_FAILED 4401
#define API_WS_CLOSE_TOO_BIG 1009

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
