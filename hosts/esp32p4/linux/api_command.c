#include "api_command.h"

#include <cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api_problem.h"

/* The request target: the path and its query string, as section 2 signs it. */
#define TARGET_MAX 300

static void send_body(struct mg_connection *connection, int status, const char *type, const char *body)
{
    mg_printf(connection,
              "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nConnection: close\r\n\r\n%s",
              status, api_problem_reason(status), type, strlen(body), body);
}

/* Sends an RFC 9457 problem with the `code` member, as the central server's errors do. */
static void send_problem(struct mg_connection *connection, int status, const char *code,
                         const char *detail)
{
    char type[96];
    size_t i;
    cJSON *root = cJSON_CreateObject();
    char *text;

    snprintf(type, sizeof type, "https://homemesh.invalid/problems/%s", code);
    for (i = strlen("https://homemesh.invalid/problems/"); type[i] != '\0'; i++) {
        type[i] = type[i] == '_' ? '-' : (char)tolower((unsigned char)type[i]);
    }
    cJSON_AddStringToObject(root, "type", type);
    cJSON_AddStringToObject(root, "title", api_problem_reason(status));
    cJSON_AddNumberToObject(root, "status", status);
    cJSON_AddStringToObject(root, "code", code);
    cJSON_AddStringToObject(root, "detail", detail);
    text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    send_body(connection, status, "application/problem+json", text != NULL ? text : "{}");
    free(text);
}

/* Reads the whole body into `out`. Returns its length, or -1 when it is longer than `cap`. */
static long read_body(struct mg_connection *connection, char *out, size_t cap)
{
    size_t len = 0;
    int got;

    while ((got = mg_read(connection, out + len, cap + 1 - len)) > 0) {
        len += (size_t)got;
        if (len > cap) {
            return -1;
        }
    }
    return (long)len;
}

static bool is_json(const char *content_type)
{
    return content_type != NULL && strncasecmp(content_type, "application/json", 16) == 0 &&
           (content_type[16] == '\0' || content_type[16] == ';');
}

int api_command_handle(struct mg_connection *connection, void *data)
{
    api_command_t *api = data;
    const struct mg_request_info *info = mg_get_request_info(connection);
    static const size_t cap = COMMANDS_BODY_MAX;
    char body[COMMANDS_BODY_MAX + 1];
    char target[TARGET_MAX];
    commands_response_t response;
    commands_request_t request;
    long len;

    if (strcmp(info->request_method, "POST") != 0) {
        send_problem(connection, 405, "METHOD_NOT_ALLOWED", "only POST is allowed");
        return 405;
    }
    if (info->content_length > (long long)cap) {
        send_problem(connection, 413, "BODY_TOO_LARGE", "body exceeds max 4096 bytes");
        return 413;
    }
    if (!is_json(mg_get_header(connection, "Content-Type"))) {
        send_problem(connection, 415, "UNSUPPORTED_MEDIA_TYPE", "body must be application/json");
        return 415;
    }
    len = read_body(connection, body, cap);
    if (len < 0) {
        send_problem(connection, 413, "BODY_TOO_LARGE", "body exceeds max 4096 bytes");
        return 413;
    }
    if (snprintf(target, sizeof target, "%s%s%s", info->request_uri, info->query_string ? "?" : "",
                 info->query_string ? info->query_string : "") >= (int)sizeof target) {
        send_problem(connection, 401, "SIGNATURE_REQUIRED", "request target is too long to be signed");
        return 401;
    }

    request = (commands_request_t){
        .method = info->request_method,
        .target = target,
        .key_id = mg_get_header(connection, "X-Mesh-Key-Id"),
        .timestamp = mg_get_header(connection, "X-Mesh-Timestamp"),
        .nonce = mg_get_header(connection, "X-Mesh-Nonce"),
        .signature = mg_get_header(connection, "X-Mesh-Signature"),
        .body = (const uint8_t *)body,
        .body_len = (size_t)len,
    };
    pthread_mutex_lock(api->lock);
    commands_handle(api->commands, &request, &response);
    pthread_mutex_unlock(api->lock);

    if (response.http_status >= 400) {
        send_problem(connection, response.http_status, response.code, response.detail);
    } else {
        send_body(connection, response.http_status, "application/json", response.json);
    }
    return response.http_status;
}
