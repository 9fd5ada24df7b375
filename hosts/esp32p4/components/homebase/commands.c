#include "commands.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dashboard_token.h"
#include "hb_hex.h"
#include "hb_log.h"
#include "registry_store.h"
#include "signed_request.h"

/* docs/protocol.md section 6.2: codes of the home base's config commands. */
#define COMMAND_DEVICE_ADD 16
#define COMMAND_DEVICE_ROTATE_KEY 17
#define COMMAND_DEVICE_REVOKE 18
#define COMMAND_SET_DASHBOARD_TOKEN 19

static const char *const s_ack_results[] = { "ok", "in_progress", "error", "unsupported" };

void commands_init(commands_t *commands, core_t *core, registry_t *registry, const hb_clock_t *clock,
                   const intake_t *intake, replay_store_t *replay_store, command_results_t *results,
                   const char *dir, radio_t *radio)
{
    memset(commands, 0, sizeof *commands);
    commands->core = core;
    commands->registry = registry;
    commands->clock = clock;
    commands->intake = intake;
    commands->replay_store = replay_store;
    commands->results = results;
    commands->dir = dir;
    commands->radio = radio;
}

static void problem(commands_response_t *out, int http_status, const char *code, const char *detail)
{
    out->http_status = http_status;
    snprintf(out->code, sizeof out->code, "%s", code);
    snprintf(out->detail, sizeof out->detail, "%s", detail);
}

static void problem_from_status(commands_t *commands, commands_response_t *out, int http_status,
                                int32_t status, const char *detail)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    problem(out, http_status, core_status_name(commands->core, status, name), detail);
}

/* The request check of section 9.1. Returns true when the request is the central server's. */
static bool check_request(commands_t *commands, const commands_request_t *request, uint32_t now,
                          commands_response_t *out)
{
    signed_request_problem_t rejected;
    const signed_request_t signed_request = {
        .method = request->method,
        .target = request->target,
        .key_id = request->key_id,
        .timestamp = request->timestamp,
        .nonce = request->nonce,
        .signature = request->signature,
        .body = request->body,
        .body_len = request->body_len,
    };

    /* Commands are signed with the network key alone, whose key id is the network id. */
    if (!signed_request_accept(commands->core, commands->replay_store, &signed_request, now,
                               &rejected)) {
        problem(out, rejected.http_status, rejected.code, rejected.detail);
        return false;
    }
    return true;
}

/* Reads {"frame":"<hex>"} into `frame`. Returns its length, or 0 after filling `out`. */
static size_t read_frame(const commands_request_t *request, uint8_t frame[COMMANDS_FRAME_MAX],
                         commands_response_t *out)
{
    char *text = malloc(request->body_len + 1);
    const cJSON *item;
    cJSON *root;
    size_t len = 0;

    if (text == NULL) {
        problem(out, 500, "INTERNAL", "out of memory");
        return 0;
    }
    /* cJSON only ever parses a NUL-terminated copy. */
    memcpy(text, request->body, request->body_len);
    text[request->body_len] = '\0';
    root = cJSON_Parse(text);
    free(text);
    if (root == NULL) {
        problem(out, 400, "BAD_JSON", "body is not valid JSON");
        return 0;
    }

    item = cJSON_GetObjectItemCaseSensitive(root, "frame");
    if (!cJSON_IsObject(root) || !cJSON_IsString(item) || strlen(item->valuestring) % 2 != 0 ||
        strlen(item->valuestring) == 0 || strlen(item->valuestring) > 2 * COMMANDS_FRAME_MAX ||
        hb_hex_decode(item->valuestring, frame, strlen(item->valuestring) / 2) != 0) {
        problem(out, 400, "VALIDATION_FAILED", "frame must be 1 to 250 bytes as lower-case hex");
    } else {
        len = strlen(item->valuestring) / 2;
    }
    cJSON_Delete(root);
    return len;
}

/* The HTTP status of a command frame that command_accept rejected (section 9.1). */
static int http_status_of(int32_t status)
{
    switch (status) {
    case CORE_FRAME_UNKNOWN_DEVICE:
        return 404;
    case CORE_COMMAND_WRONG_TARGET:
    case CORE_COMMAND_EXPIRED:
    case CORE_REPLAY_BELOW_FLOOR:
    case CORE_REPLAY_TOO_OLD:
    /* NOTE: the table of section 9.1 names no status for a command from the future. 409 tells the
     * central server that it cannot run now, as for an expired one. */
    case CORE_FRAME_TIMESTAMP_SKEW:
        return 409;
    case CORE_ENGINE_FAILED:
        return 500;
    default:
        return 400;
    }
}

