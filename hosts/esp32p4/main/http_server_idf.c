/* Adapts esp_http_server to the portable handlers of api_http.h: each route is registered with
 * httpd_register_uri_handler for every method (the handlers send 405 themselves), the request is
 * mapped to an api_request_t, and the responder writes through httpd_resp_send. WS /ws lives in
 * http_ws_idf.c.
 *
 * Limits next to the Linux build (civetweb, hosts/esp32p4/linux/http_api.h):
 * - The request line and headers are bounded by CONFIG_HTTPD_MAX_URI_LEN and
 *   CONFIG_HTTPD_MAX_REQ_HDR_LEN (sdkconfig) instead of HTTP_API_MAX_HEAD_LEN; a longer head gets a
 *   414 or 431 problem from http_server_idf's error handlers.
 * - HTTP keep-alive stays on, because httpd_config_t (ESP-IDF 5.4) has no option to turn it off.
 *   LRU purge closes an idle connection when a new one needs its socket.
 * - Request bodies must carry Content-Length: esp_http_server does not decode chunked bodies.
 * - Each header value the handlers read is copied into a per-request buffer of
 *   HEADER_ARENA_LEN bytes; a header that does not fit reads as absent.
 * - A response to HEAD carries Content-Length: 0, because httpd_resp_send always sends the length
 *   of what it sends; civetweb sends none.
 * - A response sent before the whole body was read (413, 408, 415, ...) closes the session, so
 *   esp_http_server does not read and discard the rest on the server task (httpd_req_delete).
 *
 * What only hardware can show: the stack the handlers use (core calls run on the server task),
 * heap use under load, and the socket limits with real clients. */
#include "http_server_idf.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/param.h>
#include <unistd.h>

#include "api_problem.h"
#include "api_ws_protocol.h"
#include "esp_check.h"
#include "esp_http_server.h"
#include "esp_log.h"
#include "http_parser.h"
#include "http_ws_idf.h"

static const char *TAG = "http_server";

/* Every route of api_http.h, WS /ws, and room for a few more. */
#define HTTP_SERVER_IDF_URI_HANDLERS (API_HTTP_ROUTE_COUNT + 1 + 3)
/* The WebSocket clients and six HTTP connections at once; esp_http_server keeps 3 of lwIP's sockets
 * for itself, so the number shrinks when CONFIG_LWIP_MAX_SOCKETS is smaller. */
#define HTTP_SERVER_IDF_SOCKETS_NEEDED (API_WS_MAX_CLIENTS + 6)
#define HTTP_SERVER_IDF_SOCKETS MIN(HTTP_SERVER_IDF_SOCKETS_NEEDED, CONFIG_LWIP_MAX_SOCKETS - 3)
/* As HTTP_API_LISTEN_BACKLOG on Linux. */
#define HTTP_SERVER_IDF_BACKLOG 16
/* Seconds a receive or send may wait: HTTP_API_REQUEST_TIMEOUT_MS (3000) on Linux, in whole
 * seconds as esp_http_server counts them. */
#define HTTP_SERVER_IDF_IO_TIMEOUT_SEC 3
/* The handlers call the core (signature checks, command frames) on the server task, as the main
 * loop does on the main task, so the server task gets the same stack.
 * NOTE: the main task's size is itself an estimate; only hardware can measure either. */
#define HTTP_SERVER_IDF_STACK_SIZE CONFIG_ESP_MAIN_TASK_STACK_SIZE
/* Header values a handler reads at once: the X-Mesh-Manifest header alone is up to 500 hex
 * characters, and a command reads four X-Mesh-* headers plus Content-Type. */
#define HEADER_ARENA_LEN 1536
/* The path without the query; esp_http_server's URI is at most CONFIG_HTTPD_MAX_URI_LEN. */
#define PATH_LEN (CONFIG_HTTPD_MAX_URI_LEN + 1)
/* "413 Payload Too Large" and the like. */
#define STATUS_LINE_LEN 48

