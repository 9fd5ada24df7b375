#include "http_api.h"

#include <civetweb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api_logs.h"
#include "api_problem.h"
#include "api_ws.h"
#include "dashboard_token.h"
#include "api_command.h"
#include "hb_log.h"
#include "http_media.h"
#include "oled_png.h"
#include "oled_screen.h"
#include "status.h"

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x) STRINGIFY_VALUE(x)

struct http_api {
    struct mg_context *context;
    homebase_t *homebase;
    pthread_mutex_t *lock;
    http_media_t *media;
    api_ws_t *ws;
    /* The address the server listens on, shown on the OLED screen. */
    char host[64];
    api_command_t command;
};

typedef char *(*render_fn)(homebase_t *homebase);

static void send_body(struct mg_connection *connection, int status, const char *type,
                      const void *body, size_t len)
{
    mg_printf(connection,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
              status, api_problem_reason(status), type, len);
    mg_write(connection, body, len);
}

static int send_problem(struct mg_connection *connection, const char *code, const char *detail)
{
    char body[API_PROBLEM_MAX_LEN + 1];
    int status = api_problem_render(code, detail, body);

    send_body(connection, status, "application/problem+json", body, strlen(body));
    return status;
}

/* Sends 405 unless the request uses `method`; returns 0 when it does. */
static int require_method(struct mg_connection *connection, const char *method)
{
    const struct mg_request_info *request = mg_get_request_info(connection);
    char detail[64];

    if (strcmp(request->request_method, method) == 0) {
        return 0;
    }
    snprintf(detail, sizeof detail, "only %s is allowed on this path", method);
    return send_problem(connection, "METHOD_NOT_ALLOWED", detail);
}

/* Sends 503 before a token is provisioned and 401 without the right bearer token; returns 0 when
 * the request carries the dashboard token. */
static int require_token(struct mg_connection *connection, http_api_t *api)
{
    int result;

    pthread_mutex_lock(api->lock);
    result = hb_dashboard_token_check(mg_get_header(connection, "Authorization"));
    pthread_mutex_unlock(api->lock);

    switch (result) {
    case HB_DASHBOARD_TOKEN_OK:
        return 0;
    case HB_DASHBOARD_TOKEN_NOT_SET:
        return send_problem(connection, "DASHBOARD_TOKEN_NOT_SET",
                            "the central server has not sent set_dashboard_token yet");
    case HB_DASHBOARD_TOKEN_WRONG:
        return send_problem(connection, "AUTH_FAILED", "bearer token is not the dashboard token");
    default:
        return send_problem(connection, "AUTH_REQUIRED",
                            "send Authorization: Bearer <dashboard token>");
    }
}

/* Renders one page under the lock: GET with the dashboard token only. */
static int serve(struct mg_connection *connection, http_api_t *api, render_fn render)
{
    char *json;
    int refused = require_method(connection, "GET");

    if (refused == 0) {
        refused = require_token(connection, api);
    }
    if (refused != 0) {
        return refused;
    }

    pthread_mutex_lock(api->lock);
    json = render(api->homebase);
    pthread_mutex_unlock(api->lock);

    if (json == NULL) {
        return send_problem(connection, "CORE_UNAVAILABLE", "status could not be rendered");
    }
    send_body(connection, 200, "application/json", json, strlen(json));
    free(json);
    return 200;
}

static int handle_status(struct mg_connection *connection, void *data)
{
    return serve(connection, data, status_render);
}

static int handle_devices(struct mg_connection *connection, void *data)
{
    return serve(connection, data, status_render_devices);
}

static bool is_json_type(const char *content_type)
{
    static const char json[] = "application/json";

    return content_type != NULL && strncasecmp(content_type, json, sizeof json - 1) == 0 &&
           (content_type[sizeof json - 1] == '\0' || content_type[sizeof json - 1] == ';' ||
            content_type[sizeof json - 1] == ' ');
}

/* Reads at most `max_len` bytes of body into a new buffer. Returns 0, or the status of the problem
 * it sent: 413 when Content-Length or the bytes read pass `max_len`, 400 when the body ends
 * before its Content-Length. */
static int read_body(struct mg_connection *connection, size_t max_len, char **out, size_t *out_len)
{
    const struct mg_request_info *request = mg_get_request_info(connection);
    char detail[96];
    char *body;
    size_t len = 0;
    int received;

    if (request->content_length > (long long)max_len) {
        snprintf(detail, sizeof detail, "Content-Length %lld exceeds max %zu", request->content_length,
                 max_len);
        return send_problem(connection, "BODY_TOO_LARGE", detail);
    }
    body = malloc(max_len + 1);
    if (body == NULL) {
        return send_problem(connection, "INTERNAL", "out of memory for the body");
    }

    /* Reading one byte more than allowed distinguishes a chunked body that is too long from one that
     * just fits. */
    while (len <= max_len && (received = mg_read(connection, body + len, max_len + 1 - len)) > 0) {
        len += (size_t)received;
    }
    if (len > max_len) {
        free(body);
        snprintf(detail, sizeof detail, "body exceeds max %zu bytes", max_len);
        return send_problem(connection, "BODY_TOO_LARGE", detail);
    }
    if (request->content_length >= 0 && (long long)len != request->content_length) {
        free(body);
        return send_problem(connection, "BAD_REQUEST", "body ended before its Content-Length");
    }
    *out = body;
    *out_len = len;
    return 0;
}

