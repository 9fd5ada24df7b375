/* The local API under a flood of 100 connections that send nothing, far above its bounds: 8 workers
 * (HTTP_API_WORKER_COUNT), 16 accepted connections waiting for a worker
 * (HTTP_API_CONNECTION_QUEUE_LEN) and a listen backlog of 16 (HTTP_API_LISTEN_BACKLOG). The server
 * runs in this process, so the test counts its accepted sockets by reading /proc/self/fd. */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http_api.h"

#define FLOOD_COUNT 100
#define RESPONSE_MAX 8192
#define STATUS_REQUEST "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n" TEST_AUTHORIZATION "Connection: close\r\n\r\n"

/* Accepted connections that civetweb 1.15 keeps open at most: one per worker, the queue, and the one
 * that its accepting thread keeps while it waits for room in the queue. */
#define ACCEPTED_MAX (HTTP_API_WORKER_COUNT + HTTP_API_CONNECTION_QUEUE_LEN + 1)

/* Slack over the request timeout for civetweb to close an idle connection. */
#define TIMEOUT_SLACK_MS 1500
#define SAMPLE_INTERVAL_MS 100

static int64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec pause = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

    nanosleep(&pause, NULL);
}

/* Starts a connection to 127.0.0.1:`port` without waiting for it: past the backlog the kernel drops
 * the SYN, and a blocking connect would wait for its retries. */
static int connect_without_waiting(uint16_t port)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int result;

    assert_true(fd >= 0);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    result = connect(fd, (struct sockaddr *)&address, sizeof address);
    assert_true(result == 0 || errno == EINPROGRESS);
    return fd;
}

/* Counts this process's sockets whose local port is `port` and that have a peer: the connections the
 * API has accepted (the listening socket has no peer, and the test's own sockets another port). */
static unsigned count_accepted(uint16_t port)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;
    unsigned count = 0;

    assert_non_null(dir);
    while ((entry = readdir(dir)) != NULL) {
        int fd = atoi(entry->d_name);
        struct sockaddr_in local;
        struct sockaddr_in peer;
        socklen_t len = sizeof local;

        if (entry->d_name[0] == '.' || fd == dirfd(dir)) {
            continue;
        }
        /* A thread of the server may close this fd meanwhile; getsockname then fails and it is skipped. */
        if (getsockname(fd, (struct sockaddr *)&local, &len) != 0 || local.sin_family != AF_INET ||
            ntohs(local.sin_port) != port) {
            continue;
        }
        len = sizeof peer;
        if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0) {
            count++;
        }
    }
    closedir(dir);
    return count;
}

/* Returns whether the server has closed the connection `fd`: the end of the stream or a reset. A
 * connection still waiting in the backlog or for a worker has nothing to read (EAGAIN or ENOTCONN). */
static bool closed_by_server(int fd)
{
    char byte;
    ssize_t received = recv(fd, &byte, 1, MSG_DONTWAIT);

    assert_true(received <= 0);
    return received == 0 || (received < 0 && errno == ECONNRESET);
}

/* Sends GET /api/v1/status and reads until the server closes the connection or `timeout_ms` passes
 * without data. Returns the milliseconds the exchange took; `response` contains what arrived. */
static int64_t time_status_request(uint16_t port, int timeout_ms, char response[RESPONSE_MAX])
{
    int64_t started = monotonic_ms();
    int fd = test_connect_local(port);
    struct timeval timeout = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    size_t len = 0;
    ssize_t received;

    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
    assert_int_equal(send(fd, STATUS_REQUEST, strlen(STATUS_REQUEST), 0), (ssize_t)strlen(STATUS_REQUEST));
    while (len + 1 < RESPONSE_MAX && (received = recv(fd, response + len, RESPONSE_MAX - 1 - len, 0)) > 0) {
        len += (size_t)received;
    }
    response[len] = '\0';
    close(fd);
    return monotonic_ms() - started;
}

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
    fixture->port = test_local_port(5);
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

static void idle_flood_holds_bounded_sockets_and_recovers(void **state)
{
    api_fixture_t *fixture = *state;
    static int flood[FLOOD_COUNT];
    static char response[RESPONSE_MAX];
    const int bound_ms = HTTP_API_REQUEST_TIMEOUT_MS + TIMEOUT_SLACK_MS;
    unsigned accepted_max = 0;
    unsigned closed = 0;
    int64_t started;
    int64_t elapsed_ms;

    for (unsigned i = 0; i < FLOOD_COUNT; i++) {
        flood[i] = connect_without_waiting(fixture->port);
    }

    /* For one request timeout and its slack, the server never keeps more open than its bounds allow. */
    started = monotonic_ms();
    while (monotonic_ms() - started < bound_ms) {
        unsigned accepted = count_accepted(fixture->port);

        accepted_max = accepted > accepted_max ? accepted : accepted_max;
        sleep_ms(SAMPLE_INTERVAL_MS);
    }
    assert_true(accepted_max >= HTTP_API_WORKER_COUNT);
    assert_true(accepted_max <= ACCEPTED_MAX);

    /* Each worker closed its idle connection when the request timeout ended. */
    for (unsigned i = 0; i < FLOOD_COUNT; i++) {
        closed += closed_by_server(flood[i]) ? 1 : 0;
    }
    assert_true(closed >= HTTP_API_WORKER_COUNT);
    assert_true(closed < FLOOD_COUNT);

    /* Once the flood closes its sockets, the API serves a request within the same bound. */
    for (unsigned i = 0; i < FLOOD_COUNT; i++) {
        close(flood[i]);
    }
    elapsed_ms = time_status_request(fixture->port, bound_ms, response);
    assert_memory_equal(response, "HTTP/1.1 200 OK", 15);
    assert_true(elapsed_ms < bound_ms);
    printf("flood of %d: at most %u sockets accepted (bound %d), %u closed by the server after %d ms, "
           "status answered %lld ms after the flood closed\n",
           FLOOD_COUNT, accepted_max, ACCEPTED_MAX, closed, bound_ms, (long long)elapsed_ms);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idle_flood_holds_bounded_sockets_and_recovers),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("http open sockets", tests, start_api, stop_api);
}
