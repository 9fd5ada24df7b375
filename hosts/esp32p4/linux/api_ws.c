#include "api_ws.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api_problem.h"
#include "dashboard_token.h"
#include "hb_log.h"

#define WS_PATH API_WS_PATH "$"
/* How often the sender thread wakes without an event, to close clients that did not authenticate. */
#define SENDER_TICK_MS 100

typedef struct {
    const struct mg_connection *connection;
    bool used;
    /* The upgrade request carried the right token; auth_ok goes out once the handshake is done. */
    bool header_token;
    /* The handshake is done and auth_ok was sent: events may be written. */
    bool authenticated;
    /* The handshake is done (set after auth_ok for a header token). */
    bool ready;
    /* A close frame was sent; nothing else goes out. */
    bool closing;
    /* Writes by the sender thread in progress. on_close waits until it is 0, so the connection is
     * not freed while the sender writes to it without holding the mutex. */
    unsigned writers;
    unsigned long opened_ms;
} ws_client_t;

struct api_ws {
    pthread_mutex_t *home_lock;
    /* Guards the fields below. No socket write happens while it is held, so api_ws_publish, called
     * from the home base's loop, never waits for a slow client. */
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    /* Signalled when a client's writers count drops. */
    pthread_cond_t written;
    pthread_t thread;
    bool stopping;
    unsigned auth_timeout_ms;
    ws_client_t clients[API_WS_MAX_CLIENTS];
    api_ws_queue_t queue;
};

static unsigned long monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (unsigned long)now.tv_sec * 1000UL + (unsigned long)now.tv_nsec / 1000000UL;
}

/* Sends a problem in response to the upgrade request instead of the handshake. civetweb 1.15 closes the
 * connection after a connect handler returns non-zero, and sends nothing itself. */
static int refuse_upgrade(const struct mg_connection *connection, const char *code, const char *detail)
{
    char body[API_PROBLEM_MAX_LEN + 1];
    int status = api_problem_render(code, detail, body);
    const char *challenge = status == 401 ? "WWW-Authenticate: Bearer error=\"invalid_token\"\r\n" : "";

    mg_printf((struct mg_connection *)connection,
              "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nContent-Length: %zu\r\n"
              "%sConnection: close\r\n\r\n%s",
              status, api_problem_reason(status), strlen(body), challenge, body);
    return 1;
}

static void send_close(const struct mg_connection *connection, unsigned code, const char *reason)
{
    uint8_t payload[API_WS_CLOSE_PAYLOAD_MAX];
    size_t len = api_ws_close_payload(code, reason, payload);

    mg_websocket_write((struct mg_connection *)connection, MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE,
                       (const char *)payload, len);
}

/* The port and printed address of a socket's end, as civetweb prints remote_addr. */
static bool endpoint_of(const struct sockaddr_storage *address, char text[INET6_ADDRSTRLEN], int *port)
{
    if (address->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)address;

        *port = ntohs(in->sin_port);
        return inet_ntop(AF_INET, &in->sin_addr, text, INET6_ADDRSTRLEN) != NULL;
    }
    if (address->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)address;

        *port = ntohs(in6->sin6_port);
        return inet_ntop(AF_INET6, &in6->sin6_addr, text, INET6_ADDRSTRLEN) != NULL;
    }
    return false;
}

static bool socket_matches(int fd, const struct mg_request_info *info)
{
    struct sockaddr_storage local;
    struct sockaddr_storage peer;
    socklen_t local_len = sizeof local;
    socklen_t peer_len = sizeof peer;
    char local_text[INET6_ADDRSTRLEN];
    char peer_text[INET6_ADDRSTRLEN];
    int local_port;
    int peer_port;

    if (getsockname(fd, (struct sockaddr *)&local, &local_len) != 0 ||
        getpeername(fd, (struct sockaddr *)&peer, &peer_len) != 0) {
        return false;
    }
    return endpoint_of(&local, local_text, &local_port) && endpoint_of(&peer, peer_text, &peer_port) &&
           local_port == info->server_port && peer_port == info->remote_port &&
           strcmp(peer_text, info->remote_addr) == 0;
}

/* Returns a duplicate of the connection's socket, or -1. civetweb 1.15 does not expose the socket,
 * so this looks for the open descriptor whose ends match the connection's request info (Linux:
 * /proc/self/fd). The duplicate keeps the socket open even if civetweb closes its descriptor. The
 * caller makes sure the connection has not closed yet (its on_close has not run). */
