#include "api_fixture.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dashboard_token.h"

#define STATUS_REQUEST "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n" TEST_AUTHORIZATION "Connection: close\r\n\r\n"

int api_fixture_start(void **state, unsigned port_slot, bool set_token)
{
    api_fixture_t *fixture = calloc(1, sizeof *fixture);
    void *home_state = NULL;

    if (fixture == NULL || test_home_setup(&home_state) != 0) {
        free(fixture);
        return -1;
    }
    fixture->home = home_state;
    pthread_mutex_init(&fixture->lock, NULL);
    if (set_token) {
        test_set_dashboard_token();
    }
    fixture->port = test_local_port(port_slot);
    fixture->api = http_api_start("127.0.0.1", fixture->port, &fixture->home->homebase, &fixture->lock);
    *state = fixture;
    return fixture->api == NULL ? -1 : 0;
}

int api_fixture_stop(void **state)
{
    api_fixture_t *fixture = *state;
    void *home_state = fixture->home;

    http_api_stop(fixture->api);
    pthread_mutex_destroy(&fixture->lock);
    test_home_teardown(&home_state);
    hb_dashboard_token_reset();
    free(fixture);
    return 0;
}

static void lock_mutex(void *mutex)
{
    pthread_mutex_lock(mutex);
}

static void unlock_mutex(void *mutex)
{
    pthread_mutex_unlock(mutex);
}

hb_lock_t api_fixture_lock(api_fixture_t *fixture)
{
    hb_lock_t lock = { .acquire = lock_mutex, .release = unlock_mutex, .ctx = &fixture->lock };

    return lock;
}

int64_t test_monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

int64_t test_time_status_request(uint16_t port, int timeout_ms, char *response, size_t response_cap)
{
    int64_t started = test_monotonic_ms();
    int fd = test_connect_local(port);
    struct timeval timeout = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    size_t len = 0;
    ssize_t received;

    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout), 0);
    assert_int_equal(send(fd, STATUS_REQUEST, strlen(STATUS_REQUEST), 0), (ssize_t)strlen(STATUS_REQUEST));
    while (len + 1 < response_cap && (received = recv(fd, response + len, response_cap - 1 - len, 0)) > 0) {
        len += (size_t)received;
    }
    response[len] = '\0';
    close(fd);
    return test_monotonic_ms() - started;
}
