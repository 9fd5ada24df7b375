#include "api_problem.h"

#include <cJSON.h>
#include <stdbool.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *code;
    int status;
    const char *title;
} problem_entry_t;

/* The central server's codes that the local API uses, with its titles, and the home base's own. The
 * one catalogue is hosts/node/src/errors.ts, where the home base's own codes are marked homeBaseOnly.
 * Its errors-homebase.test.ts fails when a code, status or title here differs from it. */
static const problem_entry_t s_catalogue[] = {
    { "BAD_JSON", 400, "request body is not valid JSON" },
    { "VALIDATION_FAILED", 400, "request is invalid" },
    { "BAD_REQUEST", 400, "request is malformed" },
    { "BODY_TOO_LARGE", 413, "request body is too large" },
    { "UNSUPPORTED_MEDIA_TYPE", 415, "request body must be application/json" },
    { "AUTH_REQUIRED", 401, "authentication required" },
    { "AUTH_FAILED", 401, "invalid credentials" },
    { "NOT_FOUND", 404, "not found" },
    { "METHOD_NOT_ALLOWED", 405, "method not allowed" },
    { "REQUEST_TIMEOUT", 408, "the request body did not arrive in time" },
    { "TOO_MANY_CLIENTS", 503, "too many clients are connected; retry later" },
    { "DASHBOARD_TOKEN_NOT_SET", 503, "the central server has not provisioned a dashboard token yet" },
    { "CORE_UNAVAILABLE", 503, "the home base core is not available" },
    { "FRAME_KIND_MISMATCH", 400, "the frame's type is not the one this endpoint takes" },
    { "INPUT_TOO_LONG", 400, "input is longer than the core's buffer" },
    { "ENGINE_FAILED", 500, "the home base's core engine failed" },
    { "STORAGE_FAILED", 503, "the sd card could not be written; retry later" },
    { "TIME_NOT_SET", 503, "the home base clock is not set yet; retry later" },
    { "STORAGE_FULL", 507, "the sd card cannot store the content" },
    { "INTERNAL", 500, "internal server error" },
};

static const problem_entry_t *find_entry(const char *code)
{
    for (size_t i = 0; i < sizeof s_catalogue / sizeof s_catalogue[0]; i++) {
        if (strcmp(s_catalogue[i].code, code) == 0) {
            return &s_catalogue[i];
        }
    }
    return NULL;
}

/* The core's frame statuses (FRAME_*, REPLAY_*, SIGNATURE_*, ...) are all about the request's input. */
static bool is_core_input_status(const char *code)
{
    static const char *const prefixes[] = { "FRAME_", "REPLAY_", "SIGNATURE_", "COMMAND_", "ACK_",
                                            "BEACON_", "MANIFEST_", "CHUNK_" };

    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (strncmp(code, prefixes[i], strlen(prefixes[i])) == 0) {
            return true;
        }
    }
    return false;
}

int api_problem_status(const char *code)
{
    const problem_entry_t *entry = find_entry(code);

    if (entry != NULL) {
        return entry->status;
    }
    return is_core_input_status(code) ? 400 : 500;
}

int api_problem_render(const char *code, const char *detail, char out[API_PROBLEM_MAX_LEN + 1])
{
    return api_problem_render_status(api_problem_status(code), code, detail, out);
}

int api_problem_render_status(int status, const char *code, const char *detail,
                              char out[API_PROBLEM_MAX_LEN + 1])
{
    const problem_entry_t *entry = find_entry(code);
    const char *title = entry != NULL ? entry->title : api_problem_reason(status);
    char type[96] = "https://homemesh.invalid/problems/";
    char cut[API_PROBLEM_DETAIL_MAX_LEN + 1];
    cJSON *root = cJSON_CreateObject();
    size_t at = strlen(type);

    /* The type URI is the code in lower case with dashes, as the central server writes it. */
    for (size_t i = 0; code[i] != '\0' && at + 1 < sizeof type; i++) {
        type[at++] = code[i] == '_' ? '-' : (char)tolower((unsigned char)code[i]);
    }
    type[at] = '\0';

    cJSON_AddStringToObject(root, "type", type);
    cJSON_AddStringToObject(root, "title", title);
    cJSON_AddNumberToObject(root, "status", status);
    cJSON_AddStringToObject(root, "code", code);
    if (detail != NULL) {
        snprintf(cut, sizeof cut, "%s", detail);
        cJSON_AddStringToObject(root, "detail", cut);
    }
    if (root == NULL || !cJSON_PrintPreallocated(root, out, API_PROBLEM_MAX_LEN + 1, false)) {
        snprintf(out, API_PROBLEM_MAX_LEN + 1, "{\"status\":%d,\"code\":\"INTERNAL\"}", status);
    }
    cJSON_Delete(root);
    return status;
}

const char *api_problem_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 507: return "Insufficient Storage";
    default: return status >= 500 ? "Internal Server Error" : "Bad Request";
    }
}
