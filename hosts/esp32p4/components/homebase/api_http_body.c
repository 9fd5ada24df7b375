/* Bounded body reading for the handlers of api_http.h. */
#include <stdlib.h>

#include "api_http_internal.h"

api_body_result_t api_http_read_body(const api_request_t *request, size_t max_len, uint8_t **body,
                                     size_t *len)
{
    long long expected = request->content_length;
    size_t received = 0;
    size_t buffer_len;
    uint8_t *buffer;
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
     * long from one that just fits. With a Content-Length the reads stop there, so a keep-alive connection is
     * never read past its body. */
    while (received <= buffer_len && (expected < 0 || received < (size_t)expected)) {
        got = request->read(request->binding, buffer + received, buffer_len + 1 - received);
        if (got <= 0) {
            break;
        }
        received += (size_t)got;
    }
    if (received > max_len) {
        free(buffer);
        return API_BODY_TOO_LARGE;
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