/* One request while its handler runs; lives on the server task's stack. */
typedef struct {
    httpd_req_t *req;
    char status[STATUS_LINE_LEN];
    char arena[HEADER_ARENA_LEN];
    size_t arena_used;
    /* Body bytes the handler read, and whether a read failed. */
    size_t body_read;
    bool read_failed;
    /* Set when the response went out before the whole body was read. */
    bool close_session;
} idf_request_t;

static httpd_handle_t s_server;
static api_context_t *s_context;
static char s_templates[API_HTTP_ROUTE_COUNT][48];

/* Copies the value of header `name` into the request's arena. Returns NULL when the request lacks
 * it or the arena is full. */
static const char *request_header(void *binding, const char *name)
{
    idf_request_t *request = binding;
    size_t len = httpd_req_get_hdr_value_len(request->req, name);
    char *value = request->arena + request->arena_used;

    if (len == 0) {
        return NULL;
    }
    if (len + 1 > HEADER_ARENA_LEN - request->arena_used) {
        ESP_LOGW(TAG, "header ignored: name=%s len=%u exceeds the %u bytes left", name, (unsigned)len,
                 (unsigned)(HEADER_ARENA_LEN - request->arena_used));
        return NULL;
    }
    if (httpd_req_get_hdr_value_str(request->req, name, value, len + 1) != ESP_OK) {
        return NULL;
    }
    request->arena_used += len + 1;
    return value;
}

/* httpd_req_recv stops at Content-Length by itself, so a keep-alive connection is never read past
 * the body. A timeout counts as a failed body, as a slow client would hold the server task. */
static int request_read(void *binding, void *bytes, size_t cap)
{
    idf_request_t *request = binding;
    int received = httpd_req_recv(request->req, bytes, cap);

    if (received < 0) {
        request->read_failed = true;
        return -1;
    }
    request->body_read += (size_t)received;
    return received;
}

static int send_response(void *binding, const api_response_head_t *head, const void *body, size_t len)
{
    idf_request_t *request = binding;
    httpd_req_t *req = request->req;
    /* RFC 9110 section 9.3.2: a response to HEAD has no content. */
    bool head_only = req->method == HTTP_HEAD;
    esp_err_t err;

    /* esp_http_server keeps these pointers until httpd_resp_send, so they must outlive the call.
     * The status line lives in `request`, and the other values are string literals or the
     * handler's. */
    snprintf(request->status, sizeof request->status, "%d %s", head->status,
             api_problem_reason(head->status));
    httpd_resp_set_status(req, request->status);
    httpd_resp_set_type(req, head->content_type);
    httpd_resp_set_hdr(req, "Cache-Control", head->cache_control != NULL ? head->cache_control : "no-store");
    if (head->nosniff) {
        httpd_resp_set_hdr(req, "X-Content-Type-Options", "nosniff");
    }
    if (head->www_authenticate != NULL) {
        httpd_resp_set_hdr(req, "WWW-Authenticate", head->www_authenticate);
    }
    if (head->allow != NULL) {
        httpd_resp_set_hdr(req, "Allow", head->allow);
    }
    /* The rest of an unread body would be read and discarded on the server task before the next
     * request (httpd_req_delete, ESP-IDF 5.4), however large its Content-Length. */
    request->close_session = request->read_failed || request->body_read < req->content_len;
    if (request->close_session) {
        httpd_resp_set_hdr(req, "Connection", "close");
    }
    err = httpd_resp_send(req, head_only ? NULL : body, head_only ? 0 : (ssize_t)len);
    if (err != ESP_OK) {
        ESP_LOGW(TAG, "response failed: status=%d err=%s", head->status, esp_err_to_name(err));
        return -1;
    }
    return 0;
}

