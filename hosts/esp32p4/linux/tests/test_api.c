/* The local API over HTTP on 127.0.0.1: the dashboard token on reading endpoints, POST /api/v1/logs
 * with frames signed by hand (support.c), and the documented bounds: head length, body size, JSON
 * depth, entry count. Every malformed request gets a problem and the server keeps responding. */
#include "api_fixture.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <civetweb.h>

#include "api_logs.h"
#include "dashboard_token.h"
#include "hb_hex.h"
#include "http_api.h"

#define RESPONSE_MAX 16384
#define HEAD "Host: x\r\nConnection: close\r\n"

static int start_api(void **state)
{
    return api_fixture_start(state, 7, false);
}

/* Sends `len` bytes and reads the whole response until the server closes the connection. Returns
 * the status code of the response's first line, or 0 when none arrived. */
static int exchange_bytes(uint16_t port, const char *request, size_t len, char *response)
{
    int fd = test_connect_local(port);
    size_t received_len = 0;
    ssize_t received;
    int status = 0;

    /* The server may close early (a 413 before the whole body); that is not a failure here. */
    send(fd, request, len, MSG_NOSIGNAL);
    while (received_len + 1 < RESPONSE_MAX &&
           (received = recv(fd, response + received_len, RESPONSE_MAX - 1 - received_len, 0)) > 0) {
        received_len += (size_t)received;
    }
    response[received_len] = '\0';
    close(fd);
    /* civetweb writes its own errors (400 for a bad or too long head) as HTTP/1.0. */
    sscanf(response, "HTTP/1.%*d %d", &status);
    return status;
}

static int exchange(uint16_t port, const char *request, char *response)
{
    return exchange_bytes(port, request, strlen(request), response);
}

static const char *body_of(const char *response)
{
    const char *end = strstr(response, "\r\n\r\n");

    return end != NULL ? end + 4 : "";
}

static void assert_problem(const char *response, const char *code)
{
    char member[80];

    snprintf(member, sizeof member, "\"code\":\"%s\"", code);
    assert_non_null(strstr(response, "Content-Type: application/problem+json"));
    assert_non_null(strstr(body_of(response), member));
}

static void reading_endpoints_need_the_token(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];
    static const char *const paths[] = { "/api/v1/status", "/api/v1/devices" };
    char request[512];

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        hb_dashboard_token_reset();
        snprintf(request, sizeof request, "GET %s HTTP/1.1\r\n" HEAD TEST_AUTHORIZATION "\r\n", paths[i]);
        assert_int_equal(exchange(fixture->port, request, response), 503);
        assert_problem(response, "DASHBOARD_TOKEN_NOT_SET");

        test_set_dashboard_token();
        assert_int_equal(exchange(fixture->port, request, response), 200);
        assert_non_null(strstr(response, "Content-Type: application/json"));

        snprintf(request, sizeof request, "GET %s HTTP/1.1\r\n" HEAD "\r\n", paths[i]);
        assert_int_equal(exchange(fixture->port, request, response), 401);
        assert_problem(response, "AUTH_REQUIRED");

        snprintf(request, sizeof request, "GET %s HTTP/1.1\r\n" HEAD "Authorization: Bearer abd\r\n\r\n", paths[i]);
        assert_int_equal(exchange(fixture->port, request, response), 401);
        assert_problem(response, "AUTH_FAILED");
    }
}

static void health_and_unknown_paths_answer_without_token(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];

    hb_dashboard_token_reset();
    assert_int_equal(exchange(fixture->port, "GET /healthz HTTP/1.1\r\n" HEAD "\r\n", response), 200);
    assert_string_equal(body_of(response), "{\"status\":\"ok\"}");

    assert_int_equal(exchange(fixture->port, "GET /api/v1/nothing HTTP/1.1\r\n" HEAD "\r\n", response), 404);
    assert_problem(response, "NOT_FOUND");
    assert_int_equal(exchange(fixture->port, "DELETE /api/v1/status HTTP/1.1\r\n" HEAD "\r\n", response), 405);
    assert_problem(response, "METHOD_NOT_ALLOWED");
    assert_int_equal(exchange(fixture->port, "GET /api/v1/logs HTTP/1.1\r\n" HEAD "\r\n", response), 405);
}

