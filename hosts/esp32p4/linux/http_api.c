#include "http_api.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_http.h"
#include "api_problem.h"
#include "api_ws.h"
#include "hb_log.h"

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x) STRINGIFY_VALUE(x)

struct http_api {
    struct mg_context *context;
    api_context_t api;
    api_ws_t *ws;
};

static void lock_mutex(void *mutex)
{
    pthread_mutex_lock(mutex);
}

static void unlock_mutex(void *mutex)
{
    pthread_mutex_unlock(mutex);
}

static const char *request_header(void *connection, const char *name)
{
    return mg_get_header(connection, name);
}

/* Reads one byte at a time. civetweb 1.15's mg_read returns only when `cap` bytes arrived or no byte
 * came for its request timeout, so a client sending a byte every second would keep a larger read
 * waiting for as long as it trickles, and the body deadline (api_http.h) would never be checked.
 * One byte per call costs a poll and a recv per body byte: a 1 MiB body took about 1.6 s in the
 * sanitizer build of the tests (test_http_slow_body.c prints it), well within the deadline. */
static int request_read(void *connection, void *bytes, size_t cap)
{
    return mg_read(connection, bytes, cap > 0 ? 1 : 0);
}

/* Every response closes its connection (keep-alive is off), so no worker waits on an idle one. A
 * response to HEAD carries no body and no Content-Length, because RFC 9110 section 8.6 allows only
 * the length a GET would get, and a GET of the same path gets another response. */
static int send_response(void *connection, const api_response_head_t *head, const void *body,
                         size_t len)
{
    const struct mg_request_info *info = mg_get_request_info(connection);
    bool head_only = info->request_method != NULL && strcmp(info->request_method, "HEAD") == 0;
    char length[40] = "";
    int written;

    if (!head_only) {
        snprintf(length, sizeof length, "Content-Length: %zu\r\n", len);
    }
    written = mg_printf(connection,
                        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%sCache-Control: %s\r\n%s%s%s%s%s%s%s"
                        "Connection: close\r\n\r\n",
                        head->status, api_problem_reason(head->status), head->content_type, length,
                        head->cache_control != NULL ? head->cache_control : "no-store",
                        head->nosniff ? "X-Content-Type-Options: nosniff\r\n" : "",
                        head->www_authenticate != NULL ? "WWW-Authenticate: " : "",
                        head->www_authenticate != NULL ? head->www_authenticate : "",
                        head->www_authenticate != NULL ? "\r\n" : "",
                        head->allow != NULL ? "Allow: " : "", head->allow != NULL ? head->allow : "",
                        head->allow != NULL ? "\r\n" : "");

    if (written <= 0 || (!head_only && len > 0 && mg_write(connection, body, len) <= 0)) {
        return -1;
    }
    return 0;
}

/* civetweb's one request handler: every path goes through api_http_dispatch, which sends the 404
 * problem for unknown ones. */
static int handle_request(struct mg_connection *connection, void *data)
{
    http_api_t *server = data;
    const struct mg_request_info *info = mg_get_request_info(connection);
    /* The path as sent: decode_url is off, and local_uri_raw keeps dot segments that local_uri
     * has removed, so "/api/v1/media/../x" is rejected by the media path rule, not rewritten. */
    const char *path = info->local_uri_raw != NULL ? info->local_uri_raw : info->local_uri;
    api_request_t request = {
        .method = info->request_method,
        .path = path != NULL ? path : "",
        .query = info->query_string,
        .content_length = info->content_length,
        .header = request_header,
        .read = request_read,
        .binding = connection,
    };
    api_responder_t responder = { .send = send_response, .binding = connection };

    /* civetweb 1.15 resets its close flag for each request, whatever enable_keep_alive says, and
     * then reads and discards the rest of a body the handler left unread (after a 413 or 408, say)
     * for as long as the client keeps sending. Closing instead frees the worker at once. */
    mg_disable_connection_keep_alive(connection);
    return api_http_dispatch(&server->api, &request, &responder);
}

/* The SD card's problem for the OLED, or NULL: the spool folder stands for the card, so a folder that
 * is gone or not writable reads as a missing card. */
static const char *storage_error(const homebase_t *homebase)
{
    return access(homebase->spool->dir, W_OK | X_OK) == 0 ? NULL : "NO SD CARD";
}

