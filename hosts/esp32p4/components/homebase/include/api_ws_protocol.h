/* WS /ws of the local API, independent of the HTTP server: the limits, the authentication rules and
 * the event queue that the civetweb binding (hosts/esp32p4/linux/api_ws.c) and the esp_http_server
 * binding (hosts/esp32p4/main/http_ws_idf.c) share. The events are those of api_events.h, in the
 * central server's envelope, sent to every client that presented the dashboard token.
 *
 * Authentication works as on the central server (hosts/node/src/ws/server.ts): either an
 * `Authorization: Bearer <token>` header on the upgrade request (a wrong token gets HTTP 401 before
 * the upgrade), or a first message {"type":"auth","token":"..."} within API_WS_AUTH_TIMEOUT_MS,
 * otherwise the socket is closed with 4401. Both ways end with {"type":"auth_ok"} before any event;
 * later messages are ignored. Before a token is provisioned every upgrade gets 503.
 *
 * The bindings keep their own client tables, because each server names its connections its own
 * way (a civetweb connection, a socket descriptor) and runs them on its own threads. */
#ifndef API_WS_PROTOCOL_H
#define API_WS_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dashboard_token.h"

#define API_WS_PATH "/ws"
/* Clients at once, authenticated or not. When all are taken, a client whose upgrade carried a
 * valid token takes the slot of the oldest one that has not authenticated (api_ws_choose_slot).
 * It gets 503 TOO_MANY_CLIENTS only when every slot is taken by an authenticated client. */
#define API_WS_MAX_CLIENTS 4
/* Clients at once that wait for their auth message (no Authorization header on the upgrade). An
 * upgrade without a token when this many wait gets 503 TOO_MANY_CLIENTS at the handshake, because
 * on civetweb each waiting client occupies a worker thread for up to API_WS_AUTH_TIMEOUT_MS. So
 * clients without the token hold at most this many workers, and a client that sends the header,
 * or a plain HTTP request, still finds one.
 * NOTE: a LAN client that keeps these places filled keeps out a browser dashboard, which cannot
 * set the header and must authenticate by message; the HTTP API and header clients stay usable. */
#define API_WS_PENDING_MAX 2
/* RFC 6455 section 7.4.1: 1013, try again later, for a client whose slot a newer client took. */
#define API_WS_CLOSE_EVICTED 1013
/* Largest client message in bytes, as on the central server; a larger one closes the socket with
 * 1009 (RFC 6455 section 7.4.1, message too big). */
#define API_WS_MAX_MESSAGE_LEN 4096
#define API_WS_AUTH_TIMEOUT_MS 5000
/* Events waiting to be sent; when the queue is full the oldest is dropped and counted. */
#define API_WS_QUEUE_LEN 64
#define API_WS_CLOSE_AUTH_FAILED 4401
#define API_WS_CLOSE_TOO_BIG 1009
#define API_WS_AUTH_OK_MESSAGE "{\"type\":\"auth_ok\"}"
/* "Bearer " and the longest token the check takes, NUL included. */
#define API_WS_BEARER_HEADER_LEN (7 + HB_DASHBOARD_TOKEN_MAX_LEN + 1)
/* A close frame's payload here: the 2-byte code and a reason cut to fit (RFC 6455 section 5.5
 * allows 125). */
#define API_WS_CLOSE_PAYLOAD_MAX 64

/* Returns the problem code for an upgrade request, or NULL to accept it, and sets *detail.
 * `token_result` is hb_dashboard_token_check's result for the request's Authorization header, and
 * `has_authorization` is true when it had one. A request without one is accepted, because it may
 * send the auth message instead. The client count is not checked here. */
const char *api_ws_upgrade_refusal(int token_result, bool has_authorization, const char **detail);

/* The state of one client slot that api_ws_choose_slot reads. A binding copies it from its own
 * table. */
typedef struct {
    bool used;
    /* Authenticated, or its upgrade request carried a valid token: never evicted. */
    bool authenticated;
    /* When the client connected, on the binding's monotonic clock. */
    uint64_t opened_ms;
} api_ws_slot_t;