/* Writes {"entries":[{"frame":"<hex>"}, ...]} for `count` frames into `out`. */
static void logs_body(const uint8_t frames[][TEST_FRAME_MAX], const size_t *lens, size_t count, char *out)
{
    char hex[2 * TEST_FRAME_MAX + 1];

    strcpy(out, "{\"entries\":[");
    for (size_t i = 0; i < count; i++) {
        hb_hex_encode(frames[i], lens[i], hex);
        sprintf(out + strlen(out), "%s{\"frame\":\"%s\"}", i > 0 ? "," : "", hex);
    }
    strcat(out, "]}");
}

static int post_logs(uint16_t port, const char *body, char *response)
{
    static char request[RESPONSE_MAX + 512];

    snprintf(request, sizeof request, "POST /api/v1/logs HTTP/1.1\r\n" HEAD
             "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s", strlen(body), body);
    return exchange(port, request, response);
}

static void logs_take_signed_frames_through_intake(void **state)
{
    api_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    static uint8_t frames[3][TEST_FRAME_MAX];
    static char body[4096];
    static char response[RESPONSE_MAX];
    size_t lens[3];
    uint32_t accepted_before = home->homebase.intake.accepted;
    char hex[2 * TEST_FRAME_MAX + 1];
    bool batched = false;
    hb_lock_t lock;

    lens[0] = test_frame_build(frames[0], FRAME_TYPE_LOG, "porch-cam", TEST_NOW, 1,
                               "{\"level\":\"info\",\"category\":\"net\",\"message\":\"over ip\"}",
                               &home->devices[0], home->network.public_key);
    lens[1] = test_frame_build(frames[1], FRAME_TYPE_LOG, "door", TEST_NOW, 1,
                               "{\"level\":\"info\",\"category\":\"net\",\"message\":\"forged\"}",
                               &home->devices[0], home->network.public_key);
    lens[2] = test_frame_build(frames[2], FRAME_TYPE_HEARTBEAT, "porch-cam", TEST_NOW, 2,
                               "{\"battery\":50}", &home->devices[0], home->network.public_key);
    logs_body(frames, lens, 3, body);

    assert_int_equal(post_logs(fixture->port, body, response), 200);
    assert_string_equal(body_of(response), "{\"accepted\":1,\"rejected\":["
                        "{\"index\":1,\"code\":\"SIGNATURE_INVALID\"},"
                        "{\"index\":2,\"code\":\"FRAME_KIND_MISMATCH\"}]}");
    assert_int_equal(home->homebase.intake.accepted, accepted_before + 1);

    /* The accepted frame brought its device online, so its batch was spooled at once, and one
     * round of the sender (under the lock the handlers take) sends it. */
    lock = api_fixture_lock(fixture);
    homebase_send_spooled(&home->homebase, &lock, HOMEBASE_SEND_MAX_PER_ROUND);
    hb_hex_encode(frames[0], lens[0], hex);
    for (unsigned i = 0; i < home->transport.body_count; i++) {
        batched = batched || strstr(home->transport.bodies[i], hex) != NULL;
    }
    assert_true(batched);

    /* The same frame again is a replay. */
    logs_body(frames, lens, 1, body);
    assert_int_equal(post_logs(fixture->port, body, response), 200);
    assert_string_equal(body_of(response), "{\"accepted\":0,\"rejected\":[{\"index\":0,\"code\":\"REPLAY_DUPLICATE\"}]}");
}

