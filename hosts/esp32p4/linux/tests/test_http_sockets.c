/* The local API under a flood of 100 connections that send nothing, far above its bounds: 8 workers
 * (HTTP_API_WORKER_COUNT), 16 accepted connections waiting for a worker
 * (HTTP_API_CONNECTION_QUEUE_LEN) and a listen backlog of 16 (HTTP_API_LISTEN_BACKLOG). The server
 * runs in this process, so the test counts its accepted sockets by reading /proc/self/fd. */
#include "api_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http_api.h"

#define FLOOD_COUNT 100
#define RESPONSE_MAX 8192

/* Accepted connections that civetweb 1.15 keeps open at most: one per worker, the queue, and the one
 * that its accepting thread keeps while it waits for room in the queue. */
#define ACCEPTED_MAX (HTTP_API_WORKER_COUNT + HTTP_API_CONNECTION_QUEUE_LEN + 1)

/* Slack over the request timeout for civetweb to close an idle connection. */
#define TIMEOUT_SLACK_MS 1500
#define SAMPLE_INTERVAL_MS 100

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

static int start_api(void **state)
{
    return api_fixture_start(state, 5, true);
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
    started = test_monotonic_ms();
    while (test_monotonic_ms() - started < bound_ms) {
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
    elapsed_ms = test_time_status_request(fixture->port, bound_ms, response, sizeof response);
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
    return cmocka_run_group_tests_name("http open sockets", tests, start_api, api_fixture_stop);
}