static int duplicate_socket_of(const struct mg_connection *connection)
{
    const struct mg_request_info *info = mg_get_request_info(connection);
    DIR *directory = opendir("/proc/self/fd");
    struct dirent *entry;
    int found = -1;

    if (directory == NULL || info == NULL) {
        if (directory != NULL) {
            closedir(directory);
        }
        return -1;
    }
    while (found < 0 && (entry = readdir(directory)) != NULL) {
        int fd = atoi(entry->d_name);

        if (entry->d_name[0] != '.' && fd != dirfd(directory) && socket_matches(fd, info)) {
            found = dup(fd);
        }
    }
    closedir(directory);
    return found;
}

/* Ends an evicted client from outside its worker. Writes the 1013 close frame straight to the
 * socket (a server frame is unmasked, RFC 6455 section 5.1) and shuts the socket down. Then
 * civetweb's read in the client's worker returns, so the worker is free at once rather than at
 * the client's next frame. Takes and closes a duplicate from duplicate_socket_of.
 * NOTE: civetweb may write a ping to the same socket at the same moment; a frame this small goes
 * out in one send, so the two do not interleave in practice. */
static void end_evicted_socket(int fd)
{
    uint8_t frame[2 + API_WS_CLOSE_PAYLOAD_MAX];
    size_t len = api_ws_close_payload(API_WS_CLOSE_EVICTED, "a newer client took this slot before auth",
                                      frame + 2);

    frame[0] = 0x88;
    frame[1] = (uint8_t)len;
    (void)send(fd, frame, len + 2, MSG_NOSIGNAL | MSG_DONTWAIT);
    shutdown(fd, SHUT_RDWR);
    close(fd);
}

static int check_token(api_ws_t *ws, const char *authorization)
{
    int result;

    pthread_mutex_lock(ws->home_lock);
    result = hb_dashboard_token_check(authorization);
    pthread_mutex_unlock(ws->home_lock);
    return result;
}

/* Returns a slot for a new client (api_ws_choose_slot): a free one, or for a client with a valid
 * header token the one of the oldest client that has not authenticated. An evicted client's
 * connection keeps pointing at the slot, so its handlers find another connection there and end it
 * (owns_slot). Waits until the sender thread stops writing to the evicted client. When the evicted
 * client's handshake is done, *evicted_socket gets a duplicate of its socket for
 * end_evicted_socket, which the caller runs without the mutex; otherwise it is -1 and on_ready
 * ends the client. Called with ws->mutex held; returns NULL for 503. */
static ws_client_t *take_slot(api_ws_t *ws, bool has_valid_token, int *evicted_socket)
{
    api_ws_slot_t slots[API_WS_MAX_CLIENTS];
    bool evict;
    int index;

    *evicted_socket = -1;
    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        const ws_client_t *client = &ws->clients[i];

        slots[i] = (api_ws_slot_t){ .used = client->used, .opened_ms = client->opened_ms,
                                    .authenticated = client->authenticated || client->header_token };
    }
    index = api_ws_choose_slot(slots, has_valid_token, &evict);
    if (index < 0) {
        return NULL;
    }
    if (evict) {
        while (ws->clients[index].writers > 0) {
            pthread_cond_wait(&ws->written, &ws->mutex);
        }
        hb_log(HB_LOG_WARN, "websocket client evicted: reason=not authenticated after %lu ms, "
               "slots at max %d", monotonic_ms() - ws->clients[index].opened_ms, API_WS_MAX_CLIENTS);

        /* Its on_close waits for the mutex, so its socket is still open here. */
        if (ws->clients[index].ready) {
            *evicted_socket = duplicate_socket_of(ws->clients[index].connection);
        }
    }
    return &ws->clients[index];
}

/* True while `client` (the connection's user data) still belongs to `connection`, that is, no newer
 * client took its slot. Called with ws->mutex held. */
static bool owns_slot(const ws_client_t *client, const struct mg_connection *connection)
{
    return client != NULL && client->used && client->connection == connection;
}

