/* WS /ws of the local API with a minimal RFC 6455 client written here: the handshake, masked client
 * frames, unmasked server frames. Covers what needs the server's internals: the shortened auth
 * timeout and events published through http_api_publish_event. tests/e2e/homebase-api.test.ts
 * covers the rest with the ws package. */
#include "api_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "api_ws.h"
#include "dashboard_token.h"
#include "http_api.h"

#define RECEIVE_TIMEOUT_SEC 3
#define FRAME_MAX 2048
#define HEAD_MAX 1024

static int start_api(void **state)
{
    return api_fixture_start(state, 9, true);
}

static void receive_exactly(int fd, uint8_t *out, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t received = recv(fd, out + done, len - done, 0);

        assert_true(received > 0);
        done += (size_t)received;
    }
}

/* Connects and sends the upgrade request; `extra_headers` may carry an Authorization line. Reads
 * the response head into `head` and returns the socket. */
static int ws_request(uint16_t port, const char *extra_headers, char head[HEAD_MAX])
{
    int fd = test_connect_local(port);
    struct timeval timeout = { .tv_sec = RECEIVE_TIMEOUT_SEC };
    char request[512];
    size_t len = 0;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    snprintf(request, sizeof request, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Sec-WebSocket-Version: 13\r\n%s\r\n", extra_headers);
    assert_int_equal(send(fd, request, strlen(request), 0), (ssize_t)strlen(request));

    /* The head ends with an empty line; read it byte by byte so no frame byte is taken with it. */
    while (len < 4 || memcmp(head + len - 4, "\r\n\r\n", 4) != 0) {
        assert_true(len + 1 < HEAD_MAX);
        receive_exactly(fd, (uint8_t *)head + len, 1);
        len++;
    }
    head[len] = '\0';
    return fd;
}

/* Connects and upgrades; `extra_headers` may carry an Authorization line. Returns the socket. */
static int ws_open(uint16_t port, const char *extra_headers)
{
    char head[HEAD_MAX];
    int fd = ws_request(port, extra_headers, head);

    assert_memory_equal(head, "HTTP/1.1 101", 12);
    return fd;
}

/* Sends one masked text frame (RFC 6455 section 5.3: a client masks every frame). */
static void ws_send_text(int fd, const char *text)
{
    static const uint8_t mask[4] = { 0x12, 0x34, 0x56, 0x78 };
    uint8_t frame[FRAME_MAX];
    size_t len = strlen(text);
    size_t at = 0;

    assert_true(len < 126);
    frame[at++] = 0x81;
    frame[at++] = (uint8_t)(0x80 | len);
    memcpy(frame + at, mask, 4);
    at += 4;
    for (size_t i = 0; i < len; i++) {
        frame[at++] = (uint8_t)text[i] ^ mask[i % 4];
    }
    assert_int_equal(send(fd, frame, at, 0), (ssize_t)at);
}

/* Reads one server frame into `payload` (NUL-terminated); returns its opcode. */
static int ws_receive(int fd, char payload[FRAME_MAX])
{
    uint8_t head[2];
    size_t len;

    receive_exactly(fd, head, 2);
    assert_int_equal(head[1] & 0x80, 0);
    len = head[1] & 0x7f;
    if (len == 126) {
        uint8_t extended[2];

        receive_exactly(fd, extended, 2);
        len = (size_t)extended[0] << 8 | extended[1];
    }
    assert_true(len < FRAME_MAX);
    receive_exactly(fd, (uint8_t *)payload, len);
    payload[len] = '\0';
    return head[0] & 0x0f;
}

static void late_client_is_closed_with_4401(void **state)
{
    api_fixture_t *fixture = *state;
    char payload[FRAME_MAX];
    int fd;

    api_ws_set_auth_timeout_ms(http_api_ws(fixture->api), 200);
    fd = ws_open(fixture->port, "");

    /* Sends nothing: the close frame carries 4401 (0x1131) once the timeout passes, and the
     * stream ends, so the client's worker is free though it never replies to the close. */
    assert_int_equal(ws_receive(fd, payload), 0x8);
    assert_int_equal((uint8_t)payload[0], 0x11);
    assert_int_equal((uint8_t)payload[1], 0x31);
    assert_int_equal(recv(fd, payload, 1, 0), 0);
    assert_int_equal(api_ws_client_count(http_api_ws(fixture->api)), 0);
    close(fd);
}

static void published_events_follow_auth_ok(void **state)
{
    api_fixture_t *fixture = *state;
    char payload[FRAME_MAX];
    int fd = ws_open(fixture->port, "");

    ws_send_text(fd, "{\"type\":\"auth\",\"token\":\"" TEST_DASHBOARD_TOKEN "\"}");
    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"type\":\"auth_ok\"}");
    assert_int_equal(api_ws_client_count(http_api_ws(fixture->api)), 1);

    http_api_publish_event(fixture->api, "{\"id\":\"1\"}", 10);
    http_api_publish_event(fixture->api, "{\"id\":\"2\"}", 10);
    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"id\":\"1\"}");
    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"id\":\"2\"}");

    /* Messages after authentication are ignored: the socket stays open and gets the next event. */
    ws_send_text(fd, "ignored");
    http_api_publish_event(fixture->api, "{\"id\":\"3\"}", 10);
    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"id\":\"3\"}");
    close(fd);
}

