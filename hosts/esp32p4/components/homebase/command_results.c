#include "command_results.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_file.h"
#include "hb_hex.h"
#include "hb_log.h"

#define RESULTS_FILE_MAX_BYTES (64 * 1024)
#define HTTP_OK 200

static cJSON *render_entries(const command_results_t *results)
{
    cJSON *array = cJSON_CreateArray();

    for (size_t i = 0; array != NULL && i < results->count; i++) {
        const command_result_t *entry = &results->entries[i];
        cJSON *item = cJSON_CreateObject();

        cJSON_AddStringToObject(item, "device_id", entry->device_id);
        cJSON_AddNumberToObject(item, "id", entry->id);
        cJSON_AddStringToObject(item, "result", entry->result);
        if (entry->reason[0] != '\0') {
            cJSON_AddStringToObject(item, "reason", entry->reason);
        }
        if (entry->ack_hex[0] != '\0') {
            cJSON_AddStringToObject(item, "ack", entry->ack_hex);
        }
        cJSON_AddItemToArray(array, item);
    }
    return array;
}

static int save(const command_results_t *results)
{
    cJSON *array = render_entries(results);
    char *text = cJSON_PrintUnformatted(array);
    int result;

    cJSON_Delete(array);
    if (text == NULL) {
        return -1;
    }
    result = hb_file_write_atomic(results->dir, COMMAND_RESULTS_FILE, text, strlen(text));
    free(text);
    return result;
}

static void copy_text(char *out, size_t cap, const cJSON *item)
{
    snprintf(out, cap, "%s", cJSON_IsString(item) ? item->valuestring : "");
}

static int load(command_results_t *results)
{
    static char text[RESULTS_FILE_MAX_BYTES + 1];
    long len = hb_file_read(results->dir, COMMAND_RESULTS_FILE, text, RESULTS_FILE_MAX_BYTES);
    const cJSON *item;
    cJSON *array;

    if (len == -1 && errno == ENOENT) {
        return 0;
    }
    if (len < 0) {
        return -1;
    }
    text[len] = '\0';
    array = cJSON_Parse(text);
    if (!cJSON_IsArray(array)) {
        cJSON_Delete(array);
        return -1;
    }
    cJSON_ArrayForEach(item, array) {
        command_result_t *entry;
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");

        if (results->count >= COMMAND_RESULTS_MAX || !cJSON_IsNumber(id)) {
            break;
        }
        entry = &results->entries[results->count++];
        copy_text(entry->device_id, sizeof entry->device_id, cJSON_GetObjectItemCaseSensitive(item, "device_id"));
        entry->id = (uint32_t)id->valuedouble;
        copy_text(entry->result, sizeof entry->result, cJSON_GetObjectItemCaseSensitive(item, "result"));
        copy_text(entry->reason, sizeof entry->reason, cJSON_GetObjectItemCaseSensitive(item, "reason"));
        copy_text(entry->ack_hex, sizeof entry->ack_hex, cJSON_GetObjectItemCaseSensitive(item, "ack"));
    }
    cJSON_Delete(array);
    return 0;
}

int command_results_init(command_results_t *results, uplink_t *uplink, const hb_clock_t *clock,
                         const char *dir)
{
    size_t url_base = strlen(uplink->ingest_url) - strlen(UPLINK_INGEST_PATH);
    size_t target_base = strlen(uplink->ingest_target) - strlen(UPLINK_INGEST_PATH);

    memset(results, 0, sizeof *results);
    results->uplink = uplink;
    results->clock = clock;
    results->retry_delay_sec = COMMAND_RESULTS_RETRY_FIRST_SEC;
    if (strlen(dir) >= sizeof results->dir ||
        target_base + sizeof COMMAND_RESULTS_PATH > sizeof results->target) {
        return -1;
    }
    strcpy(results->dir, dir);

    /* The central server's URL and path prefix, as the uplink worked them out for ingest. */
    snprintf(results->url, sizeof results->url, "%.*s%s", (int)url_base, uplink->ingest_url,
             COMMAND_RESULTS_PATH);
    snprintf(results->target, sizeof results->target, "%.*s%s", (int)target_base,
             uplink->ingest_target, COMMAND_RESULTS_PATH);
    return load(results);
}