static int on_connect(const struct mg_connection *connection, void *data)
{
    api_ws_t *ws = data;
    const char *authorization = mg_get_header(connection, "Authorization");
    const char *detail = NULL;
    const char *refusal = api_ws_upgrade_refusal(check_token(ws, authorization), authorization != NULL,
                                                 &detail);
    ws_client_t *client = NULL;
    int evicted_socket;

    if (refusal != NULL) {
        return refuse_upgrade(connection, refusal, detail);
    }

    /* api_ws_upgrade_refusal let a request with an Authorization header through only with the
     * right token. */
    pthread_mutex_lock(&ws->mutex);
    client = take_slot(ws, authorization != NULL, &evicted_socket);
    if (client != NULL) {
        *client = (ws_client_t){ .connection = connection, .used = true,
                                 .header_token = authorization != NULL, .opened_ms = monotonic_ms() };
        mg_set_user_connection_data(connection, client);
    }
    pthread_mutex_unlock(&ws->mutex);
    if (evicted_socket >= 0) {
        end_evicted_socket(evicted_socket);
    }

    if (client == NULL) {
        return refuse_upgrade(connection, "TOO_MANY_CLIENTS", authorization != NULL
                              ? "websocket clients are at max (API_WS_MAX_CLIENTS)"
                              : "websocket clients waiting for auth are at max (API_WS_PENDING_MAX)");
    }
    return 0;
}

/* Marks the client authenticated and sends auth_ok while holding the connection's lock. The sender
 * thread's writes take the same lock (mg_websocket_write locks the connection), so auth_ok goes out
 * before any event, and no event published after the client reads auth_ok is missed. Returns false,
 * sending nothing, when a newer client took the slot while the token was checked. */
static bool admit(api_ws_t *ws, struct mg_connection *connection, ws_client_t *client)
{
    bool owned;

    mg_lock_connection(connection);
    pthread_mutex_lock(&ws->mutex);
    owned = owns_slot(client, connection);
    if (owned) {
        client->authenticated = true;
        client->ready = true;
    }
    pthread_mutex_unlock(&ws->mutex);
    if (owned) {
        mg_websocket_write(connection, MG_WEBSOCKET_OPCODE_TEXT, API_WS_AUTH_OK_MESSAGE,
                           strlen(API_WS_AUTH_OK_MESSAGE));
    }
    mg_unlock_connection(connection);
    return owned;
}

static void on_ready(struct mg_connection *connection, void *data)
{
    api_ws_t *ws = data;
    ws_client_t *client = mg_get_user_connection_data(connection);

    bool header_token;

    if (client == NULL) {
        return;
    }
    pthread_mutex_lock(&ws->mutex);
    if (!owns_slot(client, connection)) {
        int evicted_socket = duplicate_socket_of(connection);

        /* Evicted during its handshake: end it now rather than at its first frame. */
        pthread_mutex_unlock(&ws->mutex);
        if (evicted_socket >= 0) {
            end_evicted_socket(evicted_socket);
        } else {
            send_close(connection, API_WS_CLOSE_EVICTED, "a newer client took this slot before auth");
        }
        return;
    }
    header_token = client->header_token;
    client->ready = !header_token;
    pthread_mutex_unlock(&ws->mutex);
    /* A header-token client counts as authenticated in the slots that api_ws_choose_slot reads,
     * so it is never evicted and admit cannot fail here. */
    if (header_token) {
        admit(ws, connection, client);
    }
}

static api_ws_frame_kind_t frame_kind(int opcode)
{
    switch (opcode) {
    case MG_WEBSOCKET_OPCODE_TEXT:
        return API_WS_FRAME_TEXT;
    case MG_WEBSOCKET_OPCODE_BINARY:
        return API_WS_FRAME_BINARY;
    default:
        return API_WS_FRAME_OTHER;
    }
}

