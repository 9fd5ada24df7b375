#include "signed_request.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"
#include "uplink.h"

static bool problem(signed_request_problem_t *out, int http_status, const char *code,
                    const char *detail)
{
    out->http_status = http_status;
    snprintf(out->code, sizeof out->code, "%s", code);
    snprintf(out->detail, sizeof out->detail, "%s", detail);
    return false;
}

bool signed_request_present(const signed_request_t *request)
{
    return request->key_id != NULL || request->timestamp != NULL || request->nonce != NULL ||
           request->signature != NULL;
}

/* Builds the canonical text of docs/protocol.md section 2. Returns its length, or 0 when a header
 * is missing or the text does not fit. */
static size_t canonical_text(const signed_request_t *request, char *out, size_t cap)
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    char digest_hex[2 * crypto_hash_sha256_BYTES + 1];
    int len;

    if (request->key_id == NULL || request->timestamp == NULL || request->nonce == NULL) {
        return 0;
    }
    crypto_hash_sha256(digest, request->body, request->body_len);
    hb_hex_encode(digest, sizeof digest, digest_hex);
    len = snprintf(out, cap, "%s\n%s\n%s\n%s\n%s\n%s", request->method, request->target,
                   request->key_id, request->timestamp, request->nonce, digest_hex);
    return len > 0 && (size_t)len < cap ? (size_t)len : 0;
}

/* Maps a failed request_accept to its problem. */
static bool reject(core_t *core, int32_t status, signed_request_problem_t *out)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    switch (status) {
    case CORE_REQUEST_UNKNOWN_KEY:
        return problem(out, 401, "UNKNOWN_KEY", "key id is not this network's id");
    case CORE_REQUEST_BAD_FORM:
        return problem(out, 401, "SIGNATURE_REQUIRED", "signed request headers are malformed");
    case CORE_NONCE_CACHE_FULL:
        return problem(out, 503, core_status_name(core, status, name),
                       "every cached nonce is still live; retry later");
    case CORE_SIGNATURE_INVALID:
    case CORE_SIGNATURE_NONCANONICAL:
        return problem(out, 401, "SIGNATURE_INVALID",
                       "request signature does not verify under the network key");
    default:
        return problem(out, status == CORE_ENGINE_FAILED ? 500 : 401,
                       core_status_name(core, status, name), "request rejected");
    }
}

bool signed_request_accept(core_t *core, replay_store_t *store, const signed_request_t *request,
                           uint32_t now, signed_request_problem_t *out)
{
    char text[UPLINK_CANONICAL_LEN];
    uint8_t signature[CORE_SIGNATURE_LEN];
    size_t len = canonical_text(request, text, sizeof text);
    int32_t status;

    if (len == 0 || request->signature == NULL ||
        hb_hex_decode(request->signature, signature, sizeof signature) != 0) {
        return problem(out, 401, "SIGNATURE_REQUIRED", "X-Mesh-Key-Id, -Timestamp, -Nonce and "
                       "-Signature are required, the signature as 128 hex characters");
    }
    status = core_request_accept(core, text, len, signature, now);
    if (status != CORE_OK) {
        return reject(core, status, out);
    }

    /* docs/protocol.md section 10.3: the recorded nonce is on the card before the request acts. */
    if (store != NULL && replay_store_save_if_due(store, now) != 0) {
        return problem(out, 503, "STORAGE_FAILED", "replay state could not be written; retry later");
    }
    return true;
}