/* Fills `request` from `req`, copying the path as sent (without the query) into `path`. */
static void map_request(httpd_req_t *req, idf_request_t *binding, char path[PATH_LEN],
                        api_request_t *request)
{
    const char *query = strchr(req->uri, '?');
    size_t path_len = query != NULL ? (size_t)(query - req->uri) : strlen(req->uri);
    const char *method = http_method_str((enum http_method)req->method);

    *binding = (idf_request_t){ .req = req };
    snprintf(path, PATH_LEN, "%.*s", (int)path_len, req->uri);
    *request = (api_request_t){
        .method = method,
        .path = path,
        .query = query != NULL ? query + 1 : NULL,
        /* esp_http_server reports 0 without the header, so the header itself distinguishes 0
         * from none. */
        .content_length = httpd_req_get_hdr_value_len(req, "Content-Length") > 0
                              ? (long long)req->content_len : -1,
        .header = request_header,
        .read = request_read,
        .binding = binding,
    };
}

/* The handler of every route. Returns ESP_FAIL, which closes the session (the handler contract of
 * httpd_uri_t in ESP-IDF 5.4), when the response went out before the whole body was read. */
static esp_err_t handle_route(httpd_req_t *req)
{
    idf_request_t binding;
    api_responder_t responder = { .send = send_response, .binding = &binding };
    api_request_t request;
    char path[PATH_LEN];

    /* esp_http_server matched the raw path, and the handlers match it too, as on civetweb. */
    map_request(req, &binding, path, &request);
    api_http_dispatch(s_context, &request, &responder);
    if (binding.close_session) {
        ESP_LOGD(TAG, "session closed: reason=body left unread");
        return ESP_FAIL;
    }
    return ESP_OK;
}

void http_server_idf_send_problem(httpd_req_t *req, const char *code, const char *detail)
{
    idf_request_t binding = { .req = req };
    api_responder_t responder = { .send = send_response, .binding = &binding };

    api_http_send_problem(&responder, code, detail);
}

/* Sends the problem of `code` for a request that reached no handler. Returns ESP_FAIL, so the
 * server closes the connection, because the rest of a failed request was not read. */
static esp_err_t send_error_problem(httpd_req_t *req, const char *code, int status, const char *detail)
{
    idf_request_t binding = { .req = req };
    api_responder_t responder = { .send = send_response, .binding = &binding };

    api_http_send_problem_status(&responder, status, code, detail);
    return ESP_FAIL;
}

static esp_err_t handle_error(httpd_req_t *req, httpd_err_code_t error)
{
    switch (error) {
    case HTTPD_404_NOT_FOUND:
    case HTTPD_405_METHOD_NOT_ALLOWED:
        /* Only /ws is registered for one method; on Linux another method there reaches the
         * catch-all, which sends 404. A request without a body was read completely, so its
         * connection stays open; one with a body is closed rather than read to its end. */
        http_server_idf_send_problem(req, "NOT_FOUND", "no route for this method and path");
        return req->content_len > 0 ? ESP_FAIL : ESP_OK;
    case HTTPD_414_URI_TOO_LONG:
        return send_error_problem(req, "BAD_REQUEST", 414, "the request URI exceeds CONFIG_HTTPD_MAX_URI_LEN");
    case HTTPD_431_REQ_HDR_FIELDS_TOO_LARGE:
        return send_error_problem(req, "BAD_REQUEST", 431,
                                  "the request headers exceed CONFIG_HTTPD_MAX_REQ_HDR_LEN");
    case HTTPD_408_REQ_TIMEOUT:
        return send_error_problem(req, "REQUEST_TIMEOUT", 408, "the request did not arrive in time");
    case HTTPD_501_METHOD_NOT_IMPLEMENTED:
        /* The parser stops at the method, before the path, so no Allow could name the path's
         * methods as a 405 must. civetweb 1.15 answers an unknown method 400 as well. */
        return send_error_problem(req, "BAD_REQUEST", 400,
                                  "the request method is not one the server knows");
    case HTTPD_500_INTERNAL_SERVER_ERROR:
        return send_error_problem(req, "INTERNAL", 500, "the request could not be handled");
    default:
        return send_error_problem(req, "BAD_REQUEST", 400, "the request is malformed");
    }
}

