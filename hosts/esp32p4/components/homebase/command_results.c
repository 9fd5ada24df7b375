#include "command_results.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"

#define RESULTS_FILE_MAX_BYTES (64 * 1024)

static cJSON *render_result(const void *entry_ptr)
{
    const command_result_t *entry = entry_ptr;
    cJSON *item = cJSON_CreateObject();

    if (item == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(item, "device_id", entry->device_id);
    cJSON_AddNumberToObject(item, "id", entry->id);
    cJSON_AddStringToObject(item, "result", entry->result);
    if (entry->reason[0] != '\0') {
        cJSON_AddStringToObject(item, "reason", entry->reason);
    }
    if (entry->ack_hex[0] != '\0') {
        cJSON_AddStringToObject(item, "ack", entry->ack_hex);
    }
    return item;
}

static void copy_text(char *out, size_t cap, const cJSON *item)
{
    snprintf(out, cap, "%s", cJSON_IsString(item) ? item->valuestring : "");
}

static bool parse_result(const cJSON *item, void *entry_ptr)
{
    command_result_t *entry = entry_ptr;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");

    if (!cJSON_IsNumber(id)) {
        return false;
    }
    copy_text(entry->device_id, sizeof entry->device_id, cJSON_GetObjectItemCaseSensitive(item, "device_id"));
    entry->id = (uint32_t)id->valuedouble;
    copy_text(entry->result, sizeof entry->result, cJSON_GetObjectItemCaseSensitive(item, "result"));
    copy_text(entry->reason, sizeof entry->reason, cJSON_GetObjectItemCaseSensitive(item, "reason"));
    copy_text(entry->ack_hex, sizeof entry->ack_hex, cJSON_GetObjectItemCaseSensitive(item, "ack"));
    return true;
}

static const outbox_kind_t s_results_kind = {
    .name = "command results",
    .file = COMMAND_RESULTS_FILE,
    .path = COMMAND_RESULTS_PATH,
    .member = "results",
    .file_max_bytes = RESULTS_FILE_MAX_BYTES,
    .render = render_result,
    .parse = parse_result,
};

int command_results_init(command_results_t *results, uplink_t *uplink, const hb_clock_t *clock,
                         const char *dir)
{
    memset(results, 0, sizeof *results);
    return outbox_init(&results->outbox, &s_results_kind, uplink, clock, dir, results->entries,
                       sizeof results->entries[0], COMMAND_RESULTS_MAX);
}

int command_results_add(command_results_t *results, const char *device_id, uint32_t id,
                        const char *result, const char *reason, const uint8_t *ack, size_t len)
{
    command_result_t *entry = outbox_reserve(&results->outbox);

    snprintf(entry->device_id, sizeof entry->device_id, "%s", device_id);
    entry->id = id;
    snprintf(entry->result, sizeof entry->result, "%s", result);
    snprintf(entry->reason, sizeof entry->reason, "%s", reason != NULL ? reason : "");
    if (ack != NULL && len * 2 < sizeof entry->ack_hex) {
        hb_hex_encode(ack, len, entry->ack_hex);
    }
    return outbox_commit(&results->outbox);
}

int command_results_flush(command_results_t *results)
{
    return outbox_flush(&results->outbox, NULL);
}
