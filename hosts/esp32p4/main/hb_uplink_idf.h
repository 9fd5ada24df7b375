/* The uplink transport of the ESP-IDF app: the uplink_transport_t of uplink.h over esp_http_client,
 * as linux/http_client.c is for the simulator. http:// and https:// are both allowed; an https://
 * central server is checked against ESP-IDF's certificate bundle (CONFIG_MBEDTLS_CERTIFICATE_BUNDLE).
 *
 * One request per connection, with the timeout from Kconfig (Home base > uplink timeout) for each
 * network step. Redirects are not followed: a signed request names its target, so a redirect
 * counts as a response with its 3xx status. Only hardware on a network can show the TLS handshake
 * and the timeouts against a real central server. */
#ifndef HB_UPLINK_IDF_H
#define HB_UPLINK_IDF_H

#include <stdbool.h>
#include <stddef.h>

#include "uplink.h"

typedef struct {
    /* Called after every response, whatever its status: the OTA writer's first-contact hook
     * (hb_ota_writer_confirm). NULL for none. */
    void (*on_response)(void *ctx, int http_status);
    void *on_response_ctx;
} hb_uplink_idf_t;

/* The uplink_transport_t post function; `ctx` is an hb_uplink_idf_t or NULL. Returns 0 and sets
 * *http_status when a response arrived, or -1 when none did (the failure is logged). */
int hb_uplink_idf_post(void *ctx, const char *url, const uplink_header_t *headers,
                       size_t header_count, const char *body, size_t body_len, int *http_status);

/* A transport for uplink_init that posts through hb_uplink_idf_post with `uplink` as its context. */
uplink_transport_t hb_uplink_idf_transport(hb_uplink_idf_t *uplink);

#endif
