#include "media_access.h"

#include <stdio.h>

#include "dashboard_token.h"

static bool problem(signed_request_problem_t *out, int http_status, const char *code,
                    const char *detail)
{
    out->http_status = http_status;
    snprintf(out->code, sizeof out->code, "%s", code);
    snprintf(out->detail, sizeof out->detail, "%s", detail);
    return false;
}

static bool check_dashboard_token(const char *authorization, signed_request_problem_t *out)
{
    switch (hb_dashboard_token_check(authorization)) {
    case HB_DASHBOARD_TOKEN_OK:
        return true;
    case HB_DASHBOARD_TOKEN_NOT_SET:
        return problem(out, 503, "DASHBOARD_TOKEN_NOT_SET",
                       "the central server has not sent set_dashboard_token yet");
    case HB_DASHBOARD_TOKEN_WRONG:
        return problem(out, 401, "AUTH_FAILED", "bearer token is not the dashboard token");
    default:
        return problem(out, 401, "AUTH_REQUIRED",
                       "send Authorization: Bearer <dashboard token>, or sign the request with the "
                       "network key");
    }
}

bool media_access_allowed(homebase_t *homebase, const media_access_request_t *request,
                          signed_request_problem_t *out)
{
    /* The signed target is the request target as sent: the path, then '?' and the query. */
    char target[UPLINK_TARGET_LEN];
    signed_request_t signed_request = {
        .method = request->method,
        .target = target,
        .key_id = request->key_id,
        .timestamp = request->timestamp,
        .nonce = request->nonce,
        .signature = request->signature,
        .body = (const uint8_t *)"",
        .body_len = 0,
    };
    int len;

    if (!signed_request_present(&signed_request)) {
        return check_dashboard_token(request->authorization, out);
    }
    len = snprintf(target, sizeof target, "%s%s%s", request->path, request->query != NULL ? "?" : "",
                   request->query != NULL ? request->query : "");
    if (len < 0 || (size_t)len >= sizeof target) {
        return problem(out, 401, "SIGNATURE_REQUIRED", "request target is too long to be signed");
    }
    return signed_request_accept(homebase->core, homebase->replay_store, &signed_request,
                                 hb_clock_now(homebase->clock), out);
}
