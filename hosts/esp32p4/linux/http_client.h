/* A small HTTP/1.1 client over plain sockets: the Linux uplink transport.
 *
 * Limits: http:// only (no TLS), an IPv4 address or a name that getaddrinfo resolves, one request
 * per connection (Connection: close), and HTTP_CLIENT_TIMEOUT_MS for connecting and for each read
 * or write. */
#ifndef HTTP_CLIENT_H
#define HTTP_CLIENT_H

#include "uplink.h"

#define HTTP_CLIENT_TIMEOUT_MS 5000

/* The uplink_transport_t post function; `ctx` is unused. */
int http_client_post(void *ctx, const char *url, const uplink_header_t *headers,
                     size_t header_count, const char *body, size_t body_len, int *http_status);

#endif
