#include "api_http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api_http_internal.h"
#include "api_problem.h"
#include "dashboard_token.h"
#include "hb_hex.h"

const api_route_t api_http_routes[API_HTTP_ROUTE_COUNT] = {
    { "/api/v1/status", false, api_http_status },
    { "/api/v1/devices", false, api_http_devices },
    { "/api/v1/logs", false, api_http_logs },
    { "/api/v1/oled.png", false, api_http_oled },
    { "/healthz", false, api_http_health },
    { "/api/v1/command", false, api_http_command },
    { "/api/v1/media", false, api_http_media_post },
    { "/api/v1/media/", true, api_http_media_get },
};

void api_http_lock(api_context_t *context)
{
    context->lock.acquire(context->lock.ctx);
}

void api_http_unlock(api_context_t *context)
{
    context->lock.release(context->lock.ctx);
}

int api_http_dispatch(api_context_t *context, const api_request_t *request,
                      const api_responder_t *responder)
{
    for (size_t i = 0; i < API_HTTP_ROUTE_COUNT; i++) {
        const api_route_t *route = &api_http_routes[i];
        bool matches = route->prefix ? strncmp(request->path, route->path, strlen(route->path)) == 0
                                     : strcmp(request->path, route->path) == 0;

        if (matches) {
            return route->handle(context, request, responder);
        }
    }
    return api_http_not_found(context, request, responder);
}

int api_http_not_found(api_context_t *context, const api_request_t *request,
                       const api_responder_t *responder)
{
    (void)context;
    (void)request;
    return api_http_send_problem(responder, "NOT_FOUND", "no route for this method and path");
}

int api_http_send(const api_responder_t *responder, int status, const char *content_type,
                  const void *body, size_t len)
{
    api_response_head_t head = { .status = status, .content_type = content_type };

    responder->send(responder->binding, &head, body, len);
    return status;
}

/* Sends the problem of `code` with `status` and the head fields already set in `head`. */
static int send_problem_head(const api_responder_t *responder, api_response_head_t *head, int status,
                             const char *code, const char *detail)
{
    char body[API_PROBLEM_MAX_LEN + 1];

    head->content_type = "application/problem+json";
    head->status = api_problem_render_status(status, code, detail, body);
    /* RFC 9110 section 15.5.2: a 401 response carries a challenge. */
    head->www_authenticate = head->status == 401 ? "Bearer" : NULL;
    responder->send(responder->binding, head, body, strlen(body));
    return head->status;
}

int api_http_send_problem_status(const api_responder_t *responder, int status, const char *code,
                                 const char *detail)
{
    api_response_head_t head = { 0 };

    return send_problem_head(responder, &head, status, code, detail);
}

int api_http_send_problem(const api_responder_t *responder, const char *code, const char *detail)
{
    return api_http_send_problem_status(responder, api_problem_status(code), code, detail);
}

int api_http_send_method_not_allowed(const api_responder_t *responder, const char *method)
{
    char detail[64];
    /* RFC 9110 section 15.5.6: a 405 response lists the methods the path takes. */
    api_response_head_t head = { .allow = method };

    snprintf(detail, sizeof detail, "only %s is allowed on this path", method);
    return send_problem_head(responder, &head, 405, "METHOD_NOT_ALLOWED", detail);
}

int api_http_require_method(const api_request_t *request, const api_responder_t *responder,
                            const char *method)
{
    if (strcmp(request->method, method) == 0) {
        return 0;
    }
    return api_http_send_method_not_allowed(responder, method);
}

int api_http_send_body_timeout(const api_context_t *context, const api_responder_t *responder)
{
    char detail[64];

    snprintf(detail, sizeof detail, "the body did not arrive within %u ms",
             (unsigned)api_http_body_deadline_ms(context));
    return api_http_send_problem(responder, "REQUEST_TIMEOUT", detail);
}

int api_http_require_token(api_context_t *context, const api_request_t *request,
                           const api_responder_t *responder)
{
    const char *authorization = request->header(request->binding, "Authorization");
    int result;

    api_http_lock(context);
    result = hb_dashboard_token_check(authorization);
    api_http_unlock(context);

    switch (result) {
    case HB_DASHBOARD_TOKEN_OK:
        return 0;
    case HB_DASHBOARD_TOKEN_NOT_SET:
        return api_http_send_problem(responder, "DASHBOARD_TOKEN_NOT_SET",
                                     "the central server has not sent set_dashboard_token yet");
    case HB_DASHBOARD_TOKEN_WRONG:
        return api_http_send_problem(responder, "AUTH_FAILED",
                                     "bearer token is not the dashboard token");
    default:
        return api_http_send_problem(responder, "AUTH_REQUIRED",
                                     "send Authorization: Bearer <dashboard token>");
    }
}

bool api_http_is_json_type(const char *content_type)
{
    static const char json[] = "application/json";
    char after;

    if (content_type == NULL || strncasecmp(content_type, json, sizeof json - 1) != 0) {
        return false;
    }
    after = content_type[sizeof json - 1];
    return after == '\0' || after == ';' || after == ' ';
}

/* Decodes %XX escapes, and '+' as a space (RFC 3986 section 2.1, HTML form encoding). Returns false
 * when an escape is malformed or decodes to NUL, or the result does not fit `cap` bytes. */
static bool decode(const char *text, size_t len, char *out, size_t cap)
{
    size_t at = 0;

    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)text[i];

        if (c == '%') {
            int high = i + 2 < len ? hb_hex_digit_value(text[i + 1]) : -1;
            int low = i + 2 < len ? hb_hex_digit_value(text[i + 2]) : -1;

            if (high < 0 || low < 0) {
                return false;
            }
            c = high * 16 + low;
            i += 2;
        } else if (c == '+') {
            c = ' ';
        }
        if (c == '\0' || at + 1 >= cap) {
            return false;
        }
        out[at++] = (char)c;
    }
    if (cap == 0) {
        return false;
    }
    out[at] = '\0';
    return true;
}

api_query_result_t api_http_query_value(const char *query, const char *name, char *out, size_t cap)
{
    size_t name_len = strlen(name);
    const char *at = query;

    /* Pairs are name=value separated by '&'; the first pair with the name counts. */
    while (at != NULL && *at != '\0') {
        const char *end = strchr(at, '&');
        size_t pair_len = end != NULL ? (size_t)(end - at) : strlen(at);

        if (pair_len >= name_len && strncmp(at, name, name_len) == 0 &&
            (pair_len == name_len || at[name_len] == '=')) {
            if (pair_len == name_len) {
                return API_QUERY_INVALID;
            }
            return decode(at + name_len + 1, pair_len - name_len - 1, out, cap)
                       ? API_QUERY_FOUND : API_QUERY_INVALID;
        }
        at = end != NULL ? end + 1 : NULL;
    }
    return API_QUERY_ABSENT;
}
