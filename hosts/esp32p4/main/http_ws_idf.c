/* Adapts esp_http_server's WebSocket support (CONFIG_HTTPD_WS_SUPPORT) to the protocol of
 * api_ws_protocol.h. The upgrade check, the auth message, the client and message limits and the
 * event queue come from the portable part, including the decision on each message
 * (api_ws_read_message). This file keeps the client table by socket descriptor and moves frames.
 *
 * The upgrade is refused with an HTTP problem (401, 503) only when
 * CONFIG_HTTPD_WS_PRE_HANDSHAKE_CB_SUPPORT is on, because only then does esp_http_server call us
 * before it responds to the handshake. Without it the check runs right after the handshake and a
 * refused client gets close code 4401 (1013 when the clients are at max) instead. When every slot
 * is taken, a new client with a valid Authorization header takes the slot of the oldest client
 * that has not authenticated (api_ws_choose_slot), which gets close 1013. A client without the
 * header is refused while API_WS_PENDING_MAX clients wait for their auth message, as on Linux.
 *
 * A slow client delays the server task, because httpd_ws_send_frame_async sends synchronously from
 * it for up to the send timeout. What only hardware can show: event latency and memory with four
 * clients. */
#include "http_ws_idf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api_ws_protocol.h"
#include "dashboard_token.h"
#include "esp_check.h"
#include "esp_log.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"

#if !CONFIG_HTTPD_WS_SUPPORT
#error "WS /ws needs CONFIG_HTTPD_WS_SUPPORT=y in sdkconfig.defaults"
#endif

static const char *TAG = "http_ws";

/* How often the server task looks for clients past the auth timeout and clients due a ping. */
#define TICK_INTERVAL_MS 250
/* An authenticated client gets a ping this often, as HTTP_API_WS_PING_INTERVAL_MS on Linux; a
 * failed send closes it. */
#define PING_INTERVAL_MS 30000
/* RFC 6455 section 7.4.1: 1013, try again later, for a client over the limit after the handshake. */
#define CLOSE_TRY_AGAIN 1013

typedef struct {
    /* The socket descriptor, or -1 for a free slot. */
    int fd;
    /* The upgrade request carried the right token; auth_ok goes out once the handshake is done. */
    bool header_token;
    bool authenticated;
    /* A close frame was sent; the connection ends with the next frame or the next tick. */
    bool closing;
    uint64_t opened_ms;
    uint64_t pinged_ms;
} ws_client_t;

static httpd_handle_t s_server;
static api_context_t *s_context;
/* Touched only by the server task. */
static ws_client_t s_clients[API_WS_MAX_CLIENTS];
/* The message being read; one at a time, because only the server task reads. */
static uint8_t s_message[API_WS_MAX_MESSAGE_LEN + 1];
/* Guards s_queue and s_drain_pending, which the home base's task reaches through publish. */
static SemaphoreHandle_t s_queue_mutex;
static api_ws_queue_t s_queue;
static bool s_drain_pending;
static esp_timer_handle_t s_timer;

static uint64_t now_ms(void)
{
    return (uint64_t)esp_timer_get_time() / 1000;
}

static ws_client_t *find_client(int fd)
{
    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        if (s_clients[i].fd == fd) {
            return &s_clients[i];
        }
    }
    return NULL;
}

static int check_token(const char *authorization)
{
    int result;

    s_context->lock.acquire(s_context->lock.ctx);
    result = hb_dashboard_token_check(authorization);
    s_context->lock.release(s_context->lock.ctx);
    return result;
}

static esp_err_t send_text(int fd, const char *text, size_t len)
{
    httpd_ws_frame_t frame = { .type = HTTPD_WS_TYPE_TEXT, .payload = (uint8_t *)text, .len = len };

    return httpd_ws_send_frame_async(s_server, fd, &frame);
}

static void send_close(int fd, unsigned code, const char *reason)
{
    uint8_t payload[API_WS_CLOSE_PAYLOAD_MAX];
    httpd_ws_frame_t frame = { .type = HTTPD_WS_TYPE_CLOSE, .payload = payload };

    frame.len = api_ws_close_payload(code, reason, payload);
    httpd_ws_send_frame_async(s_server, fd, &frame);
}