static void malformed_logs_bodies_get_400(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];
    static char body[8192];
    static const struct {
        const char *body;
        const char *code;
    } cases[] = {
        { "", "BAD_JSON" },
        { "{", "BAD_JSON" },
        { "{\"entries\":[]}x", "BAD_JSON" },
        { "[[[[{}]]]]", "BAD_JSON" },
        { "{\"entries\":[{\"frame\":\"00\",\"x\":[]}]}", "BAD_JSON" },
        { "[]", "VALIDATION_FAILED" },
        { "{\"entries\":[]}", "VALIDATION_FAILED" },
        { "{\"entries\":{}}", "VALIDATION_FAILED" },
        { "{\"entries\":[1]}", "VALIDATION_FAILED" },
        { "{\"entries\":[{\"frame\":1}]}", "VALIDATION_FAILED" },
        { "{\"entries\":[{\"frame\":\"0\"}]}", "VALIDATION_FAILED" },
        { "{\"entries\":[{\"frame\":\"zz\"}]}", "VALIDATION_FAILED" },
        { "{\"entries\":[{\"frame\":\"\"}]}", "VALIDATION_FAILED" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(post_logs(fixture->port, cases[i].body, response), 400);
        assert_problem(response, cases[i].code);
    }

    /* One entry more than the bound. */
    strcpy(body, "{\"entries\":[");
    for (int i = 0; i <= API_LOGS_ENTRY_MAX_COUNT; i++) {
        strcat(body, i > 0 ? ",{\"frame\":\"00\"}" : "{\"frame\":\"00\"}");
    }
    strcat(body, "]}");
    assert_int_equal(post_logs(fixture->port, body, response), 400);
    assert_problem(response, "VALIDATION_FAILED");

    /* A frame longer than 250 bytes. */
    strcpy(body, "{\"entries\":[{\"frame\":\"");
    memset(body + strlen(body), '0', 502);
    strcpy(body + strlen(body) - 0, "\"}]}");
    assert_int_equal(post_logs(fixture->port, body, response), 400);
}

static void logs_body_bounds_get_413_and_415(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];
    static char request[API_LOGS_BODY_MAX_LEN + 1024];
    size_t head_len;

    /* A Content-Length above the bound gets its 413 before the body is read. */
    snprintf(request, sizeof request, "POST /api/v1/logs HTTP/1.1\r\n" HEAD
             "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n", API_LOGS_BODY_MAX_LEN + 1);
    assert_int_equal(exchange(fixture->port, request, response), 413);
    assert_problem(response, "BODY_TOO_LARGE");

    /* A chunked body that grows past the bound. */
    snprintf(request, sizeof request, "POST /api/v1/logs HTTP/1.1\r\n" HEAD
             "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n",
             API_LOGS_BODY_MAX_LEN + 1);
    head_len = strlen(request);
    memset(request + head_len, ' ', API_LOGS_BODY_MAX_LEN + 1);
    strcpy(request + head_len + API_LOGS_BODY_MAX_LEN + 1, "\r\n0\r\n\r\n");
    assert_int_equal(exchange(fixture->port, request, response), 413);

    assert_int_equal(exchange(fixture->port, "POST /api/v1/logs HTTP/1.1\r\n" HEAD
                              "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}", response), 415);
    assert_problem(response, "UNSUPPORTED_MEDIA_TYPE");

    /* A body shorter than its Content-Length. */
    assert_int_equal(exchange(fixture->port, "POST /api/v1/logs HTTP/1.1\r\n" HEAD
                              "Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{}", response), 400);
}

static void long_heads_and_garbage_are_refused(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];
    static char request[HTTP_API_MAX_HEAD_LEN + 512];
    int status;

    test_set_dashboard_token();

    /* A URI that makes the head longer than the bound. civetweb responds 400 and closes with the
     * rest of the head unread, so the kernel may reset the connection before the response is
     * read. No response counts as a rejection too. */
    strcpy(request, "GET /api/v1/status?");
    memset(request + strlen(request), 'a', HTTP_API_MAX_HEAD_LEN);
    strcat(request, " HTTP/1.1\r\n" HEAD "\r\n");
    status = exchange(fixture->port, request, response);
    assert_true(status == 400 || status == 0);

    /* A header that does the same. */
    strcpy(request, "GET /api/v1/status HTTP/1.1\r\nX-Long: ");
    memset(request + strlen(request), 'b', HTTP_API_MAX_HEAD_LEN);
    strcat(request, "\r\n" HEAD "\r\n");
    status = exchange(fixture->port, request, response);
    assert_true(status == 400 || status == 0);

    /* Bytes that are no HTTP at all. */
    status = exchange_bytes(fixture->port, "\x01\x02\x00\xff\r\n\r\n", 8, response);
    assert_int_equal(status, 400);

    /* The server still responds. */
    assert_int_equal(exchange(fixture->port, "GET /api/v1/status HTTP/1.1\r\n" HEAD TEST_AUTHORIZATION "\r\n",
                              response), 200);
}