/* Chooses the slot for a new client whose upgrade passed api_ws_upgrade_refusal.
 * `has_valid_token` is true when its upgrade carried the right token: then it gets a free slot, or
 * else the slot of the oldest client that has not authenticated, which the binding closes with
 * API_WS_CLOSE_EVICTED and gives to the new client (*evict true). A client without the token
 * gets a free slot only while fewer than API_WS_PENDING_MAX clients wait for their auth message,
 * and never evicts anyone. A client that has authenticated is never evicted. Returns the slot
 * index, or -1 for 503 TOO_MANY_CLIENTS. */
int api_ws_choose_slot(const api_ws_slot_t slots[API_WS_MAX_CLIENTS], bool has_valid_token, bool *evict);

/* Reads the auth message {"type":"auth","token":"<1 to HB_DASHBOARD_TOKEN_MAX_LEN characters>"}
 * and writes its token as an Authorization value ("Bearer <token>") into `header`. Returns false,
 * `header` untouched, for any other message or one longer than API_WS_MAX_MESSAGE_LEN. */
bool api_ws_auth_header_of(const char *message, size_t len, char header[API_WS_BEARER_HEADER_LEN]);

/* A client frame's opcode as far as authentication cares (RFC 6455 section 5.2). */
typedef enum {
    API_WS_FRAME_TEXT,
    API_WS_FRAME_BINARY,
    /* Continuation, ping and pong frames. */
    API_WS_FRAME_OTHER,
} api_ws_frame_kind_t;

/* What a binding does with one client message. */
typedef enum {
    /* Nothing: the client is authenticated, or the frame is no data message. */
    API_WS_MESSAGE_IGNORE,
    /* Close with API_WS_CLOSE_TOO_BIG, authenticated or not. */
    API_WS_MESSAGE_TOO_BIG,
    /* An auth message: check its header under the home base's lock, then send auth_ok or close
     * with API_WS_CLOSE_AUTH_FAILED. */
    API_WS_MESSAGE_CHECK_TOKEN,
    /* A first data message that is no auth message: close with API_WS_CLOSE_AUTH_FAILED. */
    API_WS_MESSAGE_NOT_AUTH,
} api_ws_message_t;

/* Decides what one client message means. Fills `header` (as api_ws_auth_header_of does) only for
 * API_WS_MESSAGE_CHECK_TOKEN. */
api_ws_message_t api_ws_read_message(bool authenticated, api_ws_frame_kind_t kind, const char *message,
                                     size_t len, char header[API_WS_BEARER_HEADER_LEN]);

/* True when a client that has not authenticated opened `timeout_ms` or more before `now_ms`. Both
 * times come from the same monotonic clock. */
bool api_ws_auth_timed_out(uint64_t opened_ms, uint64_t now_ms, uint32_t timeout_ms);

/* Writes a close frame's payload: `code` in network order, then `reason` cut to fit (RFC 6455
 * section 5.5.1). Returns its length. */
size_t api_ws_close_payload(unsigned code, const char *reason, uint8_t out[API_WS_CLOSE_PAYLOAD_MAX]);

/* One queued envelope, NUL-terminated, from malloc. */
typedef struct {
    char *text;
    size_t len;
} api_ws_event_t;

/* A ring of envelopes. Not locked: the binding guards it. */
typedef struct {
    api_ws_event_t items[API_WS_QUEUE_LEN];
    size_t head;
    size_t count;
    /* Envelopes dropped because the queue was full. */
    unsigned long dropped;
} api_ws_queue_t;

/* Queues a copy of `json`; when the queue is full the oldest envelope is dropped first. Returns
 * false, the queue unchanged, when out of memory. */
bool api_ws_queue_push(api_ws_queue_t *queue, const char *json, size_t len);

/* Takes the oldest envelope; the caller frees out->text. Returns false when the queue is empty. */
bool api_ws_queue_pop(api_ws_queue_t *queue, api_ws_event_t *out);

/* Frees every queued envelope. */
void api_ws_queue_clear(api_ws_queue_t *queue);

#endif