/* civetweb responds itself to a request it cannot parse, before any handler runs: an unknown or
 * lowercase method, a request line without an HTTP version or a head over max_request_size with
 * 400, a Content-Length that is not a non-negative integer with 411. This sends the BAD_REQUEST
 * problem for both instead of its plain text, as the ESP-IDF binding does for a bad Content-Length.
 * A 505 for a version other than HTTP/1.x keeps civetweb's plain text, because the catalogue
 * (api_problem.c) has no code for it, and an absolute URI or `OPTIONS *` civetweb closes without
 * calling this at all. Returns 0 when the problem was sent, 1 to let civetweb answer. */
static int send_library_error(struct mg_connection *connection, int status, const char *message)
{
    char body[API_PROBLEM_MAX_LEN + 1];
    api_response_head_t head = { .status = 400, .content_type = "application/problem+json",
                                 .nosniff = true };

    (void)message;
    if (status != 400 && status != 411) {
        return 1;
    }
    api_problem_render_status(400, "BAD_REQUEST", "request line or headers are malformed", body);
    send_response(connection, &head, body, strlen(body));
    return 0;
}

static int log_civetweb(const struct mg_connection *connection, const char *message)
{
    (void)connection;
    hb_log(HB_LOG_WARN, "http server: %s", message);
    return 1;
}

http_api_t *http_api_start(const char *host, uint16_t port, homebase_t *homebase,
                           pthread_mutex_t *lock)
{
    struct mg_callbacks callbacks = { .log_message = log_civetweb, .http_error = send_library_error };
    http_api_t *api = calloc(1, sizeof *api);
    char listening[300];
    const char *options[] = {
        "listening_ports", listening,
        "num_threads", STRINGIFY(HTTP_API_WORKER_COUNT),
        /* civetweb (1.15) keeps a worker on an accepted connection until a request arrives or this
         * timeout ends, so a client that connects and sends nothing occupies a worker this long. */
        "request_timeout_ms", STRINGIFY(HTTP_API_REQUEST_TIMEOUT_MS),
        /* Every response closes its connection, so no worker waits on an idle keep-alive. */
        "enable_keep_alive", "no",
        "max_request_size", STRINGIFY(HTTP_API_MAX_HEAD_LEN),
        /* Routes match the path as sent, as on esp_http_server (api_http.h). With civetweb's
         * default, "%00" would cut the decoded path and "%2F" would reach a media file. */
        "decode_url", "no",
        "connection_queue", STRINGIFY(HTTP_API_CONNECTION_QUEUE_LEN),
        "listen_backlog", STRINGIFY(HTTP_API_LISTEN_BACKLOG),
        "websocket_timeout_ms", STRINGIFY(HTTP_API_WS_PING_INTERVAL_MS),
        "enable_websocket_ping_pong", "yes",
        NULL,
    };

    if (api == NULL) {
        return NULL;
    }
    snprintf(listening, sizeof listening, "%s:%u", host, (unsigned)port);
    api->api = (api_context_t){
        .homebase = homebase,
        .lock = { .acquire = lock_mutex, .release = unlock_mutex, .ctx = lock },
        .storage_error = storage_error,
    };
    snprintf(api->api.host, sizeof api->api.host, "%s", host);

    api->context = mg_start(&callbacks, api, options);
    if (api->context == NULL) {
        free(api);
        return NULL;
    }
    api->ws = api_ws_start(api->context, lock);
    if (api->ws == NULL) {
        mg_stop(api->context);
        free(api);
        return NULL;
    }
    mg_set_request_handler(api->context, "/", handle_request, api);
    return api;
}

void http_api_add_handler(http_api_t *api, const char *pattern, mg_request_handler handler, void *data)
{
    /* civetweb 1.15 takes the first registered pattern that matches, so the catch-all is removed
     * and registered again after the new pattern. */
    mg_set_request_handler(api->context, "/", NULL, NULL);
    mg_set_request_handler(api->context, pattern, handler, data);
    mg_set_request_handler(api->context, "/", handle_request, api);
}

void http_api_publish_event(void *api, const char *json, size_t len)
{
    api_ws_publish(((http_api_t *)api)->ws, json, len);
}

struct api_ws *http_api_ws(http_api_t *api)
{
    return api->ws;
}

void http_api_add_commands(http_api_t *api, commands_t *commands)
{
    api->api.lock.acquire(api->api.lock.ctx);
    api->api.commands = commands;
    api->api.lock.release(api->api.lock.ctx);
}

void http_api_set_body_deadline_ms(http_api_t *api, uint32_t deadline_ms)
{
    api->api.body_deadline_ms = deadline_ms;
}

void http_api_stop(http_api_t *api)
{
    if (api != NULL) {
        mg_stop(api->context);
        api_ws_stop(api->ws);
        free(api);
    }
}
