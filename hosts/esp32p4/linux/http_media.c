#include "http_media.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard_token.h"
#include "hb_log.h"
#include "media_path.h"
#include "media_post.h"

#define MEDIA_ROUTE "/api/v1/media"
#define MEDIA_PREFIX "/api/v1/media/"

struct http_media {
    homebase_t *homebase;
    pthread_mutex_t *lock;
};

/* Writes an application/problem+json response (RFC 9457) with the central server's `code`. */
static int send_problem(struct mg_connection *connection, int status, const char *code,
                        const char *detail)
{
    char type[96];
    cJSON *body = cJSON_CreateObject();
    char *text;
    size_t i;

    snprintf(type, sizeof type, "https://homemesh.invalid/problems/%s", code);
    for (i = strlen("https://homemesh.invalid/problems/"); type[i] != '\0'; i++) {
        type[i] = type[i] == '_' ? '-' : (char)(type[i] >= 'A' && type[i] <= 'Z' ? type[i] + 32 : type[i]);
    }
    cJSON_AddStringToObject(body, "type", type);
    cJSON_AddStringToObject(body, "title", detail);
    cJSON_AddNumberToObject(body, "status", status);
    cJSON_AddStringToObject(body, "code", code);
    cJSON_AddStringToObject(body, "detail", detail);
    text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);

    mg_printf(connection,
              "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\n%sConnection: close\r\n\r\n%s",
              status, mg_get_response_code_text(connection, status), text != NULL ? strlen(text) : 0,
              status == 401 ? "WWW-Authenticate: Bearer\r\n" : "", text != NULL ? text : "");
    free(text);
    return status;
}

/* Reads a body of exactly Content-Length bytes into a buffer from malloc. Returns 0, or the HTTP
 * status of the problem it already sent. */
static int read_body(struct mg_connection *connection, uint8_t **body, size_t *len)
{
    const struct mg_request_info *request = mg_get_request_info(connection);
    long long expected = request->content_length;
    size_t received = 0;
    uint8_t *buffer;

    if (expected < 0) {
        return send_problem(connection, 400, "VALIDATION_FAILED", "Content-Length is required");
    }
    if (expected > (long long)MEDIA_CONTENT_MAX_BYTES) {
        return send_problem(connection, 413, "BODY_TOO_LARGE",
                            "the content exceeds the home base's media limit of 1048576 bytes");
    }
    buffer = malloc(expected > 0 ? (size_t)expected : 1);
    if (buffer == NULL) {
        return send_problem(connection, 500, "INTERNAL", "out of memory");
    }
    while (received < (size_t)expected) {
        int got = mg_read(connection, buffer + received, (size_t)expected - received);

        if (got <= 0) {
            free(buffer);
            return send_problem(connection, 400, "VALIDATION_FAILED",
                                "the body ended before Content-Length bytes");
        }
        received += (size_t)got;
    }
    *body = buffer;
    *len = received;
    return 0;
}

static int handle_post(struct mg_connection *connection, http_media_t *media)
{
    media_post_result_t result;
    uint8_t *body = NULL;
    size_t len = 0;
    char response[200];
    int problem = read_body(connection, &body, &len);

    if (problem != 0) {
        return problem;
    }
    pthread_mutex_lock(media->lock);
    media_post(media->homebase, mg_get_header(connection, "X-Mesh-Manifest"), body, len, &result);
    pthread_mutex_unlock(media->lock);
    free(body);

    if (result.http_status != 201) {
        return send_problem(connection, result.http_status, result.code, result.detail);
    }
    snprintf(response, sizeof response, "{\"path\":\"%s\",\"size\":%u}", result.stored.path,
             (unsigned)result.stored.size);
    mg_printf(connection,
              "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
              strlen(response), response);
    return 201;
}

static int handle_get(struct mg_connection *connection, http_media_t *media, const char *path)
{
    const char *authorization = mg_get_header(connection, "Authorization");
    const char *extension = NULL;
    uint8_t *content = NULL;
    size_t len = 0;
    int result = STORAGE_ERR_NOT_FOUND;

    switch (hb_dashboard_token_check(authorization)) {
    case HB_DASHBOARD_TOKEN_OK:
        break;
    case HB_DASHBOARD_TOKEN_NOT_SET:
        return send_problem(connection, 503, "DASHBOARD_TOKEN_NOT_SET",
                            "the central server has not sent set_dashboard_token yet");
    case HB_DASHBOARD_TOKEN_WRONG:
        return send_problem(connection, 401, "AUTH_FAILED", "the dashboard token is invalid");
    default:
        return send_problem(connection, 401, "AUTH_REQUIRED",
                            "Authorization: Bearer <dashboard token> is required");
    }

    /* Only a path of the stored form reaches the card; anything else is simply not found. */
    if (media_path_parse(path, &extension) && media->homebase->media != NULL) {
        pthread_mutex_lock(media->lock);
        result = storage_read(media->homebase->media->storage, STORAGE_AREA_MEDIA, path, &content,
                              &len, MEDIA_CONTENT_MAX_BYTES);
        pthread_mutex_unlock(media->lock);
    }
    if (result != STORAGE_OK) {
        return send_problem(connection, 404, "NOT_FOUND", "no stored media has this path");
    }

    mg_printf(connection,
              "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: private, max-age=86400\r\nX-Content-Type-Options: nosniff\r\n"
              "Connection: close\r\n\r\n",
              media_type_for_extension(extension), len);
    mg_write(connection, content, len);
    free(content);
    return 200;
}

static int handle_media(struct mg_connection *connection, void *data)
{
    const struct mg_request_info *request = mg_get_request_info(connection);
    /* The decoded path before civetweb removes dot segments, so "/api/v1/media/../x" is seen as
     * sent and rejected by the path rule rather than rewritten. */
    const char *uri = request->local_uri_raw != NULL ? request->local_uri_raw : request->local_uri;
    const char *method = request->request_method;

    if (strcmp(uri, MEDIA_ROUTE) == 0) {
        return strcmp(method, "POST") == 0
                   ? handle_post(connection, data)
                   : send_problem(connection, 405, "METHOD_NOT_ALLOWED", "only POST is allowed");
    }
    if (strncmp(uri, MEDIA_PREFIX, strlen(MEDIA_PREFIX)) == 0) {
        return strcmp(method, "GET") == 0
                   ? handle_get(connection, data, uri + strlen(MEDIA_PREFIX))
                   : send_problem(connection, 405, "METHOD_NOT_ALLOWED", "only GET is allowed");
    }
    return send_problem(connection, 404, "NOT_FOUND", "no route for this path");
}

http_media_t *http_media_register(struct mg_context *context, homebase_t *homebase,
                                  pthread_mutex_t *lock)
{
    http_media_t *media = calloc(1, sizeof *media);

    if (media == NULL) {
        return NULL;
    }
    media->homebase = homebase;
    media->lock = lock;
    mg_set_request_handler(context, MEDIA_ROUTE, handle_media, media);
    return media;
}

void http_media_free(http_media_t *media)
{
    free(media);
}
