/* The local API under clients that trickle a request body on 127.0.0.1: each sends the head of
 * POST /api/v1/logs with Content-Length 16000, then one body byte every TRICKLE_INTERVAL_MS.
 * Regression: 8 such clients held all 8 civetweb workers for as long as they kept sending, because
 * civetweb's request timeout bounds each read and not the whole body, and GET /api/v1/status waited.
 * The body deadline (api_http.h) ends each of them with 408; the test shortens it to
 * TEST_DEADLINE_MS so no step waits 5 seconds. */
#include "api_fixture.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "api_http.h"
#include "http_api.h"
#include "media.h"

#define RESPONSE_MAX 8192
#define TRICKLE_INTERVAL_MS 200
/* The tricklers stop by themselves after this long, so a server that never ends them fails the
 * status bound instead of hanging the test. */
#define TRICKLE_MAX_MS 8000
#define TEST_DEADLINE_MS 500
/* The deadline is checked between reads, and one civetweb read lasts up to its request timeout. */
#define STATUS_BOUND_MS (TEST_DEADLINE_MS + HTTP_API_REQUEST_TIMEOUT_MS + 1000)

#define SLOW_HEAD "POST /api/v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" \
                  "Content-Length: 16000\r\n\r\n"

typedef struct {
    int fds[HTTP_API_WORKER_COUNT];
    atomic_bool stop;
} trickle_t;

static void sleep_ms(int ms)
{
    struct timespec pause = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

    nanosleep(&pause, NULL);
}

/* True once the server has sent something on `fd` or closed it. */
static bool server_answered(int fd)
{
    struct pollfd poll_fd = { .fd = fd, .events = POLLIN };

    return poll(&poll_fd, 1, 0) > 0;
}

/* Sends one space to every connection the server has not answered yet, every TRICKLE_INTERVAL_MS. */
static void *trickle_bodies(void *arg)
{
    trickle_t *trickle = arg;
    int64_t started = test_monotonic_ms();

    while (!atomic_load(&trickle->stop) && test_monotonic_ms() - started < TRICKLE_MAX_MS) {
        for (unsigned i = 0; i < HTTP_API_WORKER_COUNT; i++) {
            if (!server_answered(trickle->fds[i])) {
                send(trickle->fds[i], " ", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            }
        }
        sleep_ms(TRICKLE_INTERVAL_MS);
    }
    return NULL;
}

/* Reads what the server sent on `fd` until it closes the connection or `timeout_sec` pass without
 * data. */
static void read_response(int fd, int timeout_sec, char *response, size_t cap)
{
    struct timeval timeout = { .tv_sec = timeout_sec };
    size_t len = 0;
    ssize_t received;

    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
    while (len + 1 < cap && (received = recv(fd, response + len, cap - 1 - len, 0)) > 0) {
        len += (size_t)received;
    }
    response[len] = '\0';
}

static int start_api(void **state)
{
    int result = api_fixture_start(state, 11, true);

    if (result == 0) {
        http_api_set_body_deadline_ms(((api_fixture_t *)*state)->api, TEST_DEADLINE_MS);
    }
    return result;
}

static void trickling_bodies_free_workers_with_408(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];
    trickle_t trickle = { 0 };
    pthread_t thread;
    int64_t elapsed_ms;

    for (unsigned i = 0; i < HTTP_API_WORKER_COUNT; i++) {
        trickle.fds[i] = test_connect_local(fixture->port);
        assert_int_equal(send(trickle.fds[i], SLOW_HEAD, strlen(SLOW_HEAD), 0), (ssize_t)strlen(SLOW_HEAD));
    }
    assert_int_equal(pthread_create(&thread, NULL, trickle_bodies, &trickle), 0);
    /* Every worker has taken a trickling connection before the status request queues. */
    sleep_ms(2 * TRICKLE_INTERVAL_MS);

    elapsed_ms = test_time_status_request(fixture->port, STATUS_BOUND_MS, response, sizeof response);
    atomic_store(&trickle.stop, true);
    pthread_join(thread, NULL);
    assert_memory_equal(response, "HTTP/1.1 200 OK", 15);
    assert_true(elapsed_ms < STATUS_BOUND_MS);

    /* Each trickling client got the problem and the end of its connection. */
    for (unsigned i = 0; i < HTTP_API_WORKER_COUNT; i++) {
        read_response(trickle.fds[i], 1, response, sizeof response);
        if (strncmp(response, "HTTP/1.1 408", 12) != 0) {
            fail_msg("trickling connection %u got no 408: %.60s", i, response);
        }
        assert_non_null(strstr(response, "\"code\":\"REQUEST_TIMEOUT\""));
        assert_non_null(strstr(response, "Connection: close"));
        close(trickle.fds[i]);
    }
    printf("8 trickling bodies: status answered after %lld ms (bound %d)\n", (long long)elapsed_ms,
           STATUS_BOUND_MS);
}

