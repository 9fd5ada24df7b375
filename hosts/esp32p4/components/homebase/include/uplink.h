/* The uplink: signed HTTP requests to the central server (docs/protocol.md section 2).
 *
 * Every attempt is signed afresh, with a new timestamp from the clock and a new 16-byte nonce from
 * randombytes_buf. The core builds the signed message from the canonical text (which carries the
 * SHA-256 of the exact body), and libsodium signs it with the home base's key. The HTTP exchange itself goes
 * through a transport, so the Linux build and ESP-IDF (esp_http_client) plug in their own. */
#ifndef UPLINK_H
#define UPLINK_H

#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "registry.h"

#define UPLINK_INGEST_PATH "/logs/ingest"
#define UPLINK_TARGET_LEN 320
#define UPLINK_CANONICAL_LEN 512

typedef struct {
    const char *name;
    const char *value;
} uplink_header_t;

typedef struct {
    /* POSTs `body` (JSON) to `url` with `headers`. Returns 0 and sets *http_status when a response
     * arrived, or -1 when none did (connection refused, timed out, malformed response). It runs
     * without the home base lock (uplink_request_post), so it must not touch the home base. */
    int (*post)(void *ctx, const char *url, const uplink_header_t *headers, size_t header_count,
                const char *body, size_t body_len, int *http_status);
    void *ctx;
} uplink_transport_t;

/* The four X-Mesh-* header values of one attempt, and the canonical text they were signed over. */
typedef struct {
    char timestamp[11];
    char nonce[33];
    char body_sha256[65];
    char signature[129];
    char canonical[UPLINK_CANONICAL_LEN];
    size_t canonical_len;
} uplink_signature_t;

/* One signed attempt, signed under the home base lock and posted without it. It holds copies of
 * everything the post sends, so the post reads neither the core, the registry nor the clock. */
typedef struct {
    /* The uplink's or an outbox's URL, which lives as long as the home base. */
    const char *url;
    /* The caller's body, which must stay unchanged until the post returns. */
    const char *body;
    size_t body_len;
    char key_id[REGISTRY_KEY_ID_LEN];
    uplink_signature_t signature;
} uplink_request_t;

typedef struct {
    core_t *core;
    const registry_t *registry;
    const hb_clock_t *clock;
    uplink_transport_t transport;
    char ingest_url[REGISTRY_URL_LEN + sizeof UPLINK_INGEST_PATH];
    char ingest_target[UPLINK_TARGET_LEN];
} uplink_t;

/* Works out the ingest URL and request target from the registry's central_url (scheme://authority
 * with an optional path prefix). Returns 0, or -1 when the URL has no "://" or its path is too long. */
int uplink_init(uplink_t *uplink, core_t *core, const registry_t *registry, const hb_clock_t *clock,
                uplink_transport_t transport);

/* Signs one attempt of `method` `target` with `body`. Returns 0, or a negative core status when the
 * core rejects the canonical text's form. */
int32_t uplink_sign(uplink_t *uplink, const char *method, const char *target, const uint8_t *body,
                    size_t body_len, uplink_signature_t *out);

/* Signs one attempt of POST `url` (request target `target`) with `body` into `out`, through the
 * core, so the caller holds the home base lock. Returns 0, or a negative core status when the core
 * rejects the canonical text's form (the failure is logged). */
int32_t uplink_request_sign(uplink_t *uplink, const char *url, const char *target, const char *body,
                            size_t body_len, uplink_request_t *out);

/* Posts a signed attempt through the transport. Reads only `request` and the transport, so it runs
 * without the home base lock and may wait up to the transport's timeouts. Returns what the
 * transport returns: 0 with *http_status set, or -1 when no response arrived. */
int uplink_request_post(const uplink_t *uplink, const uplink_request_t *request, int *http_status);

/* POSTs a sealed batch to /logs/ingest (uplink_request_sign, then uplink_request_post). Returns 0 and sets *http_status when a response arrived
 * (the caller decides what the status means), or -1 when signing failed or no response arrived. */
int uplink_post_batch(uplink_t *uplink, const char *json, size_t len, int *http_status);

#endif
