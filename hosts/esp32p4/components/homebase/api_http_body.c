/* Bounded body reading for the handlers of api_http.h: a size bound and a deadline. */
#include <stdlib.h>
#include <time.h>

#include "api_http_internal.h"

/* picolibc on bare metal, which the rv32 target build compiles this file with, has no monotonic
 * clock and leaves CLOCK_MONOTONIC undefined. No program of that build runs the handlers. */
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC CLOCK_REALTIME
#endif

/* Milliseconds on the monotonic clock. The deadline bounds how long a client holds a worker in real
 * time, so it does not follow the home base's injected clock (hb_clock.h). ESP-IDF's newlib provides
 * CLOCK_MONOTONIC too. */
static int64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

uint32_t api_http_body_deadline_ms(const api_context_t *context)
{
    return context->body_deadline_ms != 0 ? context->body_deadline_ms : API_HTTP_BODY_DEADLINE_MS;
}

api_body_result_t api_http_read_body(const api_context_t *context, const api_request_t *request,
                                     size_t max_len, uint8_t **body, size_t *len)
{
    long long expected = request->content_length;
    /* Taken before the first read, so the wait for the first byte counts too. A client gets its
     * response at most the deadline plus one read timeout after the handler began
     * (test_http_slow_body.c). */
    int64_t deadline = monotonic_ms() + api_http_body_deadline_ms(context);
    size_t received = 0;
    size_t buffer_len;
    uint8_t *buffer;
    bool timed_out = false;
    int got = 1;

    *body = NULL;
    *len = 0;
    if (expected > (long long)max_len) {
        return API_BODY_TOO_LARGE;
    }
    /* With a Content-Length the buffer takes just the body, so a small body costs little memory. */
    buffer_len = expected >= 0 ? (size_t)expected : max_len;
    buffer = malloc(buffer_len + 2);
    if (buffer == NULL) {
        return API_BODY_NO_MEMORY;
    }

    /* Reading one byte more than allowed distinguishes a body without Content-Length that is too
     * long from one that just fits. With a Content-Length the reads stop there, so a keep-alive
     * connection is never read past its body. The bindings' read timeouts bound each read, not the
     * whole body, so the deadline is checked after every read: it stops a client that trickles. */
    while (received <= buffer_len && (expected < 0 || received < (size_t)expected)) {
        got = request->read(request->binding, buffer + received, buffer_len + 1 - received);
        if (got <= 0) {
            break;
        }
        received += (size_t)got;
        if (monotonic_ms() >= deadline && (expected < 0 || received < (size_t)expected)) {
            timed_out = true;
            break;
        }
    }
    if (received > max_len) {
        free(buffer);
        return API_BODY_TOO_LARGE;
    }
    if (timed_out) {
        free(buffer);
        return API_BODY_TIMED_OUT;
    }
    if ((expected >= 0 && received != (size_t)expected) || got < 0) {
        free(buffer);
        return API_BODY_SHORT;
    }
    buffer[received] = '\0';
    *body = buffer;
    *len = received;
    return API_BODY_OK;
}
