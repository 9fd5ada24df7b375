/* The local API under clients that connect to 127.0.0.1 and send nothing. Each idle connection
 * occupies a civetweb worker until HTTP_API_REQUEST_TIMEOUT_MS ends. Regression: with 2 workers and civetweb's
 * default 30-second request timeout, 3 idle connections delayed GET /api/v1/status by about 30 s. */
#include "support.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http_api.h"

#define RESPONSE_MAX 8192
#define STATUS_REQUEST "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n" TEST_AUTHORIZATION "Connection: close\r\n\r\n"

/* Maximum time for a status request while a worker is still free. */
#define FREE_WORKER_BOUND_MS 2000

/* Slack over the request timeout for civetweb to close the idle connection and serve the next one. */
#define TIMEOUT_SLACK_MS 1500

static int64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void set_receive_timeout(int fd, int timeout_ms)
{
    struct timeval timeout = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
}

/* Sends GET /api/v1/status and reads until the server closes the connection or `timeout_ms` passes
 * without data. Returns the milliseconds the exchange took; `response` contains what arrived. */
static int64_t time_status_request(uint16_t port, int timeout_ms, char response[RESPONSE_MAX])
{
    int64_t started = monotonic_ms();
    int fd = test_connect_local(port);
    size_t len = 0;
    ssize_t received;

    set_receive_timeout(fd, timeout_ms);
    assert_int_equal(send(fd, STATUS_REQUEST, strlen(STATUS_REQUEST), 0), (ssize_t)strlen(STATUS_REQUEST));
    while (len + 1 < RESPONSE_MAX && (received = recv(fd, response + len, RESPONSE_MAX - 1 - len, 0)) > 0) {
        len += (size_t)received;
    }
    response[len] = '\0';
    close(fd);
    return monotonic_ms() - started;
}

static void open_idle_connections(uint16_t port, int *fds, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        fds[i] = test_connect_local(port);
    }
}

static void close_connections(int *fds, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        close(fds[i]);
    }
}

/* One API for both tests, because civetweb's mg_stop (1.15) can take up to 2 s to return. */
typedef struct {
    void *home_state;
    pthread_mutex_t lock;
    uint16_t port;
    http_api_t *api;
} api_fixture_t;

static int start_api(void **state)
{
    api_fixture_t *fixture = calloc(1, sizeof *fixture);

    if (fixture == NULL || test_home_setup(&fixture->home_state) != 0) {
        free(fixture);
        return -1;
    }
    pthread_mutex_init(&fixture->lock, NULL);
    test_set_dashboard_token();
    fixture->port = test_local_port(4);
    fixture->api = http_api_start("127.0.0.1", fixture->port,
                                  &((test_home_t *)fixture->home_state)->homebase, &fixture->lock);
    *state = fixture;
    return fixture->api == NULL ? -1 : 0;
}

static int stop_api(void **state)
{
    api_fixture_t *fixture = *state;

    http_api_stop(fixture->api);
    pthread_mutex_destroy(&fixture->lock);
    test_home_teardown(&fixture->home_state);
    free(fixture);
    return 0;
}

static void status_answers_beside_idle_connections(void **state)
{
    api_fixture_t *fixture = *state;
    int idle[HTTP_API_WORKER_COUNT - 1];
    static char response[RESPONSE_MAX];
    int64_t elapsed_ms;

    /* Connections that send nothing occupy every worker but one. */
    open_idle_connections(fixture->port, idle, HTTP_API_WORKER_COUNT - 1);

    elapsed_ms = time_status_request(fixture->port, FREE_WORKER_BOUND_MS, response);

    assert_memory_equal(response, "HTTP/1.1 200 OK", 15);
    assert_true(elapsed_ms < FREE_WORKER_BOUND_MS);
    close_connections(idle, HTTP_API_WORKER_COUNT - 1);
}

static void idle_connection_released_after_request_timeout(void **state)
{
    api_fixture_t *fixture = *state;
    int idle[HTTP_API_WORKER_COUNT];
    static char response[RESPONSE_MAX];
    const int bound_ms = HTTP_API_REQUEST_TIMEOUT_MS + TIMEOUT_SLACK_MS;
    int64_t elapsed_ms;
    char byte;
    ssize_t received;

    /* Idle connections occupy all workers, so the request waits until civetweb drops an idle connection. */
    open_idle_connections(fixture->port, idle, HTTP_API_WORKER_COUNT);

    elapsed_ms = time_status_request(fixture->port, bound_ms, response);

    assert_memory_equal(response, "HTTP/1.1 200 OK", 15);
    assert_true(elapsed_ms < bound_ms);

    /* The server has closed the first idle connection: recv returns the end of the stream, or a reset,
     * and not the receive timeout of a connection that is still open. */
    set_receive_timeout(idle[0], 100);
    while ((received = recv(idle[0], &byte, 1, 0)) > 0) {
    }
    assert_true(received == 0 || errno == ECONNRESET);
    close_connections(idle, HTTP_API_WORKER_COUNT);
}

int main(int argc, char **argv)
{
    /* In this order: the second test occupies every worker, the first needs one free. */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_answers_beside_idle_connections),
        cmocka_unit_test(idle_connection_released_after_request_timeout),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("http idle connections", tests, start_api, stop_api);
}
