/* The local API under clients that connect to 127.0.0.1 and send nothing. Each idle connection
 * occupies a civetweb worker until HTTP_API_REQUEST_TIMEOUT_MS ends. Regression: with 2 workers and civetweb's
 * default 30-second request timeout, 3 idle connections delayed GET /api/v1/status by about 30 s. */
#include "api_fixture.h"

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

/* Maximum time for a status request while a worker is still free. */
#define FREE_WORKER_BOUND_MS 2000

/* Slack over the request timeout for civetweb to close the idle connection and serve the next one. */
#define TIMEOUT_SLACK_MS 1500

static void set_receive_timeout(int fd, int timeout_ms)
{
    struct timeval timeout = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
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
static int start_api(void **state)
{
    return api_fixture_start(state, 4, true);
}

static void status_answers_beside_idle_connections(void **state)
{
    api_fixture_t *fixture = *state;
    int idle[HTTP_API_WORKER_COUNT - 1];
    static char response[RESPONSE_MAX];
    int64_t elapsed_ms;

    /* Connections that send nothing occupy every worker but one. */
    open_idle_connections(fixture->port, idle, HTTP_API_WORKER_COUNT - 1);

    elapsed_ms = test_time_status_request(fixture->port, FREE_WORKER_BOUND_MS, response, sizeof response);

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

    elapsed_ms = test_time_status_request(fixture->port, bound_ms, response, sizeof response);

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
    return cmocka_run_group_tests_name("http idle connections", tests, start_api, api_fixture_stop);
}