int command_results_add(command_results_t *results, const char *device_id, uint32_t id,
                        const char *result, const char *reason, const uint8_t *ack, size_t len)
{
    command_result_t *entry;

    if (results->count == COMMAND_RESULTS_MAX) {
        hb_log(HB_LOG_ERROR, "command result lost: device=%s id=%u reason=outbox full (%d)",
               results->entries[0].device_id, (unsigned)results->entries[0].id, COMMAND_RESULTS_MAX);
        memmove(&results->entries[0], &results->entries[1],
                (COMMAND_RESULTS_MAX - 1) * sizeof results->entries[0]);
        results->count--;
        results->lost++;
    }
    entry = &results->entries[results->count++];
    memset(entry, 0, sizeof *entry);
    snprintf(entry->device_id, sizeof entry->device_id, "%s", device_id);
    entry->id = id;
    snprintf(entry->result, sizeof entry->result, "%s", result);
    snprintf(entry->reason, sizeof entry->reason, "%s", reason != NULL ? reason : "");
    if (ack != NULL && len * 2 < sizeof entry->ack_hex) {
        hb_hex_encode(ack, len, entry->ack_hex);
    }

    /* A new result is sent at once, whatever delay an earlier failure set. */
    results->retry_at = 0;
    if (save(results) != 0) {
        hb_log(HB_LOG_ERROR, "command results not written to %s: %s", results->dir, strerror(errno));
        return -1;
    }
    return 0;
}

static void note_failure(command_results_t *results, uint32_t now, const char *why)
{
    results->send_failures++;
    results->retry_at = now + results->retry_delay_sec;
    hb_log(HB_LOG_WARN, "command results not sent: %s; retrying in %us", why,
           (unsigned)results->retry_delay_sec);
    results->retry_delay_sec *= 2;
    if (results->retry_delay_sec > COMMAND_RESULTS_RETRY_MAX_SEC) {
        results->retry_delay_sec = COMMAND_RESULTS_RETRY_MAX_SEC;
    }
}

int command_results_flush(command_results_t *results)
{
    uint32_t now = hb_clock_now(results->clock);
    uplink_t *uplink = results->uplink;
    uplink_signature_t signed_request;
    uplink_header_t headers[5];
    cJSON *root;
    char *body;
    size_t sent_count = results->count;
    int http_status = 0;
    int result;

    if (results->count == 0 || now < results->retry_at) {
        return 0;
    }
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "key_id", uplink->registry->key_id);
    cJSON_AddItemToObject(root, "results", render_entries(results));
    body = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (body == NULL) {
        note_failure(results, now, "out of memory");
        return -1;
    }

    /* Each attempt is signed afresh: a new timestamp and nonce (docs/protocol.md section 2). */
    if (uplink_sign(uplink, "POST", results->target, (const uint8_t *)body, strlen(body),
                    &signed_request) != CORE_OK) {
        free(body);
        note_failure(results, now, "signing failed");
        return -1;
    }
    headers[0] = (uplink_header_t){ "Content-Type", "application/json" };
    headers[1] = (uplink_header_t){ "X-Mesh-Key-Id", uplink->registry->key_id };
    headers[2] = (uplink_header_t){ "X-Mesh-Timestamp", signed_request.timestamp };
    headers[3] = (uplink_header_t){ "X-Mesh-Nonce", signed_request.nonce };
    headers[4] = (uplink_header_t){ "X-Mesh-Signature", signed_request.signature };
    result = uplink->transport.post(uplink->transport.ctx, results->url, headers, 5, body,
                                    strlen(body), &http_status);
    free(body);

    if (result != 0 || http_status != HTTP_OK) {
        char why[48];

        snprintf(why, sizeof why, result != 0 ? "central server unreachable" : "http_status=%d",
                 http_status);
        note_failure(results, now, why);
        return -1;
    }

    /* The central server took every result it was sent. It rejects a result it cannot use in a
     * per-entry list, and sending that result again would not change the outcome. */
    memmove(&results->entries[0], &results->entries[sent_count],
            (results->count - sent_count) * sizeof results->entries[0]);
    results->count -= sent_count;
    results->sent += (uint32_t)sent_count;
    results->retry_delay_sec = COMMAND_RESULTS_RETRY_FIRST_SEC;
    if (save(results) != 0) {
        hb_log(HB_LOG_ERROR, "command results not written to %s: %s", results->dir, strerror(errno));
    }
    return 1;
}