static void close_session(httpd_handle_t server, int sockfd)
{
    (void)server;
    http_ws_idf_forget(sockfd);
    /* With a close_fn set, esp_http_server leaves closing the socket to it. */
    close(sockfd);
}

static esp_err_t register_routes(httpd_handle_t server)
{
    static const httpd_err_code_t errors[] = {
        HTTPD_400_BAD_REQUEST, HTTPD_404_NOT_FOUND, HTTPD_405_METHOD_NOT_ALLOWED,
        HTTPD_408_REQ_TIMEOUT, HTTPD_414_URI_TOO_LONG, HTTPD_431_REQ_HDR_FIELDS_TOO_LARGE,
        HTTPD_500_INTERNAL_SERVER_ERROR, HTTPD_501_METHOD_NOT_IMPLEMENTED,
    };

    for (size_t i = 0; i < API_HTTP_ROUTE_COUNT; i++) {
        const api_route_t *route = &api_http_routes[i];
        httpd_uri_t uri = { .uri = s_templates[i], .method = HTTP_ANY, .handler = handle_route };

        /* httpd_uri_match_wildcard takes a wildcard only at the end of a template, which is all a
         * prefix route needs. The handler parses the path after the prefix by hand. */
        snprintf(s_templates[i], sizeof s_templates[i], "%s%s", route->path, route->prefix ? "*" : "");
        ESP_RETURN_ON_ERROR(httpd_register_uri_handler(server, &uri), TAG, "register %s", route->path);
    }
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        ESP_RETURN_ON_ERROR(httpd_register_err_handler(server, errors[i], handle_error), TAG,
                            "register error handler %d", (int)errors[i]);
    }
    return ESP_OK;
}

esp_err_t http_server_idf_start(api_context_t *context, uint16_t port)
{
    httpd_config_t config = HTTPD_DEFAULT_CONFIG();
    esp_err_t err;

    ESP_RETURN_ON_FALSE(s_server == NULL, ESP_ERR_INVALID_STATE, TAG, "server already runs");
    config.server_port = port;
    config.max_uri_handlers = HTTP_SERVER_IDF_URI_HANDLERS;
    config.uri_match_fn = httpd_uri_match_wildcard;
    config.max_open_sockets = HTTP_SERVER_IDF_SOCKETS;
    config.backlog_conn = HTTP_SERVER_IDF_BACKLOG;
    config.lru_purge_enable = true;
    config.recv_wait_timeout = HTTP_SERVER_IDF_IO_TIMEOUT_SEC;
    config.send_wait_timeout = HTTP_SERVER_IDF_IO_TIMEOUT_SEC;
    config.stack_size = HTTP_SERVER_IDF_STACK_SIZE;
    config.close_fn = close_session;

    s_context = context;
    err = httpd_start(&s_server, &config);
    ESP_RETURN_ON_ERROR(err, TAG, "httpd_start on port %u", (unsigned)port);

    err = register_routes(s_server);
    if (err == ESP_OK) {
        err = http_ws_idf_start(s_server, context);
    }
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "server setup failed: %s", esp_err_to_name(err));
        http_server_idf_stop();
        return err;
    }
    ESP_LOGI(TAG, "server started: port=%u sockets=%u", (unsigned)port,
             (unsigned)HTTP_SERVER_IDF_SOCKETS);
    return ESP_OK;
}

void http_server_idf_publish_event(void *ctx, const char *json, size_t len)
{
    (void)ctx;
    if (s_server != NULL) {
        http_ws_idf_publish(json, len);
    }
}

void http_server_idf_stop(void)
{
    /* The timer stops first, so it queues no work on a server that is gone. */
    http_ws_idf_stop_timer();
    if (s_server != NULL) {
        httpd_stop(s_server);
        s_server = NULL;
    }
    http_ws_idf_stop();
}