static int on_data(struct mg_connection *connection, int bits, char *message, size_t len, void *data)
{
    api_ws_t *ws = data;
    ws_client_t *client = mg_get_user_connection_data(connection);
    int opcode = bits & 0x0f;
    char header[API_WS_BEARER_HEADER_LEN];
    api_ws_message_t action;
    bool closing;
    bool authenticated;
    bool evicted;

    if (opcode == MG_WEBSOCKET_OPCODE_CONNECTION_CLOSE) {
        return 0;
    }
    /* Only this worker changes `closing` and `authenticated` besides the sender thread, which sets
     * `closing` on unauthenticated clients, so reading them under the mutex is enough. */
    pthread_mutex_lock(&ws->mutex);
    evicted = client != NULL && !owns_slot(client, connection);
    closing = client != NULL && client->closing;
    authenticated = client != NULL && client->authenticated;
    pthread_mutex_unlock(&ws->mutex);

    /* A newer client took the slot (take_slot): this connection ends at its first frame since. */
    if (evicted) {
        send_close(connection, API_WS_CLOSE_EVICTED, "a newer client took this slot before auth");
        return 0;
    }

    action = api_ws_read_message(authenticated, frame_kind(opcode), message, len, header);
    if (action == API_WS_MESSAGE_TOO_BIG) {
        send_close(connection, API_WS_CLOSE_TOO_BIG, "message exceeds max 4096 bytes");
        return 0;
    }
    /* Anything after the 4401 close frame ends the connection at once. */
    if (closing) {
        return 0;
    }
    if (client == NULL || action == API_WS_MESSAGE_IGNORE) {
        return 1;
    }

    if (action == API_WS_MESSAGE_CHECK_TOKEN && check_token(ws, header) == HB_DASHBOARD_TOKEN_OK) {
        if (admit(ws, connection, client)) {
            return 1;
        }
        send_close(connection, API_WS_CLOSE_EVICTED, "a newer client took this slot before auth");
        return 0;
    }
    pthread_mutex_lock(&ws->mutex);
    if (owns_slot(client, connection)) {
        client->closing = true;
    }
    pthread_mutex_unlock(&ws->mutex);
    send_close(connection, API_WS_CLOSE_AUTH_FAILED, "first message must be {\"type\":\"auth\",\"token\":\"...\"} with a valid token");
    hb_log(HB_LOG_WARN, "websocket auth failed: reason=bad first message or token");
    return 0;
}

static void on_close(const struct mg_connection *connection, void *data)
{
    api_ws_t *ws = data;
    ws_client_t *client = mg_get_user_connection_data(connection);

    pthread_mutex_lock(&ws->mutex);
    if (client != NULL && client->connection == connection) {
        while (client->writers > 0) {
            pthread_cond_wait(&ws->written, &ws->mutex);
        }
        memset(client, 0, sizeof *client);
    }
    pthread_mutex_unlock(&ws->mutex);
}

/* Takes the clients that `pick` selects for a write outside the mutex: each gets a writer count,
 * so on_close waits for the write. Called with ws->mutex held; returns how many were taken. */
static size_t take_clients(api_ws_t *ws, bool (*pick)(api_ws_t *ws, ws_client_t *client),
                           ws_client_t *taken[API_WS_MAX_CLIENTS])
{
    size_t count = 0;

    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        ws_client_t *client = &ws->clients[i];

        if (client->used && pick(ws, client)) {
            client->writers++;
            taken[count++] = client;
        }
    }
    return count;
}

/* Gives back clients from take_clients. Called with ws->mutex held. */
static void release_clients(api_ws_t *ws, ws_client_t *taken[API_WS_MAX_CLIENTS], size_t count)
{
    for (size_t i = 0; i < count; i++) {
        taken[i]->writers--;
    }
    pthread_cond_broadcast(&ws->written);
}

/* Selects unauthenticated clients past the auth timeout, and marks them closing. */
static bool pick_late(api_ws_t *ws, ws_client_t *client)
{
    if (!client->ready || client->authenticated || client->closing ||
        !api_ws_auth_timed_out(client->opened_ms, monotonic_ms(), ws->auth_timeout_ms)) {
        return false;
    }
    client->closing = true;
    return true;
}

static bool pick_authenticated(api_ws_t *ws, ws_client_t *client)
{
    (void)ws;
    return client->authenticated && !client->closing;
}

/* Sends 4401 to clients still unauthenticated after the timeout. Called with ws->mutex held; the
 * writes happen without it. */
static void close_late_clients(api_ws_t *ws)
{
    ws_client_t *taken[API_WS_MAX_CLIENTS];
    size_t count = take_clients(ws, pick_late, taken);

    if (count == 0) {
        return;
    }
    pthread_mutex_unlock(&ws->mutex);
    for (size_t i = 0; i < count; i++) {
        /* The writer count keeps the connection open meanwhile (on_close waits for it). */
        int fd = duplicate_socket_of(taken[i]->connection);

        send_close(taken[i]->connection, API_WS_CLOSE_AUTH_FAILED, "no auth message in time");

        /* A client that stays silent after the close frame would keep its worker and its waiting
         * place; shutting the socket down makes civetweb's read return. */
        if (fd >= 0) {
            shutdown(fd, SHUT_RDWR);
            close(fd);
        }
        hb_log(HB_LOG_WARN, "websocket auth failed: reason=no auth message within %u ms",
               ws->auth_timeout_ms);
    }
    pthread_mutex_lock(&ws->mutex);
    release_clients(ws, taken, count);
}