static command_record_t *find_record(commands_t *commands, const char *device_id, uint32_t id)
{
    for (size_t i = 0; i < COMMANDS_RECORDS_KEPT; i++) {
        command_record_t *record = &commands->records[i];

        if (record->used && record->id == id && strcmp(record->device_id, device_id) == 0) {
            return record;
        }
    }
    return NULL;
}

static command_record_t *new_record(commands_t *commands, const char *device_id, uint32_t id)
{
    command_record_t *record = &commands->records[commands->next_record];

    commands->next_record = (commands->next_record + 1) % COMMANDS_RECORDS_KEPT;
    memset(record, 0, sizeof *record);
    record->used = true;
    snprintf(record->device_id, sizeof record->device_id, "%s", device_id);
    record->id = id;
    record->result = "in_progress";
    return record;
}

static void answer_record(const command_record_t *record, commands_response_t *out)
{
    cJSON *root = cJSON_CreateObject();
    char *text;

    cJSON_AddNumberToObject(root, "id", record->id);
    if (record->final) {
        cJSON_AddStringToObject(root, "state", "done");
        cJSON_AddStringToObject(root, "result", record->result);
        if (record->reason[0] != '\0') {
            cJSON_AddStringToObject(root, "reason", record->reason);
        }
    } else {
        cJSON_AddStringToObject(root, "state", "in_progress");
    }
    text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    out->http_status = record->final ? 200 : 202;
    snprintf(out->json, sizeof out->json, "%s", text != NULL ? text : "{}");
    free(text);
}

/* Keeps the token's hash in the registry file and hands it to the local API's token check, which
 * keeps its own copy on the card; both must hold it before the command counts as done. */
static registry_change_t set_dashboard_token(commands_t *commands, const uint8_t sha256[32])
{
    registry_change_t result = registry_set_dashboard_token(commands->registry, commands->dir, sha256);

    if (result == REGISTRY_CHANGE_DONE || result == REGISTRY_CHANGE_UNCHANGED) {
        if (hb_dashboard_token_set_sha256(sha256) != 0) {
            return REGISTRY_CHANGE_FAILED;
        }
    }
    return result;
}

/* Runs a new config command on the registry and returns its result. */
static registry_change_t apply_config(commands_t *commands, const core_command_t *command)
{
    switch (command->code) {
    case COMMAND_DEVICE_ADD:
        return registry_add_device(commands->registry, commands->core, commands->dir,
                                   command->device, command->decoded);
    case COMMAND_DEVICE_ROTATE_KEY:
        return registry_rotate_key(commands->registry, commands->core, commands->dir,
                                   command->device, command->decoded);
    case COMMAND_DEVICE_REVOKE:
        return registry_revoke(commands->registry, commands->core, commands->dir, command->device);
    case COMMAND_SET_DASHBOARD_TOKEN:
        return set_dashboard_token(commands, command->decoded);
    default:
        return REGISTRY_CHANGE_FAILED;
    }
}

static void run_config(commands_t *commands, const core_command_t *command, bool repeated,
                       commands_response_t *out)
{
    const char *self = commands->registry->home_base_id;
    command_record_t *record = find_record(commands, self, command->id);
    registry_change_t change;

    /* docs/protocol.md section 6.3: a config command never runs twice. */
    if (repeated) {
        if (record == NULL) {
            record = new_record(commands, self, command->id);
            record->final = true;
            record->result = "ok";
        }
        answer_record(record, out);
        return;
    }

    change = apply_config(commands, command);
    record = new_record(commands, self, command->id);
    record->final = true;
    record->result = change == REGISTRY_CHANGE_DONE || change == REGISTRY_CHANGE_UNCHANGED ? "ok" : "error";
    if (record->result[0] == 'e') {
        snprintf(record->reason, sizeof record->reason, "%s", registry_change_reason(change));
    }
    commands->applied++;
    hb_log(HB_LOG_INFO, "config command applied: id=%u code=%u device=%s result=%s %s",
           (unsigned)command->id, (unsigned)command->code, command->device, record->result,
           record->reason);
    command_results_add(commands->results, self, command->id, record->result, record->reason, NULL, 0);
    answer_record(record, out);
}

