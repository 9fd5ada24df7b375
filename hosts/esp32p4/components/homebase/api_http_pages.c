/* The reading pages of the local API (status, devices, the OLED image, health) and POST
 * /api/v1/logs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_http_internal.h"
#include "api_logs.h"
#include "oled_png.h"
#include "oled_screen.h"
#include "status.h"

#define STRINGIFY_VALUE(x) #x
#define STRINGIFY(x) STRINGIFY_VALUE(x)

typedef char *(*render_fn)(homebase_t *homebase);

/* Renders one JSON page under the lock: GET with the dashboard token only. */
static int serve_json(api_context_t *context, const api_request_t *request,
                      const api_responder_t *responder, render_fn render)
{
    char *json;
    int refused = api_http_require_method(request, responder, "GET");

    if (refused == 0) {
        refused = api_http_require_token(context, request, responder);
    }
    if (refused != 0) {
        return refused;
    }

    api_http_lock(context);
    json = render(context->homebase);
    api_http_unlock(context);

    if (json == NULL) {
        return api_http_send_problem(responder, "CORE_UNAVAILABLE", "status could not be rendered");
    }
    api_http_send(responder, 200, "application/json", json, strlen(json));
    free(json);
    return 200;
}

int api_http_status(api_context_t *context, const api_request_t *request,
                    const api_responder_t *responder)
{
    return serve_json(context, request, responder, status_render);
}

int api_http_devices(api_context_t *context, const api_request_t *request,
                     const api_responder_t *responder)
{
    return serve_json(context, request, responder, status_render_devices);
}

int api_http_logs(api_context_t *context, const api_request_t *request,
                  const api_responder_t *responder)
{
    static char answer[API_LOGS_RESPONSE_MAX_LEN + 1];
    char detail[96];
    uint8_t *body = NULL;
    size_t len = 0;
    int status = api_http_require_method(request, responder, "POST");

    if (status != 0) {
        return status;
    }
    if (!api_http_is_json_type(request->header(request->binding, "Content-Type"))) {
        return api_http_send_problem(responder, "UNSUPPORTED_MEDIA_TYPE",
                                     "Content-Type must be application/json");
    }
    switch (api_http_read_body(context, request, API_LOGS_BODY_MAX_LEN, &body, &len)) {
    case API_BODY_OK:
        break;
    case API_BODY_TOO_LARGE:
        snprintf(detail, sizeof detail, "body exceeds max %u bytes", (unsigned)API_LOGS_BODY_MAX_LEN);
        return api_http_send_problem(responder, "BODY_TOO_LARGE", detail);
    case API_BODY_SHORT:
        return api_http_send_problem(responder, "BAD_REQUEST", "body ended before its Content-Length");
    case API_BODY_TIMED_OUT:
        return api_http_send_body_timeout(context, responder);
    default:
        return api_http_send_problem(responder, "INTERNAL", "out of memory for the body");
    }

    /* `answer` is shared, so it is filled and sent under the lock. */
    api_http_lock(context);
    status = api_logs_post(context->homebase, (const char *)body, len, answer);
    api_http_send(responder, status, status == 200 ? "application/json" : "application/problem+json",
                  answer, strlen(answer));
    api_http_unlock(context);
    free(body);
    return status;
}

/* Reads ?scale=N, N a decimal integer from 1 to OLED_PNG_SCALE_MAX (docs/homebase-api.yaml).
 * Returns OLED_PNG_DEFAULT_SCALE without the parameter and 0 for any other value: out of range,
 * overlong, signed, empty or not digits. */
static unsigned read_scale(const char *query)
{
    char text[8];
    unsigned scale = 0;

    switch (api_http_query_value(query, "scale", text, sizeof text)) {
    case API_QUERY_ABSENT:
        return OLED_PNG_DEFAULT_SCALE;
    case API_QUERY_FOUND:
        break;
    default:
        return 0;
    }
    /* Digits only, because strtoul would also take a sign and leading spaces. The bound check per
     * digit keeps the value from growing past OLED_PNG_SCALE_MAX. */
    for (size_t i = 0; text[i] != '\0'; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return 0;
        }
        scale = scale * 10 + (unsigned)(text[i] - '0');
        if (scale > OLED_PNG_SCALE_MAX) {
            return 0;
        }
    }
    return scale;
}

int api_http_oled(api_context_t *context, const api_request_t *request,
                  const api_responder_t *responder)
{
    oled_screen_t screen;
    oled_fb_t fb;
    uint8_t *png = NULL;
    size_t len = 0;
    unsigned scale;
    int refused = api_http_require_method(request, responder, "GET");

    if (refused == 0) {
        refused = api_http_require_token(context, request, responder);
    }
    if (refused != 0) {
        return refused;
    }
    scale = read_scale(request->query);
    if (scale == 0) {
        return api_http_send_problem(responder, "VALIDATION_FAILED",
                                     "query parameter scale must be 1 to " STRINGIFY(OLED_PNG_SCALE_MAX));
    }

    api_http_lock(context);
    oled_screen_collect(context->homebase, context->host,
                        context->storage_error != NULL ? context->storage_error(context->homebase) : NULL,
                        &screen);
    oled_screen_render(&fb, &screen);
    api_http_unlock(context);

    if (oled_png_encode(&fb, scale, &png, &len) != 0) {
        return api_http_send_problem(responder, "INTERNAL", "out of memory for the image");
    }
    api_http_send(responder, 200, "image/png", png, len);
    free(png);
    return 200;
}

int api_http_health(api_context_t *context, const api_request_t *request,
                    const api_responder_t *responder)
{
    static const char body[] = "{\"status\":\"ok\"}";
    int refused = api_http_require_method(request, responder, "GET");

    (void)context;
    if (refused != 0) {
        return refused;
    }
    return api_http_send(responder, 200, "application/json", body, sizeof body - 1);
}