/* Writes one event to every authenticated client. Called with ws->mutex held; the writes happen
 * without it, so a slow client delays only this thread. */
static void broadcast(api_ws_t *ws, const api_ws_event_t *event)
{
    ws_client_t *taken[API_WS_MAX_CLIENTS];
    size_t count = take_clients(ws, pick_authenticated, taken);

    pthread_mutex_unlock(&ws->mutex);
    for (size_t i = 0; i < count; i++) {
        mg_websocket_write((struct mg_connection *)taken[i]->connection, MG_WEBSOCKET_OPCODE_TEXT,
                           event->text, event->len);
    }
    pthread_mutex_lock(&ws->mutex);
    release_clients(ws, taken, count);
}

static void *sender_main(void *arg)
{
    api_ws_t *ws = arg;

    pthread_mutex_lock(&ws->mutex);
    while (!ws->stopping) {
        struct timespec until;

        /* Checked on every pass, so a steady stream of events cannot postpone the auth timeout. */
        close_late_clients(ws);
        api_ws_event_t event;

        if (api_ws_queue_pop(&ws->queue, &event)) {
            broadcast(ws, &event);
            free(event.text);
            continue;
        }

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += SENDER_TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&ws->wake, &ws->mutex, &until);
    }
    pthread_mutex_unlock(&ws->mutex);
    return NULL;
}

api_ws_t *api_ws_start(struct mg_context *context, pthread_mutex_t *lock)
{
    api_ws_t *ws = calloc(1, sizeof *ws);

    if (ws == NULL) {
        return NULL;
    }
    ws->home_lock = lock;
    ws->auth_timeout_ms = API_WS_AUTH_TIMEOUT_MS;
    pthread_mutex_init(&ws->mutex, NULL);
    pthread_cond_init(&ws->wake, NULL);
    pthread_cond_init(&ws->written, NULL);
    if (pthread_create(&ws->thread, NULL, sender_main, ws) != 0) {
        pthread_cond_destroy(&ws->written);
        pthread_cond_destroy(&ws->wake);
        pthread_mutex_destroy(&ws->mutex);
        free(ws);
        return NULL;
    }
    mg_set_websocket_handler(context, WS_PATH, on_connect, on_ready, on_data, on_close, ws);
    return ws;
}

void api_ws_publish(void *arg, const char *json, size_t len)
{
    api_ws_t *ws = arg;

    pthread_mutex_lock(&ws->mutex);
    if (api_ws_queue_push(&ws->queue, json, len)) {
        pthread_cond_signal(&ws->wake);
    }
    pthread_mutex_unlock(&ws->mutex);
}

size_t api_ws_client_count(api_ws_t *ws)
{
    size_t count = 0;

    pthread_mutex_lock(&ws->mutex);
    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        count += ws->clients[i].used && ws->clients[i].authenticated ? 1 : 0;
    }
    pthread_mutex_unlock(&ws->mutex);
    return count;
}

unsigned long api_ws_dropped_count(api_ws_t *ws)
{
    unsigned long dropped;

    pthread_mutex_lock(&ws->mutex);
    dropped = ws->queue.dropped;
    pthread_mutex_unlock(&ws->mutex);
    return dropped;
}

void api_ws_set_auth_timeout_ms(api_ws_t *ws, unsigned timeout_ms)
{
    pthread_mutex_lock(&ws->mutex);
    ws->auth_timeout_ms = timeout_ms;
    pthread_mutex_unlock(&ws->mutex);
}

void api_ws_stop(api_ws_t *ws)
{
    if (ws == NULL) {
        return;
    }
    pthread_mutex_lock(&ws->mutex);
    ws->stopping = true;
    pthread_cond_signal(&ws->wake);
    pthread_mutex_unlock(&ws->mutex);
    pthread_join(ws->thread, NULL);

    api_ws_queue_clear(&ws->queue);
    pthread_cond_destroy(&ws->written);
    pthread_cond_destroy(&ws->wake);
    pthread_mutex_destroy(&ws->mutex);
    free(ws);
}