static void run_device_command(commands_t *commands, const core_command_t *command, uint32_t slot,
                               bool repeated, const uint8_t *frame, size_t len,
                               commands_response_t *out)
{
    const char *device_id = commands->registry->devices[slot].device_id;
    command_record_t *record = find_record(commands, device_id, command->id);
    /* The device's acknowledgement, not the radio's send status, is the command's outcome. */
    uint16_t send_id;

    if (record != NULL && record->final) {
        answer_record(record, out);
        return;
    }
    if (record == NULL) {
        record = new_record(commands, device_id, command->id);
    }

    /* Relayed byte for byte, also for a repeat still waiting (section 6.3). */
    if (slot < REGISTRY_MAX_DEVICES && commands->intake->mac_known[slot]) {
        if (radio_send(commands->radio, commands->intake->mac_by_slot[slot], frame, len, &send_id) != 0) {
            hb_log(HB_LOG_WARN, "command not relayed: device=%s id=%u reason=radio rejected it",
                   device_id, (unsigned)command->id);
        }
    } else {
        /* NOTE: a device that has sent no accepted frame since the start has no known address, so
         * the command is not sent now. The central server's retry relays it once the device is heard. */
        hb_log(HB_LOG_WARN, "command not relayed: device=%s id=%u reason=device address unknown",
               device_id, (unsigned)command->id);
    }
    commands->relayed++;

    out->http_status = 202;
    snprintf(out->json, sizeof out->json, "{\"id\":%u,\"state\":\"%s\"}", (unsigned)command->id,
             repeated ? "in_progress" : "relayed");
}

void commands_set_time_check(commands_t *commands, bool (*time_is_set)(void *ctx), void *ctx)
{
    commands->time_is_set = time_is_set;
    commands->time_is_set_ctx = ctx;
}

void commands_handle(commands_t *commands, const commands_request_t *request, commands_response_t *out)
{
    uint32_t now = hb_clock_now(commands->clock);
    uint8_t frame[COMMANDS_FRAME_MAX];
    core_command_t command;
    size_t len;
    int32_t status;
    int32_t slot;

    memset(out, 0, sizeof *out);
    if (now < COMMANDS_TIME_VALID_AFTER) {
        problem(out, 503, "TIME_NOT_SET", "the home base clock is not set yet; retry later");
        return;
    }
    if (commands->time_is_set != NULL && !commands->time_is_set(commands->time_is_set_ctx)) {
        problem(out, 503, "TIME_NOT_SET", "the home base clock is not synchronised yet; retry later");
        return;
    }
    if (!check_request(commands, request, now, out)) {
        return;
    }
    len = read_frame(request, frame, out);
    if (len == 0) {
        return;
    }

    status = core_command_accept(commands->core, frame, len, now);
    if (status != CORE_OK && status != CORE_COMMAND_REPEATED) {
        problem_from_status(commands, out, http_status_of(status), status, "command frame rejected");
        return;
    }
    slot = core_command_slot(commands->core);
    if (!core_command_read(commands->core, &command)) {
        problem(out, 500, "INTERNAL", "command could not be read from the core");
        return;
    }
    if (replay_store_save_if_due(commands->replay_store, now) != 0) {
        problem(out, 503, "STORAGE_FAILED", "replay state could not be written; retry later");
        return;
    }

    if (slot < 0) {
        run_config(commands, &command, status == CORE_COMMAND_REPEATED, out);
    } else {
        run_device_command(commands, &command, (uint32_t)slot, status == CORE_COMMAND_REPEATED,
                           frame, len, out);
    }
}

void commands_on_ack(void *ctx, uint32_t slot, const uint8_t *frame, size_t len)
{
    commands_t *commands = ctx;
    const char *device_id = commands->registry->devices[slot].device_id;
    command_record_t *record;
    const char *result;
    core_ack_t ack;

    if (!core_ack_read(commands->core, &ack) || ack.result > 3) {
        return;
    }
    commands->acks++;
    result = s_ack_results[ack.result];
    hb_log(HB_LOG_INFO, "command acknowledged: device=%s id=%u result=%s", device_id,
           (unsigned)ack.id, result);
    if (ack.result == 1) {
        return;
    }

    record = find_record(commands, device_id, ack.id);
    if (record == NULL) {
        record = new_record(commands, device_id, ack.id);
    }
    record->final = true;
    record->result = result;
    record->reason[0] = '\0';
    if (ack.reason.len > 0) {
        /* The reason's raw JSON text, escapes kept; it is for people to read. */
        uint8_t reason[COMMANDS_REASON_LEN];
        size_t reason_len = ack.reason.len < sizeof reason - 1 ? ack.reason.len : sizeof reason - 1;
        core_span_t span = { ack.reason.offset, (uint32_t)reason_len };

        if (core_frame_span(commands->core, span, reason, sizeof reason)) {
            reason[reason_len] = '\0';
            snprintf(record->reason, sizeof record->reason, "%s", (const char *)reason);
        }
    }

    /* The central server verifies the acknowledgement itself (section 9.2). */
    command_results_add(commands->results, device_id, ack.id, result, record->reason, frame, len);
}

void commands_on_key_rotated(void *ctx, uint32_t slot)
{
    commands_t *commands = ctx;

    if (registry_key_rotated(commands->registry, commands->dir, slot) != 0) {
        hb_log(HB_LOG_ERROR, "registry not written after key rotation: device=%s",
               registry_device_id(commands->registry, slot));
    }
}
