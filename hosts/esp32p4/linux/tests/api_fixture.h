/* The local API started in the test process on 127.0.0.1 over a test home base (support.h), for the
 * tests that talk HTTP or WebSocket to it, with helpers to time a request. */
#ifndef TEST_API_FIXTURE_H
#define TEST_API_FIXTURE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hb_lock.h"
#include "http_api.h"
#include "support.h"

typedef struct {
    test_home_t *home;
    pthread_mutex_t lock;
    uint16_t port;
    http_api_t *api;
} api_fixture_t;

/* Sets up a home base and starts the API on test_local_port(`port_slot`); with `set_token` it
 * provisions TEST_DASHBOARD_TOKEN first. A cmocka group setup: returns 0, or -1 on failure. */
int api_fixture_start(void **state, unsigned port_slot, bool set_token);

/* Stops the API, tears the home base down and resets the dashboard token. Returns 0. */
int api_fixture_stop(void **state);

/* The fixture's mutex as an hb_lock_t, for code that takes the home base lock itself. */
hb_lock_t api_fixture_lock(api_fixture_t *fixture);

/* Milliseconds on the monotonic clock, for timing a request. */
int64_t test_monotonic_ms(void);

/* Sends GET /api/v1/status with TEST_AUTHORIZATION and reads until the server closes the connection
 * or `timeout_ms` passes without data. Returns the milliseconds the exchange took; `response`
 * (`response_cap` bytes) contains what arrived, NUL-terminated. */
int64_t test_time_status_request(uint16_t port, int timeout_ms, char *response, size_t response_cap);

#endif
