#include "api_events.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hb_log.h"

#define FRAME_TYPE_HEARTBEAT 0x01
#define FRAME_TYPE_MOTION 0x02
#define FRAME_TYPE_LOG 0x03
/* docs/core-abi.md: the payload starts at offset 27 of a frame. */
#define FRAME_PAYLOAD_OFFSET 27
#define FRAME_PAYLOAD_MAX_LEN 224
#define ISO_TIME_LEN 25

void api_events_init(api_events_t *events, core_t *core, const registry_t *registry,
                     api_event_sink_fn sink, void *sink_ctx)
{
    memset(events, 0, sizeof *events);
    events->core = core;
    events->registry = registry;
    events->sink = sink;
    events->sink_ctx = sink_ctx;
    events->next_id = 1;
    for (size_t slot = 0; slot < REGISTRY_MAX_DEVICES; slot++) {
        events->health[slot].battery = API_EVENTS_BATTERY_UNKNOWN;
    }
}

void api_events_iso_time(uint32_t unix_sec, char out[ISO_TIME_LEN])
{
    time_t seconds = (time_t)unix_sec;
    struct tm utc;
    char text[64];

    if (gmtime_r(&seconds, &utc) == NULL) {
        memset(&utc, 0, sizeof utc);
    }
    /* A u32 of seconds ends in 2106, so every field has its fixed width and the text 24 characters. */
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", utc.tm_year + 1900,
             utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
    memcpy(out, text, ISO_TIME_LEN - 1);
    out[ISO_TIME_LEN - 1] = '\0';
}

static void note_summary(api_events_t *events, const char *what, const char *device_id, uint32_t now)
{
    snprintf(events->last_summary, sizeof events->last_summary, "%s %s", what, device_id);
    events->last_at = now;
}

/* Wraps `data` (taken over) in the envelope and hands the text to the sink. */
static void emit(api_events_t *events, const char *type, cJSON *data, uint32_t now)
{
    char id[24];
    char time_text[ISO_TIME_LEN];
    char text[API_EVENT_JSON_MAX_LEN + 1];
    cJSON *root = cJSON_CreateObject();

    snprintf(id, sizeof id, "%llu", (unsigned long long)events->next_id++);
    api_events_iso_time(now, time_text);
    cJSON_AddStringToObject(root, "id", id);
    cJSON_AddStringToObject(root, "type", type);
    cJSON_AddStringToObject(root, "time", time_text);
    cJSON_AddStringToObject(root, "network_id", events->registry->network_id);
    if (root == NULL || data == NULL || !cJSON_AddItemToObject(root, "data", data)) {
        cJSON_Delete(data);
        data = NULL;
    }

    if (data == NULL || !cJSON_PrintPreallocated(root, text, sizeof text, false)) {
        events->dropped++;
        hb_log(HB_LOG_WARN, "event not sent: type=%s (longer than %d bytes or out of memory)", type,
               API_EVENT_JSON_MAX_LEN);
    } else {
        events->emitted++;
        if (events->sink != NULL) {
            events->sink(events->sink_ctx, text, strlen(text));
        }
    }
    cJSON_Delete(root);
}

/* {"device_id","home_base_id", ...}: the members every event's data starts with. */
static cJSON *device_data(api_events_t *events, const char *device_id)
{
    cJSON *data = cJSON_CreateObject();

    cJSON_AddStringToObject(data, "device_id", device_id);
    cJSON_AddStringToObject(data, "home_base_id", events->registry->home_base_id);
    return data;
}

static void emit_status(api_events_t *events, const char *device_id, bool online, uint32_t now)
{
    char time_text[ISO_TIME_LEN];
    cJSON *data = device_data(events, device_id);

    api_events_iso_time(now, time_text);
    cJSON_AddBoolToObject(data, "online", online);
    cJSON_AddStringToObject(data, "timestamp", time_text);
    emit(events, "device_status", data, now);
    note_summary(events, online ? "online" : "offline", device_id, now);
}

/* Fields of the decoded frame that every event needs. */
typedef struct {
    const char *device_id;
    uint32_t timestamp;
    uint32_t seq;
    cJSON *payload;
} frame_view_t;

static cJSON *frame_data(api_events_t *events, const frame_view_t *view)
{
    char time_text[ISO_TIME_LEN];
    cJSON *data = device_data(events, view->device_id);

    api_events_iso_time(view->timestamp, time_text);
    cJSON_AddStringToObject(data, "timestamp", time_text);
    cJSON_AddNumberToObject(data, "seq", view->seq);
    return data;
}