static void unauthenticated_client_gets_no_event(void **state)
{
    api_fixture_t *fixture = *state;
    char payload[FRAME_MAX];
    int fd = ws_open(fixture->port, "");
    int admitted = ws_open(fixture->port, TEST_AUTHORIZATION);

    assert_int_equal(ws_receive(admitted, payload), 0x1);
    assert_string_equal(payload, "{\"type\":\"auth_ok\"}");
    http_api_publish_event(fixture->api, "{\"id\":\"9\"}", 10);
    assert_int_equal(ws_receive(admitted, payload), 0x1);
    assert_string_equal(payload, "{\"id\":\"9\"}");

    /* The waiting client's first frame is auth_ok, not the event published before it authenticated. */
    ws_send_text(fd, "{\"type\":\"auth\",\"token\":\"" TEST_DASHBOARD_TOKEN "\"}");
    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"type\":\"auth_ok\"}");
    close(fd);
    close(admitted);
}

static int64_t monotonic_us(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

/* A client that authenticates and then stops reading fills its TCP buffers. Publishing must still
 * return at once (the home base's loop calls it), and events beyond the queue are dropped. */
static void stalled_client_never_blocks_publish(void **state)
{
    api_fixture_t *fixture = *state;
    static char event[1024];
    char payload[FRAME_MAX];
    int receive_buffer = 4096;
    int64_t slowest_us = 0;
    int fd = ws_open(fixture->port, TEST_AUTHORIZATION);

    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"type\":\"auth_ok\"}");

    memset(event, 'e', sizeof event - 1);

    /* Keep the queue fed for 2 seconds, so the sender thread fills every buffer on the way to the
     * client and blocks on a write. */
    for (int64_t until = monotonic_us() + 2000000; monotonic_us() < until;) {
        http_api_publish_event(fixture->api, event, sizeof event - 1);
        usleep(20);
    }

    for (int i = 0; i < 200; i++) {
        int64_t started = monotonic_us();

        http_api_publish_event(fixture->api, event, sizeof event - 1);
        if (monotonic_us() - started > slowest_us) {
            slowest_us = monotonic_us() - started;
        }
    }
    print_message("slowest publish %lld us, dropped %lu\n", (long long)slowest_us,
                  api_ws_dropped_count(http_api_ws(fixture->api)));
    assert_true(slowest_us < 100000);
    assert_true(api_ws_dropped_count(http_api_ws(fixture->api)) > 0);
    close(fd);
}

static void expect_auth_ok(int fd)
{
    char payload[FRAME_MAX];

    assert_int_equal(ws_receive(fd, payload), 0x1);
    assert_string_equal(payload, "{\"type\":\"auth_ok\"}");
}

/* Expects a close frame with `code` without sending anything first, then the end of the stream:
 * the server shut the socket down, so the evicted client's worker is free. */
