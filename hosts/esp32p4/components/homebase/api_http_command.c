/* POST /api/v1/command: reads the request (body at most COMMANDS_BODY_MAX bytes), runs
 * commands_handle under the home base's lock, and sends its response, errors as
 * application/problem+json with the central server's codes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_http_internal.h"

/* The request target: the path and its query string, as the signature covers it. */
#define TARGET_MAX 300

static int send_too_large(const api_responder_t *responder)
{
    char detail[64];

    snprintf(detail, sizeof detail, "body exceeds max %u bytes", (unsigned)COMMANDS_BODY_MAX);
    return api_http_send_problem_status(responder, 413, "BODY_TOO_LARGE", detail);
}

/* Reads the body; returns 0, or the status of the problem it sent. */
static int read_command_body(const api_context_t *context, const api_request_t *request,
                             const api_responder_t *responder, uint8_t **body, size_t *len)
{
    switch (api_http_read_body(context, request, COMMANDS_BODY_MAX, body, len)) {
    case API_BODY_OK:
        return 0;
    case API_BODY_TOO_LARGE:
        return send_too_large(responder);
    case API_BODY_SHORT:
        return api_http_send_problem_status(responder, 400, "BAD_REQUEST",
                                            "body ended before its Content-Length");
    case API_BODY_TIMED_OUT:
        return api_http_send_body_timeout(context, responder);
    default:
        return api_http_send_problem_status(responder, 500, "INTERNAL", "out of memory for the body");
    }
}

/* Runs the command under the lock and sends its response. Returns the status sent. */
static int run_command(api_context_t *context, const api_request_t *request,
                       const api_responder_t *responder, const char *target, const uint8_t *body,
                       size_t len)
{
    commands_response_t response;
    commands_request_t command = {
        .method = request->method,
        .target = target,
        .key_id = request->header(request->binding, "X-Mesh-Key-Id"),
        .timestamp = request->header(request->binding, "X-Mesh-Timestamp"),
        .nonce = request->header(request->binding, "X-Mesh-Nonce"),
        .signature = request->header(request->binding, "X-Mesh-Signature"),
        .body = body,
        .body_len = len,
    };

    api_http_lock(context);
    commands_handle(context->commands, &command, &response);
    api_http_unlock(context);

    if (response.http_status >= 400) {
        return api_http_send_problem_status(responder, response.http_status, response.code,
                                            response.detail);
    }
    return api_http_send(responder, response.http_status, "application/json", response.json,
                         strlen(response.json));
}

int api_http_command(api_context_t *context, const api_request_t *request,
                     const api_responder_t *responder)
{
    char target[TARGET_MAX];
    uint8_t *body = NULL;
    size_t len = 0;
    bool ready;
    int status;

    api_http_lock(context);
    ready = context->commands != NULL;
    api_http_unlock(context);
    if (!ready) {
        return api_http_not_found(context, request, responder);
    }
    if (strcmp(request->method, "POST") != 0) {
        return api_http_send_method_not_allowed(responder, "POST");
    }
    if (request->content_length > (long long)COMMANDS_BODY_MAX) {
        return send_too_large(responder);
    }
    if (!api_http_is_json_type(request->header(request->binding, "Content-Type"))) {
        return api_http_send_problem_status(responder, 415, "UNSUPPORTED_MEDIA_TYPE",
                                            "body must be application/json");
    }
    status = read_command_body(context, request, responder, &body, &len);
    if (status != 0) {
        return status;
    }

    if (snprintf(target, sizeof target, "%s%s%s", request->path, request->query != NULL ? "?" : "",
                 request->query != NULL ? request->query : "") >= (int)sizeof target) {
        status = api_http_send_problem_status(responder, 401, "SIGNATURE_REQUIRED",
                                              "request target is too long to be signed");
    } else {
        status = run_command(context, request, responder, target, body, len);
    }
    free(body);
    return status;
}