static void emit_motion(api_events_t *events, frame_view_t *view, uint32_t now)
{
    cJSON *data = frame_data(events, view);

    /* The whole payload object, as the central server publishes it. */
    cJSON_AddItemToObject(data, "data", view->payload);
    view->payload = NULL;
    emit(events, "motion_event", data, now);
    note_summary(events, "motion", view->device_id, now);
}

/* Copies a string member of the payload. A member that is missing or not a string is skipped,
 * because the central server rejects such an entry anyway. */
static void copy_string(cJSON *to, const cJSON *payload, const char *name)
{
    const cJSON *member = cJSON_GetObjectItemCaseSensitive(payload, name);

    if (cJSON_IsString(member)) {
        cJSON_AddStringToObject(to, name, member->valuestring);
    }
}

static void emit_log(api_events_t *events, const frame_view_t *view, uint32_t now)
{
    char time_text[ISO_TIME_LEN];
    cJSON *data = frame_data(events, view);

    copy_string(data, view->payload, "level");
    copy_string(data, view->payload, "category");
    copy_string(data, view->payload, "message");
    api_events_iso_time(now, time_text);
    cJSON_AddStringToObject(data, "received_at", time_text);
    emit(events, "log_entry", data, now);
    note_summary(events, "log", view->device_id, now);
}

static void record_battery(api_events_t *events, uint32_t slot, const char *device_id,
                           const cJSON *payload)
{
    const cJSON *battery = cJSON_GetObjectItemCaseSensitive(payload, "battery");

    if (slot >= REGISTRY_MAX_DEVICES || !cJSON_IsNumber(battery) || battery->valuedouble < 0 ||
        battery->valuedouble > 100) {
        return;
    }
    snprintf(events->health[slot].device_id, CORE_DEVICE_ID_LEN, "%s", device_id);
    events->health[slot].battery = (int32_t)battery->valuedouble;
}

/* Parses the payload of the frame the core decoded last. cJSON only ever parses a NUL-terminated
 * copy, and the core already checked that the payload is one JSON object nested at most 8 deep. */
static cJSON *parse_payload(core_t *core, const uint8_t *frame, size_t len)
{
    char copy[FRAME_PAYLOAD_MAX_LEN + 1];
    uint32_t payload_len = core_frame_payload_len(core);

    if (payload_len > FRAME_PAYLOAD_MAX_LEN || FRAME_PAYLOAD_OFFSET + (size_t)payload_len > len) {
        return NULL;
    }
    memcpy(copy, frame + FRAME_PAYLOAD_OFFSET, payload_len);
    copy[payload_len] = '\0';
    return cJSON_ParseWithLength(copy, payload_len + 1);
}

void api_events_frame_accepted(api_events_t *events, const uint8_t *frame, size_t len, uint32_t now)
{
    uint32_t slot = core_frame_slot(events->core);
    bool came_online = core_frame_came_online(events->core);
    frame_view_t view = { .device_id = registry_device_id(events->registry, slot) };
    uint32_t type;

    /* frame_slot and frame_came_online describe the last frame_accept; read them before decoding. */
    if (came_online) {
        emit_status(events, view.device_id, true, now);
    }
    if (core_frame_decode(events->core, frame, len) != CORE_OK) {
        return;
    }
    type = core_frame_type(events->core);
    if (type != FRAME_TYPE_HEARTBEAT && type != FRAME_TYPE_MOTION && type != FRAME_TYPE_LOG) {
        return;
    }

    view.timestamp = core_frame_timestamp(events->core);
    view.seq = core_frame_seq(events->core);
    view.payload = parse_payload(events->core, frame, len);
    if (view.payload == NULL) {
        return;
    }
    if (type == FRAME_TYPE_HEARTBEAT) {
        record_battery(events, slot, view.device_id, view.payload);
    } else if (type == FRAME_TYPE_MOTION) {
        emit_motion(events, &view, now);
    } else {
        emit_log(events, &view, now);
    }
    cJSON_Delete(view.payload);
}

void api_events_device_offline(api_events_t *events, uint32_t slot, uint32_t now)
{
    emit_status(events, registry_device_id(events->registry, slot), false, now);
}

int32_t api_events_battery(const api_events_t *events, uint32_t slot)
{
    const char *device_id = registry_device_id(events->registry, slot);

    if (slot >= REGISTRY_MAX_DEVICES || strcmp(events->health[slot].device_id, device_id) != 0) {
        return API_EVENTS_BATTERY_UNKNOWN;
    }
    return events->health[slot].battery;
}