static void expect_closed_unprompted(int fd, unsigned code)
{
    char payload[FRAME_MAX];
    uint8_t extra;

    assert_int_equal(ws_receive(fd, payload), 0x8);
    assert_int_equal((uint8_t)payload[0], code >> 8);
    assert_int_equal((uint8_t)payload[1], code & 0xff);
    assert_int_equal(recv(fd, &extra, 1, 0), 0);
}

/* Opens API_WS_PENDING_MAX clients that do not authenticate, oldest first, into `idle`, and fills
 * the other slots with clients that sent the header, into `admitted`. */
static void fill_slots(uint16_t port, int idle[API_WS_PENDING_MAX],
                       int admitted[API_WS_MAX_CLIENTS - API_WS_PENDING_MAX])
{
    for (int i = 0; i < API_WS_PENDING_MAX; i++) {
        idle[i] = ws_open(port, "");
        usleep(2000);
    }
    for (int i = 0; i < API_WS_MAX_CLIENTS - API_WS_PENDING_MAX; i++) {
        admitted[i] = ws_open(port, TEST_AUTHORIZATION);
        expect_auth_ok(admitted[i]);
    }
}

/* Regression: clients that never authenticated held every slot for their 5-second auth timeout,
 * and by reconnecting kept the dashboard out with 503 even with a valid token. */
static void token_holder_evicts_oldest_unauthenticated_client(void **state)
{
    api_fixture_t *fixture = *state;
    int idle[API_WS_PENDING_MAX];
    int admitted[API_WS_MAX_CLIENTS - API_WS_PENDING_MAX];
    int dashboard;

    fill_slots(fixture->port, idle, admitted);
    dashboard = ws_open(fixture->port, TEST_AUTHORIZATION);
    expect_auth_ok(dashboard);
    assert_int_equal(api_ws_client_count(http_api_ws(fixture->api)), API_WS_MAX_CLIENTS - API_WS_PENDING_MAX + 1);

    /* The oldest idle client lost its slot. It gets 1013 without sending anything, and its socket
     * ends. The next oldest keeps its slot and may authenticate. */
    expect_closed_unprompted(idle[0], 1013);
    ws_send_text(idle[1], "{\"type\":\"auth\",\"token\":\"" TEST_DASHBOARD_TOKEN "\"}");
    expect_auth_ok(idle[1]);
    assert_int_equal(api_ws_client_count(http_api_ws(fixture->api)), API_WS_MAX_CLIENTS);
    for (int i = 0; i < API_WS_PENDING_MAX; i++) {
        close(idle[i]);
    }
    for (int i = 0; i < API_WS_MAX_CLIENTS - API_WS_PENDING_MAX; i++) {
        close(admitted[i]);
    }
    close(dashboard);
}

/* A client without the header waits for its auth message like the idle ones, so it evicts no one:
 * it gets 503, and the oldest idle client may still authenticate. */
static void client_without_header_evicts_no_one(void **state)
{
    api_fixture_t *fixture = *state;
    int idle[API_WS_PENDING_MAX];
    int admitted[API_WS_MAX_CLIENTS - API_WS_PENDING_MAX];
    char head[HEAD_MAX];
    int browser;

    fill_slots(fixture->port, idle, admitted);
    browser = ws_request(fixture->port, "", head);
    assert_memory_equal(head, "HTTP/1.1 503", 12);
    close(browser);
    ws_send_text(idle[0], "{\"type\":\"auth\",\"token\":\"" TEST_DASHBOARD_TOKEN "\"}");
    expect_auth_ok(idle[0]);
    for (int i = 0; i < API_WS_PENDING_MAX; i++) {
        close(idle[i]);
    }
    for (int i = 0; i < API_WS_MAX_CLIENTS - API_WS_PENDING_MAX; i++) {
        close(admitted[i]);
    }
}

/* Sends a tokenless upgrade request and waits up to `timeout_ms` for the status line. Returns the
 * socket, left open as an attacker would; `status` gets the 3-digit status, or 0 when none came. */