static int answer_late(struct mg_connection *connection, void *data)
{
    (void)data;
    mg_printf(connection, "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nlate");
    return 200;
}

static void late_routes_come_before_the_catch_all(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];

    http_api_add_handler(fixture->api, "/api/v1/late$", answer_late, NULL);
    assert_int_equal(exchange(fixture->port, "GET /api/v1/late HTTP/1.1\r\n" HEAD "\r\n", response), 200);
    assert_string_equal(body_of(response), "late");

    assert_int_equal(exchange(fixture->port, "GET /api/v1/later HTTP/1.1\r\n" HEAD "\r\n", response), 404);
    assert_problem(response, "NOT_FOUND");
}

/* xorshift32: a seeded generator, so a failing run can be replayed with HB_API_FUZZ_SEED. */
static uint32_t next_random(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static void random_requests_keep_server_up(void **state)
{
    api_fixture_t *fixture = *state;
    static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "G\x01T", "" };
    static const char *const paths[] = { "/api/v1/logs", "/api/v1/status", "/ws", "/api/v1/oled.png?scale=x",
                                         "/%00", "/api/v1/logs?a=b", "*", "" };
    static const char *const types[] = { "application/json", "application/json; charset=utf-8", "text/plain", "" };
    static char request[4096];
    static char response[RESPONSE_MAX];
    const char *seed_text = getenv("HB_API_FUZZ_SEED");
    uint32_t seed = seed_text != NULL ? (uint32_t)strtoul(seed_text, NULL, 10) : 20261204u;
    uint32_t random_state = seed != 0 ? seed : 1;

    print_message("random requests: HB_API_FUZZ_SEED=%u\n", (unsigned)seed);
    test_set_dashboard_token();
    for (int round = 0; round < 60; round++) {
        size_t body_len = next_random(&random_state) % 600;
        int head_len = snprintf(request, sizeof request, "%s %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\n"
                                "Content-Length: %zu\r\n\r\n",
                                methods[next_random(&random_state) % 6], paths[next_random(&random_state) % 8],
                                types[next_random(&random_state) % 4], body_len);
        int status;

        /* Bodies of random bytes, some shaped like the logs body around them. */
        for (size_t i = 0; i < body_len; i++) {
            static const char json_bytes[] = "{}[]\":,0123456789abcdef entries frame";
            uint32_t value = next_random(&random_state);

            if (value % 4 == 0) {
                request[head_len + (int)i] = (char)(uint8_t)(value >> 8);
            } else {
                request[head_len + (int)i] = json_bytes[(value >> 8) % (sizeof json_bytes - 1)];
            }
        }
        status = exchange_bytes(fixture->port, request, (size_t)head_len + body_len, response);
        assert_true(status == 0 || status == 200 || status == 400 || status == 401 || status == 404 ||
                    status == 405 || status == 413 || status == 415);
    }

    assert_int_equal(exchange(fixture->port, "GET /healthz HTTP/1.1\r\n" HEAD "\r\n", response), 200);
}

#define API_TEST(name) cmocka_unit_test_setup_teardown(name, start_api, api_fixture_stop)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        API_TEST(reading_endpoints_need_the_token),
        API_TEST(health_and_unknown_paths_answer_without_token),
        API_TEST(logs_take_signed_frames_through_intake),
        API_TEST(malformed_logs_bodies_get_400),
        API_TEST(logs_body_bounds_get_413_and_415),
        API_TEST(long_heads_and_garbage_are_refused),
        API_TEST(random_requests_keep_server_up),
        API_TEST(late_routes_come_before_the_catch_all),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
