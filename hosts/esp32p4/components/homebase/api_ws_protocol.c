#include "api_ws_protocol.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *api_ws_upgrade_refusal(int token_result, bool has_authorization, const char **detail)
{
    if (token_result == HB_DASHBOARD_TOKEN_NOT_SET) {
        *detail = "no dashboard token is provisioned yet";
        return "DASHBOARD_TOKEN_NOT_SET";
    }
    if (has_authorization && token_result != HB_DASHBOARD_TOKEN_OK) {
        *detail = "bearer token is invalid";
        return token_result == HB_DASHBOARD_TOKEN_WRONG ? "AUTH_FAILED" : "AUTH_REQUIRED";
    }
    *detail = NULL;
    return NULL;
}

int api_ws_choose_slot(const api_ws_slot_t slots[API_WS_MAX_CLIENTS], bool has_valid_token, bool *evict)
{
    int free_slot = -1;
    int oldest_waiting = -1;
    int waiting = 0;

    *evict = false;
    for (int i = 0; i < API_WS_MAX_CLIENTS; i++) {
        if (!slots[i].used) {
            free_slot = free_slot < 0 ? i : free_slot;
            continue;
        }

        /* Oldest first: a client that has just connected and is sending its auth message is
         * evicted last, after every older client that still waits. */
        if (!slots[i].authenticated) {
            waiting++;
            if (oldest_waiting < 0 || slots[i].opened_ms < slots[oldest_waiting].opened_ms) {
                oldest_waiting = i;
            }
        }
    }

    /* A client without the token would wait too: refused at once when enough already wait, so it
     * frees its worker instead of holding it for the auth timeout. */
    if (!has_valid_token) {
        return waiting < API_WS_PENDING_MAX ? free_slot : -1;
    }
    if (free_slot >= 0) {
        return free_slot;
    }
    *evict = oldest_waiting >= 0;
    return oldest_waiting;
}

bool api_ws_auth_header_of(const char *message, size_t len, char header[API_WS_BEARER_HEADER_LEN])
{
    char copy[API_WS_MAX_MESSAGE_LEN + 1];
    cJSON *root;
    const cJSON *type;
    const cJSON *token;
    bool ok;

    if (len > API_WS_MAX_MESSAGE_LEN) {
        return false;
    }

    /* cJSON parses a NUL-terminated copy, so a message need not end with NUL. */
    memcpy(copy, message, len);
    copy[len] = '\0';
    root = cJSON_ParseWithLengthOpts(copy, len + 1, NULL, true);
    type = cJSON_GetObjectItemCaseSensitive(root, "type");
    token = cJSON_GetObjectItemCaseSensitive(root, "token");
    ok = cJSON_IsString(type) && strcmp(type->valuestring, "auth") == 0 && cJSON_IsString(token) &&
         token->valuestring[0] != '\0' && strlen(token->valuestring) <= HB_DASHBOARD_TOKEN_MAX_LEN;
    if (ok) {
        snprintf(header, API_WS_BEARER_HEADER_LEN, "Bearer %s", token->valuestring);
    }
    cJSON_Delete(root);
    return ok;
}

api_ws_message_t api_ws_read_message(bool authenticated, api_ws_frame_kind_t kind, const char *message,
                                     size_t len, char header[API_WS_BEARER_HEADER_LEN])
{
    if (len > API_WS_MAX_MESSAGE_LEN) {
        return API_WS_MESSAGE_TOO_BIG;
    }
    if (authenticated || kind == API_WS_FRAME_OTHER) {
        return API_WS_MESSAGE_IGNORE;
    }

    /* The first data message decides: the auth message with a token, or the socket closes. */
    if (kind == API_WS_FRAME_TEXT && api_ws_auth_header_of(message, len, header)) {
        return API_WS_MESSAGE_CHECK_TOKEN;
    }
    return API_WS_MESSAGE_NOT_AUTH;
}

bool api_ws_auth_timed_out(uint64_t opened_ms, uint64_t now_ms, uint32_t timeout_ms)
{
    return now_ms >= opened_ms && now_ms - opened_ms >= timeout_ms;
}

size_t api_ws_close_payload(unsigned code, const char *reason, uint8_t out[API_WS_CLOSE_PAYLOAD_MAX])
{
    size_t len = strlen(reason);

    if (len > API_WS_CLOSE_PAYLOAD_MAX - 2) {
        len = API_WS_CLOSE_PAYLOAD_MAX - 2;
    }
    out[0] = (uint8_t)(code >> 8);
    out[1] = (uint8_t)(code & 0xff);
    memcpy(out + 2, reason, len);
    return len + 2;
}

bool api_ws_queue_push(api_ws_queue_t *queue, const char *json, size_t len)
{
    char *copy = malloc(len + 1);
    size_t tail;

    if (copy == NULL) {
        return false;
    }
    memcpy(copy, json, len);
    copy[len] = '\0';

    if (queue->count == API_WS_QUEUE_LEN) {
        free(queue->items[queue->head].text);
        queue->head = (queue->head + 1) % API_WS_QUEUE_LEN;
        queue->count--;
        queue->dropped++;
    }
    tail = (queue->head + queue->count) % API_WS_QUEUE_LEN;
    queue->items[tail] = (api_ws_event_t){ .text = copy, .len = len };
    queue->count++;
    return true;
}

bool api_ws_queue_pop(api_ws_queue_t *queue, api_ws_event_t *out)
{
    if (queue->count == 0) {
        return false;
    }
    *out = queue->items[queue->head];
    queue->head = (queue->head + 1) % API_WS_QUEUE_LEN;
    queue->count--;
    return true;
}

void api_ws_queue_clear(api_ws_queue_t *queue)
{
    api_ws_event_t event;

    while (api_ws_queue_pop(queue, &event)) {
        free(event.text);
    }
}