/* Returns a slot for a new client (api_ws_choose_slot): a free one, or for a client with a valid
 * header the one of the oldest client that has not authenticated, whose socket gets close 1013 and
 * is closed. Its later frames and its close find no client for the socket. Returns NULL for 503:
 * every slot is taken by an authenticated client, or a client without the header finds
 * API_WS_PENDING_MAX clients waiting. */
static ws_client_t *take_slot(bool has_valid_token)
{
    api_ws_slot_t slots[API_WS_MAX_CLIENTS];
    ws_client_t *client;
    bool evict;
    int index;

    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        const ws_client_t *held = &s_clients[i];

        slots[i] = (api_ws_slot_t){ .used = held->fd >= 0, .opened_ms = held->opened_ms,
                                    .authenticated = held->authenticated || held->header_token };
    }
    index = api_ws_choose_slot(slots, has_valid_token, &evict);
    if (index < 0) {
        return NULL;
    }
    client = &s_clients[index];
    if (evict) {
        ESP_LOGW(TAG, "websocket client evicted: reason=not authenticated, slots at max %d fd=%d",
                 API_WS_MAX_CLIENTS, client->fd);
        if (!client->closing) {
            send_close(client->fd, API_WS_CLOSE_EVICTED, "a newer client took this slot before auth");
        }
        httpd_sess_trigger_close(s_server, client->fd);
        client->fd = -1;
    }
    return client;
}

/* Checks the upgrade request and takes a slot for it. Returns NULL and sets *code and *detail when
 * it is refused. */
static ws_client_t *open_client(httpd_req_t *req, const char **code, const char **detail)
{
    char header[API_WS_BEARER_HEADER_LEN];
    bool has_header = httpd_req_get_hdr_value_str(req, "Authorization", header, sizeof header) == ESP_OK;
    ws_client_t *client;

    /* A header too long to be a bearer token is checked as an empty one, so it is refused. */
    if (!has_header && httpd_req_get_hdr_value_len(req, "Authorization") > 0) {
        header[0] = '\0';
        has_header = true;
    }
    *code = api_ws_upgrade_refusal(check_token(has_header ? header : NULL), has_header, detail);
    if (*code != NULL) {
        return NULL;
    }
    client = take_slot(has_header);
    if (client == NULL) {
        *code = "TOO_MANY_CLIENTS";
        *detail = has_header ? "websocket clients are at max (API_WS_MAX_CLIENTS)"
                             : "websocket clients waiting for auth are at max (API_WS_PENDING_MAX)";
        return NULL;
    }
    *client = (ws_client_t){ .fd = httpd_req_to_sockfd(req), .header_token = has_header,
                             .opened_ms = now_ms() };
    client->pinged_ms = client->opened_ms;
    return client;
}

#if CONFIG_HTTPD_WS_PRE_HANDSHAKE_CB_SUPPORT
/* Runs before esp_http_server responds to the handshake, so a refusal is a plain HTTP problem. */
static esp_err_t before_handshake(httpd_req_t *req)
{
    const char *code;
    const char *detail;

    if (open_client(req, &code, &detail) != NULL) {
        return ESP_OK;
    }
    http_server_idf_send_problem(req, code, detail);
    return ESP_FAIL;
}
#endif

/* Sends auth_ok and admits the client. Events go out from the same task, so none precedes it. */
static esp_err_t admit(ws_client_t *client)
{
    client->authenticated = true;
    return send_text(client->fd, API_WS_AUTH_OK_MESSAGE, strlen(API_WS_AUTH_OK_MESSAGE));
}

/* The handler's GET call: after the handshake, or for a GET without the upgrade headers, which
 * gets the 404 problem that civetweb's catch-all sends on Linux. */
static esp_err_t on_open(httpd_req_t *req)
{
    ws_client_t *client = find_client(httpd_req_to_sockfd(req));

    if (httpd_ws_get_fd_info(req->handle, httpd_req_to_sockfd(req)) != HTTPD_WS_CLIENT_WEBSOCKET) {
        http_server_idf_send_problem(req, "NOT_FOUND", "no route for this method and path");
        return ESP_OK;
    }

#if !CONFIG_HTTPD_WS_PRE_HANDSHAKE_CB_SUPPORT
    const char *code;
    const char *detail;

    client = open_client(req, &code, &detail);
    if (client == NULL) {
        bool too_many = strcmp(code, "TOO_MANY_CLIENTS") == 0;

        send_close(httpd_req_to_sockfd(req), too_many ? CLOSE_TRY_AGAIN : API_WS_CLOSE_AUTH_FAILED, detail);
        return ESP_FAIL;
    }
#endif
    if (client == NULL) {
        return ESP_FAIL;
    }
    return client->header_token ? admit(client) : ESP_OK;
}

