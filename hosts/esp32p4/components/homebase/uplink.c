#include "uplink.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"
#include "hb_log.h"

/* The signed message: a 20-byte context string and the canonical text of at most
 * UPLINK_CANONICAL_LEN bytes (docs/protocol.md section 2). */
#define SIGNED_MESSAGE_MAX_LEN (20 + UPLINK_CANONICAL_LEN)
#define NONCE_BYTES 16

int uplink_init(uplink_t *uplink, core_t *core, const registry_t *registry, const hb_clock_t *clock,
                uplink_transport_t transport)
{
    const char *url = registry->central_url;
    const char *authority = strstr(url, "://");
    const char *path;
    size_t base_len = strlen(url);

    memset(uplink, 0, sizeof *uplink);
    uplink->core = core;
    uplink->registry = registry;
    uplink->clock = clock;
    uplink->transport = transport;
    if (authority == NULL) {
        return -1;
    }

    /* A trailing slash on the URL would double the one that starts the path. */
    while (base_len > 0 && url[base_len - 1] == '/') {
        base_len--;
    }
    path = strchr(authority + 3, '/');
    if (path == NULL || path >= url + base_len) {
        path = url + base_len;
    }
    if ((size_t)(url + base_len - path) + sizeof UPLINK_INGEST_PATH > sizeof uplink->ingest_target) {
        return -1;
    }

    snprintf(uplink->ingest_url, sizeof uplink->ingest_url, "%.*s%s", (int)base_len, url,
             UPLINK_INGEST_PATH);
    snprintf(uplink->ingest_target, sizeof uplink->ingest_target, "%.*s%s",
             (int)(url + base_len - path), path, UPLINK_INGEST_PATH);
    return 0;
}

int32_t uplink_sign(uplink_t *uplink, const char *method, const char *target, const uint8_t *body,
                    size_t body_len, uplink_signature_t *out)
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    uint8_t nonce[NONCE_BYTES];
    uint8_t message[SIGNED_MESSAGE_MAX_LEN];
    uint8_t signature[crypto_sign_BYTES];
    int32_t message_len;
    int text_len;

    /* Fresh values for this attempt: the clock's time and 16 random bytes. */
    snprintf(out->timestamp, sizeof out->timestamp, "%u", (unsigned)hb_clock_now(uplink->clock));
    randombytes_buf(nonce, sizeof nonce);
    hb_hex_encode(nonce, sizeof nonce, out->nonce);
    crypto_hash_sha256(digest, body, body_len);
    hb_hex_encode(digest, sizeof digest, out->body_sha256);

    /* Six lines joined by \n, no final newline. */
    text_len = snprintf(out->canonical, sizeof out->canonical, "%s\n%s\n%s\n%s\n%s\n%s", method,
                        target, uplink->registry->key_id, out->timestamp, out->nonce,
                        out->body_sha256);
    if (text_len < 0 || (size_t)text_len >= sizeof out->canonical) {
        return CORE_INPUT_TOO_LONG;
    }
    out->canonical_len = (size_t)text_len;

    /* The core decides the bytes that are signed; the C only signs them. */
    message_len = core_request_signed_message(uplink->core, out->canonical, out->canonical_len,
                                              message, sizeof message);
    if (message_len < 0) {
        return message_len;
    }
    crypto_sign_detached(signature, NULL, message, (unsigned long long)message_len,
                         uplink->registry->secret_key);
    hb_hex_encode(signature, sizeof signature, out->signature);
    return CORE_OK;
}

int32_t uplink_request_sign(uplink_t *uplink, const char *url, const char *target, const char *body,
                            size_t body_len, uplink_request_t *out)
{
    char name[CORE_STATUS_NAME_MAX + 1];
    int32_t status;

    out->url = url;
    out->body = body;
    out->body_len = body_len;
    snprintf(out->key_id, sizeof out->key_id, "%s", uplink->registry->key_id);
    status = uplink_sign(uplink, "POST", target, (const uint8_t *)body, body_len, &out->signature);
    if (status != CORE_OK) {
        hb_log(HB_LOG_ERROR, "request not signed: target=%s reason=%s", target,
               core_status_name(uplink->core, status, name));
    }
    return status;
}

int uplink_request_post(const uplink_t *uplink, const uplink_request_t *request, int *http_status)
{
    const uplink_header_t headers[] = {
        { "Content-Type", "application/json" },
        { "X-Mesh-Key-Id", request->key_id },
        { "X-Mesh-Timestamp", request->signature.timestamp },
        { "X-Mesh-Nonce", request->signature.nonce },
        { "X-Mesh-Signature", request->signature.signature },
    };

    return uplink->transport.post(uplink->transport.ctx, request->url, headers,
                                  sizeof headers / sizeof headers[0], request->body,
                                  request->body_len, http_status);
}

int uplink_post_batch(uplink_t *uplink, const char *json, size_t len, int *http_status)
{
    uplink_request_t request;

    if (uplink_request_sign(uplink, uplink->ingest_url, uplink->ingest_target, json, len,
                            &request) != CORE_OK) {
        return -1;
    }
    return uplink_request_post(uplink, &request, http_status);
}