static int try_upgrade(uint16_t port, int timeout_ms, int *status)
{
    static const char request[] = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                                  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                  "Sec-WebSocket-Version: 13\r\n\r\n";
    int fd = test_connect_local(port);
    struct timeval timeout = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    char line[13];
    size_t len = 0;
    ssize_t received = 1;

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    assert_int_equal(send(fd, request, sizeof request - 1, 0), (ssize_t)(sizeof request - 1));
    while (len < 12 && (received = recv(fd, line + len, 12 - len, 0)) > 0) {
        len += (size_t)received;
    }
    line[len] = '\0';
    *status = len == 12 ? atoi(line + 9) : 0;
    return fd;
}

#define FLOOD_UPGRADES 16

/* Regression: 30 tokenless upgrades that reopened as they closed held all 8 civetweb workers (each
 * evicted client kept its worker until its auth timeout), so a client with the header failed and
 * GET /api/v1/status got no response. Now only API_WS_PENDING_MAX such clients wait. The rest get
 * 503 at the handshake and free their worker at once. */
static void tokenless_flood_leaves_http_and_header_clients_served(void **state)
{
    api_fixture_t *fixture = *state;
    int idle[API_WS_PENDING_MAX];
    int flood[FLOOD_UPGRADES];
    char response[2048];
    int dashboard;
    int64_t took_ms;

    for (int i = 0; i < API_WS_PENDING_MAX; i++) {
        idle[i] = ws_open(fixture->port, "");
    }

    /* Every further tokenless upgrade is rejected within a second, though none is closed by us. */
    for (int i = 0; i < FLOOD_UPGRADES; i++) {
        int status;
        int64_t started = test_monotonic_ms();

        flood[i] = try_upgrade(fixture->port, 1000, &status);
        assert_int_equal(status, 503);
        assert_true(test_monotonic_ms() - started < 1000);
    }

    took_ms = test_time_status_request(fixture->port, 1000, response, sizeof response);
    assert_true(took_ms < 1000);
    assert_memory_equal(response, "HTTP/1.1 200", 12);

    dashboard = ws_open(fixture->port, TEST_AUTHORIZATION);
    expect_auth_ok(dashboard);

    close(dashboard);
    for (int i = 0; i < FLOOD_UPGRADES; i++) {
        close(flood[i]);
    }
    for (int i = 0; i < API_WS_PENDING_MAX; i++) {
        close(idle[i]);
    }
}

static void authenticated_clients_are_never_evicted(void **state)
{
    api_fixture_t *fixture = *state;
    int admitted[API_WS_MAX_CLIENTS];
    char head[HEAD_MAX];
    char payload[FRAME_MAX];
    int rejected;

    for (int i = 0; i < API_WS_MAX_CLIENTS; i++) {
        admitted[i] = ws_open(fixture->port, TEST_AUTHORIZATION);
        expect_auth_ok(admitted[i]);
    }

    /* With or without a token, one more client gets 503 and every admitted client keeps events. */
    rejected = ws_request(fixture->port, "", head);
    assert_memory_equal(head, "HTTP/1.1 503", 12);
    assert_non_null(strstr(head, "application/problem+json"));
    close(rejected);
    rejected = ws_request(fixture->port, TEST_AUTHORIZATION, head);
    assert_memory_equal(head, "HTTP/1.1 503", 12);
    close(rejected);

    http_api_publish_event(fixture->api, "{\"id\":\"7\"}", 10);
    for (int i = 0; i < API_WS_MAX_CLIENTS; i++) {
        assert_int_equal(ws_receive(admitted[i], payload), 0x1);
        assert_string_equal(payload, "{\"id\":\"7\"}");
        close(admitted[i]);
    }
}

#define WS_TEST(name) cmocka_unit_test_setup_teardown(name, start_api, api_fixture_stop)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        WS_TEST(late_client_is_closed_with_4401),
        WS_TEST(published_events_follow_auth_ok),
        WS_TEST(unauthenticated_client_gets_no_event),
        WS_TEST(stalled_client_never_blocks_publish),
        WS_TEST(token_holder_evicts_oldest_unauthenticated_client),
        WS_TEST(client_without_header_evicts_no_one),
        WS_TEST(tokenless_flood_leaves_http_and_header_clients_served),
        WS_TEST(authenticated_clients_are_never_evicted),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("api_ws", tests, NULL, NULL);
}