static api_ws_frame_kind_t frame_kind(httpd_ws_type_t type)
{
    switch (type) {
    case HTTPD_WS_TYPE_TEXT:
        return API_WS_FRAME_TEXT;
    case HTTPD_WS_TYPE_BINARY:
        return API_WS_FRAME_BINARY;
    default:
        return API_WS_FRAME_OTHER;
    }
}

/* Acts on one whole message as api_ws_read_message decides: nothing, auth_ok, or close 4401. */
static esp_err_t take_message(ws_client_t *client, const httpd_ws_frame_t *frame)
{
    char header[API_WS_BEARER_HEADER_LEN];
    api_ws_message_t action = api_ws_read_message(client->authenticated, frame_kind(frame->type),
                                                  (const char *)frame->payload, frame->len, header);

    if (action == API_WS_MESSAGE_IGNORE) {
        return ESP_OK;
    }
    if (action == API_WS_MESSAGE_CHECK_TOKEN && check_token(header) == HB_DASHBOARD_TOKEN_OK) {
        return admit(client);
    }
    client->closing = true;
    send_close(client->fd, API_WS_CLOSE_AUTH_FAILED,
               "first message must be {\"type\":\"auth\",\"token\":\"...\"} with a valid token");
    ESP_LOGW(TAG, "websocket auth failed: reason=bad first message or token fd=%d", client->fd);
    return ESP_FAIL;
}

/* One data frame from a client. Returning ESP_FAIL makes esp_http_server close the socket. */
static esp_err_t on_frame(httpd_req_t *req)
{
    ws_client_t *client = find_client(httpd_req_to_sockfd(req));
    httpd_ws_frame_t frame = { .payload = NULL };

    ESP_RETURN_ON_ERROR(httpd_ws_recv_frame(req, &frame, 0), TAG, "read frame length");
    if (client == NULL || client->closing) {
        return ESP_FAIL;
    }
    /* Checked before the payload is read, unlike on civetweb, so an oversized message is never
     * stored. */
    if (frame.len > API_WS_MAX_MESSAGE_LEN) {
        ESP_LOGW(TAG, "message rejected: len=%u exceeds max %d fd=%d", (unsigned)frame.len,
                 API_WS_MAX_MESSAGE_LEN, client->fd);
        /* NOTE: the payload stays unread, so the socket may close with a reset that loses the close
         * frame before the client reads it. */
        send_close(client->fd, API_WS_CLOSE_TOO_BIG, "message exceeds max 4096 bytes");
        return ESP_FAIL;
    }

    /* Every payload is read, even one that is ignored, so the next frame starts where it should. */
    frame.payload = s_message;
    ESP_RETURN_ON_ERROR(httpd_ws_recv_frame(req, &frame, API_WS_MAX_MESSAGE_LEN), TAG, "read frame");
    /* esp_http_server passes pongs on too; they reply to the pings of tick() and, like other
     * control and continuation frames, decide nothing. */
    return take_message(client, &frame);
}

static esp_err_t handle_ws(httpd_req_t *req)
{
    return req->method == HTTP_GET ? on_open(req) : on_frame(req);
}

void http_ws_idf_forget(int sockfd)
{
    ws_client_t *client = find_client(sockfd);

    if (sockfd >= 0 && client != NULL) {
        client->fd = -1;
    }
}

/* Queued work: sends every queued envelope to every authenticated client. */
static void drain_queue(void *arg)
{
    api_ws_event_t event;
    bool have_event;

    (void)arg;
    xSemaphoreTake(s_queue_mutex, portMAX_DELAY);
    s_drain_pending = false;
    xSemaphoreGive(s_queue_mutex);

    do {
        xSemaphoreTake(s_queue_mutex, portMAX_DELAY);
        have_event = api_ws_queue_pop(&s_queue, &event);
        xSemaphoreGive(s_queue_mutex);
        for (size_t i = 0; have_event && i < API_WS_MAX_CLIENTS; i++) {
            ws_client_t *client = &s_clients[i];

            if (client->fd >= 0 && client->authenticated && !client->closing &&
                send_text(client->fd, event.text, event.len) != ESP_OK) {
                ESP_LOGW(TAG, "event send failed, closing the client: fd=%d", client->fd);
                httpd_sess_trigger_close(s_server, client->fd);
            }
        }
        if (have_event) {
            free(event.text);
        }
    } while (have_event);
}

