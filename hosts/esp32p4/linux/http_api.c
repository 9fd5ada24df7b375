#include "http_api.h"

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

static int request_read(void *connection, void *bytes, size_t cap)
{
    return mg_read(connection, bytes, cap);
}

/* Every response closes its connection (keep-alive is off), so no worker waits on an idle one. */
static int send_response(void *connection, const api_response_head_t *head, const void *body,
                         size_t len)
{
    int written = mg_printf(connection,
                            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                            "Cache-Control: %s\r\n%s%s%s%sConnection: close\r\n\r\n",
                            head->status, api_problem_reason(head->status), head->content_type, len,
                            head->cache_control != NULL ? head->cache_control : "no-store",
                            head->nosniff ? "X-Content-Type-Options: nosniff\r\n" : "",
                            head->www_authenticate != NULL ? "WWW-Authenticate: " : "",
                            head->www_authenticate != NULL ? head->www_authenticate : "",
                            head->www_authenticate != NULL ? "\r\n" : "");

    if (written <= 0 || (len > 0 && mg_write(connection, body, len) <= 0)) {
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
    /* The decoded path before civetweb removes dot segments, so "/api/v1/media/../x" is seen as
     * sent and rejected by the media path rule rather than rewritten. */
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

    return api_http_dispatch(&server->api, &request, &responder);
}

/* The SD card's problem for the OLED, or NULL: the spool folder stands for the card, so a folder that
 * is gone or not writable reads as a missing card. */
static const char *storage_error(const homebase_t *homebase)
{
    return access(homebase->spool->dir, W_OK | X_OK) == 0 ? NULL : "NO SD CARD";
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
    struct mg_callbacks callbacks = { .log_message = log_civetweb };
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

void http_api_stop(http_api_t *api)
{
    if (api != NULL) {
        mg_stop(api->context);
        api_ws_stop(api->ws);
        free(api);
    }
}
