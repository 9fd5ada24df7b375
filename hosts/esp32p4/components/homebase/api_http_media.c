/* POST /api/v1/media and GET /api/v1/media/{path} (docs/protocol.md section 1.8,
 * docs/sd-layout.md).
 *
 * Limits: GET reads the whole file into memory before it sends it, so a response costs up to
 * MEDIA_CONTENT_MAX_BYTES of heap (PSRAM on the ESP32-P4) while it is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_http_internal.h"
#include "media_access.h"
#include "media_path.h"
#include "media_post.h"

/* Reads a body of exactly Content-Length bytes. Returns 0, or the status of the problem it sent. */
static int read_media_body(const api_context_t *context, const api_request_t *request,
                           const api_responder_t *responder, uint8_t **body, size_t *len)
{
    char detail[96];

    if (request->content_length < 0) {
        return api_http_send_problem_status(responder, 400, "VALIDATION_FAILED",
                                            "Content-Length is required");
    }
    switch (api_http_read_body(context, request, MEDIA_CONTENT_MAX_BYTES, body, len)) {
    case API_BODY_OK:
        return 0;
    case API_BODY_TOO_LARGE:
        snprintf(detail, sizeof detail, "the content exceeds the home base's media limit of %u bytes",
                 (unsigned)MEDIA_CONTENT_MAX_BYTES);
        return api_http_send_problem_status(responder, 413, "BODY_TOO_LARGE", detail);
    case API_BODY_SHORT:
        return api_http_send_problem_status(responder, 400, "VALIDATION_FAILED",
                                            "the body ended before Content-Length bytes");
    case API_BODY_TIMED_OUT:
        return api_http_send_body_timeout(context, responder);
    default:
        return api_http_send_problem_status(responder, 500, "INTERNAL", "out of memory");
    }
}

int api_http_media_post(api_context_t *context, const api_request_t *request,
                        const api_responder_t *responder)
{
    media_post_result_t result;
    uint8_t *body = NULL;
    size_t len = 0;
    char answer[200];
    int problem;

    if (strcmp(request->method, "POST") != 0) {
        return api_http_send_method_not_allowed(responder, "POST");
    }
    problem = read_media_body(context, request, responder, &body, &len);
    if (problem != 0) {
        return problem;
    }

    api_http_lock(context);
    media_post(context->homebase, request->header(request->binding, "X-Mesh-Manifest"), body, len,
               &result);
    api_http_unlock(context);
    free(body);

    if (result.http_status != 201) {
        return api_http_send_problem_status(responder, result.http_status, result.code, result.detail);
    }
    snprintf(answer, sizeof answer, "{\"path\":\"%s\",\"size\":%u}", result.stored.path,
             (unsigned)result.stored.size);
    return api_http_send(responder, 201, "application/json", answer, strlen(answer));
}

int api_http_media_get(api_context_t *context, const api_request_t *request,
                       const api_responder_t *responder)
{
    const char *path = request->path + strlen("/api/v1/media/");
    const char *extension = NULL;
    api_response_head_t head = { .status = 200, .cache_control = "private, max-age=86400",
                                 .nosniff = true };
    uint8_t *content = NULL;
    size_t len = 0;
    int result = STORAGE_ERR_NOT_FOUND;
    signed_request_problem_t refused;
    const media_access_request_t access = {
        .method = request->method,
        .path = request->path,
        .query = request->query,
        .authorization = request->header(request->binding, "Authorization"),
        .key_id = request->header(request->binding, "X-Mesh-Key-Id"),
        .timestamp = request->header(request->binding, "X-Mesh-Timestamp"),
        .nonce = request->header(request->binding, "X-Mesh-Nonce"),
        .signature = request->header(request->binding, "X-Mesh-Signature"),
    };
    bool allowed;

    if (strcmp(request->method, "GET") != 0) {
        return api_http_send_method_not_allowed(responder, "GET");
    }
    api_http_lock(context);
    allowed = media_access_allowed(context->homebase, &access, &refused);
    api_http_unlock(context);
    if (!allowed) {
        return api_http_send_problem_status(responder, refused.http_status, refused.code, refused.detail);
    }

    /* Only a path of the stored form reaches the card; anything else is simply not found. */
    if (media_path_parse(path, &extension)) {
        api_http_lock(context);
        if (context->homebase->media != NULL) {
            result = storage_read(context->homebase->media->storage, STORAGE_AREA_MEDIA, path,
                                  &content, &len, MEDIA_CONTENT_MAX_BYTES);
        }
        api_http_unlock(context);
    }
    if (result != STORAGE_OK) {
        return api_http_send_problem_status(responder, 404, "NOT_FOUND", "no stored media has this path");
    }

    head.content_type = media_type_for_extension(extension);
    responder->send(responder->binding, &head, content, len);
    free(content);
    return 200;
}