/* Regression: the deadline started when the first body byte arrived, not when the handler began
 * to wait for it, so a client that paused before its first byte got its 408 that much later. Here
 * the first byte comes FIRST_BYTE_GAP_MS after the head, then one byte every TRICKLE_INTERVAL_MS:
 * the 408 must come within the deadline plus the wait for one byte, counted from the head. */
#define FIRST_BYTE_GAP_MS 1000
#define FIRST_BYTE_BOUND_MS (FIRST_BYTE_GAP_MS + TRICKLE_INTERVAL_MS + 250)

static void deadline_counts_first_byte_wait(void **state)
{
    api_fixture_t *fixture = *state;
    static char response[RESPONSE_MAX];
    int fd = test_connect_local(fixture->port);
    int64_t started = test_monotonic_ms();
    int64_t elapsed_ms = 0;

    assert_int_equal(send(fd, SLOW_HEAD, strlen(SLOW_HEAD), 0), (ssize_t)strlen(SLOW_HEAD));
    sleep_ms(FIRST_BYTE_GAP_MS);
    while (!server_answered(fd) && test_monotonic_ms() - started < TRICKLE_MAX_MS) {
        send(fd, " ", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        sleep_ms(TRICKLE_INTERVAL_MS / 4);
        elapsed_ms = test_monotonic_ms() - started;
    }
    read_response(fd, 1, response, sizeof response);
    close(fd);

    assert_memory_equal(response, "HTTP/1.1 408", 12);
    if (elapsed_ms >= FIRST_BYTE_BOUND_MS) {
        fail_msg("408 after %lld ms, bound %d", (long long)elapsed_ms, FIRST_BYTE_BOUND_MS);
    }
    printf("first byte after %d ms: 408 after %lld ms (deadline %d)\n", FIRST_BYTE_GAP_MS,
           (long long)elapsed_ms, TEST_DEADLINE_MS);
}

/* The civetweb binding reads a body one byte per call (http_api.c), so the largest body must still
 * arrive well within the default deadline from a client that sends it at once. */
static void largest_body_is_read_within_the_deadline(void **state)
{
    api_fixture_t *fixture = *state;
    static char body[MEDIA_CONTENT_MAX_BYTES];
    static char response[RESPONSE_MAX];
    char head[256];
    int fd = test_connect_local(fixture->port);
    int64_t started = test_monotonic_ms();
    int64_t elapsed_ms;

    http_api_set_body_deadline_ms(fixture->api, 0);
    memset(body, 'x', sizeof body);
    snprintf(head, sizeof head, "POST /api/v1/media HTTP/1.1\r\nHost: x\r\nX-Mesh-Manifest: 00\r\n"
             "Content-Length: %zu\r\n\r\n", sizeof body);
    assert_int_equal(send(fd, head, strlen(head), 0), (ssize_t)strlen(head));
    assert_int_equal(send(fd, body, sizeof body, MSG_NOSIGNAL), (ssize_t)sizeof body);
    read_response(fd, 4, response, sizeof response);
    elapsed_ms = test_monotonic_ms() - started;
    close(fd);

    /* The fixture has no SD card, which POST /api/v1/media reports after the whole body was read. */
    assert_memory_equal(response, "HTTP/1.1 503", 12);
    assert_null(strstr(response, "REQUEST_TIMEOUT"));
    assert_true(elapsed_ms < API_HTTP_BODY_DEADLINE_MS / 2);
    printf("a %u-byte body read in %lld ms (deadline %d)\n", (unsigned)sizeof body,
           (long long)elapsed_ms, API_HTTP_BODY_DEADLINE_MS);
    http_api_set_body_deadline_ms(fixture->api, TEST_DEADLINE_MS);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trickling_bodies_free_workers_with_408),
        cmocka_unit_test(largest_body_is_read_within_the_deadline),
        cmocka_unit_test(deadline_counts_first_byte_wait),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("http slow bodies", tests, start_api, api_fixture_stop);
}