static int handle_logs(struct mg_connection *connection, void *data)
{
    http_api_t *api = data;
    static char answer[API_LOGS_RESPONSE_MAX_LEN + 1];
    char *body = NULL;
    size_t len = 0;
    int status = require_method(connection, "POST");

    if (status != 0) {
        return status;
    }
    if (!is_json_type(mg_get_header(connection, "Content-Type"))) {
        return send_problem(connection, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
    }
    status = read_body(connection, API_LOGS_BODY_MAX_LEN, &body, &len);
    if (status != 0) {
        return status;
    }

    /* `answer` is shared, so it is filled and sent under the lock. */
    pthread_mutex_lock(api->lock);
    status = api_logs_post(api->homebase, body, len, answer);
    send_body(connection, status, status == 200 ? "application/json" : "application/problem+json",
              answer, strlen(answer));
    pthread_mutex_unlock(api->lock);
    free(body);
    return status;
}

/* The SD card's problem for the OLED, or NULL: the spool folder stands for the card, so a folder that
 * is gone or not writable reads as a missing card. */
static const char *storage_error(const homebase_t *homebase)
{
    return access(homebase->spool->dir, W_OK | X_OK) == 0 ? NULL : "NO SD CARD";
}

/* Reads ?scale=N (1 to OLED_PNG_SCALE_MAX, default OLED_PNG_DEFAULT_SCALE); returns 0 when invalid. */
static unsigned read_scale(const struct mg_request_info *request)
{
    char text[8];
    char *end = NULL;
    unsigned long scale;
    const char *query = request->query_string;

    if (query == NULL || mg_get_var(query, strlen(query), "scale", text, sizeof text) < 0) {
        return OLED_PNG_DEFAULT_SCALE;
    }
    scale = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || scale < 1 || scale > OLED_PNG_SCALE_MAX) {
        return 0;
    }
    return (unsigned)scale;
}

static int handle_oled(struct mg_connection *connection, void *data)
{
    http_api_t *api = data;
    oled_screen_t screen;
    oled_fb_t fb;
    uint8_t *png = NULL;
    size_t len = 0;
    unsigned scale;
    int refused = require_method(connection, "GET");

    if (refused == 0) {
        refused = require_token(connection, api);
    }
    if (refused != 0) {
        return refused;
    }
    scale = read_scale(mg_get_request_info(connection));
    if (scale == 0) {
        return send_problem(connection, "VALIDATION_FAILED", "query parameter scale must be 1 to "
                            STRINGIFY(OLED_PNG_SCALE_MAX));
    }

    pthread_mutex_lock(api->lock);
    oled_screen_collect(api->homebase, api->host, storage_error(api->homebase), &screen);
    oled_screen_render(&fb, &screen);
    pthread_mutex_unlock(api->lock);

    if (oled_png_encode(&fb, scale, &png, &len) != 0) {
        return send_problem(connection, "INTERNAL", "out of memory for the image");
    }
    send_body(connection, 200, "image/png", png, len);
    free(png);
    return 200;
}

static int handle_health(struct mg_connection *connection, void *data)
{
    static const char body[] = "{\"status\":\"ok\"}";
    int refused = require_method(connection, "GET");

    (void)data;
    if (refused != 0) {
        return refused;
    }
    send_body(connection, 200, "application/json", body, sizeof body - 1);
    return 200;
}

static int handle_not_found(struct mg_connection *connection, void *data)
{
    (void)data;
    return send_problem(connection, "NOT_FOUND", "no route for this method and path");
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
    api->homebase = homebase;
    api->lock = lock;
    snprintf(api->host, sizeof api->host, "%s", host);

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
    /* civetweb takes the first registered pattern that matches, so the catch-all comes last. The
     * `$` ends a pattern, so /api/v1/status/extra falls through to it. */
    mg_set_request_handler(api->context, "/api/v1/status$", handle_status, api);
    mg_set_request_handler(api->context, "/api/v1/devices$", handle_devices, api);
    mg_set_request_handler(api->context, "/api/v1/logs$", handle_logs, api);
    mg_set_request_handler(api->context, "/api/v1/oled.png$", handle_oled, api);
    mg_set_request_handler(api->context, "/healthz$", handle_health, api);
    api->media = http_media_register(api->context, homebase, lock);
    mg_set_request_handler(api->context, "/", handle_not_found, api);
    return api;
}

void http_api_add_handler(http_api_t *api, const char *pattern, mg_request_handler handler, void *data)
{
    /* civetweb 1.15 takes the first registered pattern that matches, so the catch-all is removed
     * and registered again after the new pattern. */
    mg_set_request_handler(api->context, "/", NULL, NULL);
    mg_set_request_handler(api->context, pattern, handler, data);
    mg_set_request_handler(api->context, "/", handle_not_found, api);
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
    api->command = (api_command_t){ .commands = commands, .lock = api->lock };
    http_api_add_handler(api, "/api/v1/command$", api_command_handle, &api->command);
}

void http_api_stop(http_api_t *api)
{
    if (api != NULL) {
        mg_stop(api->context);
        api_ws_stop(api->ws);
        http_media_free(api->media);
        free(api);
    }
}
