#include "api_logs.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "api_json.h"
#include "api_problem.h"
#include "hb_hex.h"

#define FRAME_TYPE_LOG 0x03
/* docs/protocol.md section 1: no frame is longer than 250 bytes. */
#define FRAME_MAX_LEN 250

typedef struct {
    uint8_t bytes[FRAME_MAX_LEN];
    size_t len;
} ip_frame_t;

static int problem(char *out, const char *code, const char *detail)
{
    return api_problem_render(code, detail, out);
}

/* Decodes entries[index].frame; writes a reason into `detail` and returns -1 when it is malformed. */
static int read_entry(const cJSON *entry, size_t index, ip_frame_t *frame, char *detail)
{
    const cJSON *hex = cJSON_GetObjectItemCaseSensitive(entry, "frame");
    size_t hex_len;

    if (!cJSON_IsObject(entry) || !cJSON_IsString(hex)) {
        snprintf(detail, API_JSON_DETAIL_LEN, "entries[%zu] must be an object with a string member frame", index);
        return -1;
    }
    hex_len = strlen(hex->valuestring);
    if (hex_len == 0 || hex_len % 2 != 0 || hex_len > 2 * FRAME_MAX_LEN) {
        snprintf(detail, API_JSON_DETAIL_LEN, "entries[%zu].frame must be 2 to %d hex characters, an even "
                 "count; got %zu characters", index, 2 * FRAME_MAX_LEN, hex_len);
        return -1;
    }
    if (hb_hex_decode(hex->valuestring, frame->bytes, hex_len / 2) != 0) {
        snprintf(detail, API_JSON_DETAIL_LEN, "entries[%zu].frame contains characters that are not hex "
                 "(0-9, a-f, A-F)", index);
        return -1;
    }
    frame->len = hex_len / 2;
    return 0;
}

/* Checks the whole body before any frame is taken, so a 400 leaves no entry half processed. Returns
 * the entry count, or -1 with a reason in `detail`. */
static int read_entries(const cJSON *root, ip_frame_t frames[API_LOGS_ENTRY_MAX_COUNT], char *detail)
{
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(root, "entries");
    int count = cJSON_GetArraySize(entries);
    size_t index = 0;
    const cJSON *entry;

    if (!cJSON_IsObject(root) || !cJSON_IsArray(entries) || count < 1 || count > API_LOGS_ENTRY_MAX_COUNT) {
        snprintf(detail, API_JSON_DETAIL_LEN, "body must be {\"entries\":[...]} with 1 to %d entries",
                 API_LOGS_ENTRY_MAX_COUNT);
        return -1;
    }
    cJSON_ArrayForEach(entry, entries) {
        if (read_entry(entry, index, &frames[index], detail) != 0) {
            return -1;
        }
        index++;
    }
    return count;
}

/* Takes one frame like a radio frame. A frame of another type than log is FRAME_KIND_MISMATCH, which
 * is the central server's code for an entry whose frame is not of the entry's kind. */
static const char *take_frame(homebase_t *homebase, const ip_frame_t *frame, char name[CORE_STATUS_NAME_MAX + 1])
{
    static const uint8_t no_mac[INTAKE_MAC_LEN] = { 0 };
    int32_t status = core_frame_decode(homebase->core, frame->bytes, frame->len);

    if (status == CORE_OK && core_frame_type(homebase->core) != FRAME_TYPE_LOG) {
        return "FRAME_KIND_MISMATCH";
    }
    status = homebase_frame(homebase, frame->bytes, frame->len, no_mac, API_LOGS_IP_RSSI_DBM);
    return status == CORE_OK ? NULL : core_status_name(homebase->core, status, name);
}

int api_logs_post(homebase_t *homebase, const char *body, size_t len, char *out)
{
    static ip_frame_t frames[API_LOGS_ENTRY_MAX_COUNT];
    char detail[API_JSON_DETAIL_LEN];
    char name[CORE_STATUS_NAME_MAX + 1];
    const char *code = NULL;
    cJSON *root = api_json_parse(body, len, API_LOGS_BODY_MAX_LEN, API_LOGS_JSON_MAX_DEPTH, &code, detail);
    cJSON *answer;
    cJSON *rejected;
    int count;
    int accepted = 0;

    if (root == NULL) {
        return problem(out, code, detail);
    }
    count = read_entries(root, frames, detail);
    cJSON_Delete(root);
    if (count < 0) {
        return problem(out, "VALIDATION_FAILED", detail);
    }

    answer = cJSON_CreateObject();
    rejected = cJSON_CreateArray();
    for (int index = 0; index < count; index++) {
        const char *reason = take_frame(homebase, &frames[index], name);
        cJSON *item;

        if (reason == NULL) {
            accepted++;
            continue;
        }
        item = cJSON_CreateObject();
        cJSON_AddNumberToObject(item, "index", index);
        cJSON_AddStringToObject(item, "code", reason);
        cJSON_AddItemToArray(rejected, item);
    }
    cJSON_AddNumberToObject(answer, "accepted", accepted);
    cJSON_AddItemToObject(answer, "rejected", rejected);

    if (answer == NULL || !cJSON_PrintPreallocated(answer, out, API_LOGS_RESPONSE_MAX_LEN + 1, false)) {
        cJSON_Delete(answer);
        return problem(out, "INTERNAL", "answer could not be rendered");
    }
    cJSON_Delete(answer);
    return 200;
}