void http_ws_idf_publish(const char *json, size_t len)
{
    bool queue_work;

    if (s_queue_mutex == NULL) {
        return;
    }
    xSemaphoreTake(s_queue_mutex, portMAX_DELAY);
    queue_work = api_ws_queue_push(&s_queue, json, len) && !s_drain_pending;
    s_drain_pending = s_drain_pending || queue_work;
    xSemaphoreGive(s_queue_mutex);

    /* When the server's control queue is full the events stay queued for the next publish. */
    if (queue_work && httpd_queue_work(s_server, drain_queue, NULL) != ESP_OK) {
        xSemaphoreTake(s_queue_mutex, portMAX_DELAY);
        s_drain_pending = false;
        xSemaphoreGive(s_queue_mutex);
    }
}

/* Queued work: closes clients past the auth timeout and pings authenticated ones. */
static void tick(void *arg)
{
    uint64_t now = now_ms();

    (void)arg;
    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        ws_client_t *client = &s_clients[i];
        httpd_ws_frame_t ping = { .type = HTTPD_WS_TYPE_PING };

        if (client->fd < 0) {
            continue;
        }
        if (!client->authenticated &&
            (client->closing || api_ws_auth_timed_out(client->opened_ms, now, API_WS_AUTH_TIMEOUT_MS))) {
            if (!client->closing) {
                send_close(client->fd, API_WS_CLOSE_AUTH_FAILED, "no auth message in time");
                ESP_LOGW(TAG, "websocket auth failed: reason=no auth message within %d ms fd=%d",
                         API_WS_AUTH_TIMEOUT_MS, client->fd);
            }
            client->closing = true;
            httpd_sess_trigger_close(s_server, client->fd);
        } else if (client->authenticated && now - client->pinged_ms >= PING_INTERVAL_MS) {
            client->pinged_ms = now;
            if (httpd_ws_send_frame_async(s_server, client->fd, &ping) != ESP_OK) {
                ESP_LOGW(TAG, "ping failed, closing the client: fd=%d", client->fd);
                httpd_sess_trigger_close(s_server, client->fd);
            }
        }
    }
}

static void on_timer(void *arg)
{
    (void)arg;
    /* A full control queue skips one tick; the next one catches up. */
    httpd_queue_work(s_server, tick, NULL);
}

esp_err_t http_ws_idf_start(httpd_handle_t server, api_context_t *context)
{
    const esp_timer_create_args_t timer_args = { .callback = on_timer, .name = "http_ws_tick" };
    httpd_uri_t uri = {
        .uri = API_WS_PATH,
        .method = HTTP_GET,
        .handler = handle_ws,
        .is_websocket = true,
        /* esp_http_server replies to ping and close frames itself. */
        .handle_ws_control_frames = false,
#if CONFIG_HTTPD_WS_PRE_HANDSHAKE_CB_SUPPORT
        .ws_pre_handshake_cb = before_handshake,
#endif
    };

    s_server = server;
    s_context = context;
    for (size_t i = 0; i < API_WS_MAX_CLIENTS; i++) {
        s_clients[i].fd = -1;
    }
    s_queue_mutex = xSemaphoreCreateMutex();
    ESP_RETURN_ON_FALSE(s_queue_mutex != NULL, ESP_ERR_NO_MEM, TAG, "create the queue mutex");
    ESP_RETURN_ON_ERROR(httpd_register_uri_handler(server, &uri), TAG, "register %s", API_WS_PATH);
    ESP_RETURN_ON_ERROR(esp_timer_create(&timer_args, &s_timer), TAG, "create the tick timer");
    return esp_timer_start_periodic(s_timer, TICK_INTERVAL_MS * 1000);
}

void http_ws_idf_stop_timer(void)
{
    if (s_timer != NULL) {
        esp_timer_stop(s_timer);
        esp_timer_delete(s_timer);
        s_timer = NULL;
    }
}

void http_ws_idf_stop(void)
{
    http_ws_idf_stop_timer();
    if (s_queue_mutex != NULL) {
        api_ws_queue_clear(&s_queue);
        vSemaphoreDelete(s_queue_mutex);
        s_queue_mutex = NULL;
    }
    s_drain_pending = false;
    s_server = NULL;
}
