#include "status.h"

#include <cJSON.h>

#include "api_events.h"
#include "media_status.h"

/* Adds {REASON: count} for every reason seen at least once, named by the core. */
static cJSON *render_rejected(homebase_t *homebase)
{
    const intake_t *intake = &homebase->intake;
    cJSON *rejected = cJSON_CreateObject();
    char name[CORE_STATUS_NAME_MAX + 1];

    for (int32_t index = 1; rejected != NULL && index < INTAKE_REASON_SLOTS; index++) {
        if (intake->rejected_by_reason[index] > 0) {
            cJSON_AddNumberToObject(rejected, core_status_name(homebase->core, -index, name),
                                    intake->rejected_by_reason[index]);
        }
    }
    if (rejected != NULL && intake->rejected_other > 0) {
        cJSON_AddNumberToObject(rejected, "OTHER", intake->rejected_other);
    }
    return rejected;
}

/* The verify queue: frames verified from it, waiting, and dropped before their verify by reason. */
static cJSON *render_verify_queue(homebase_t *homebase)
{
    const verify_budget_t *budget = &homebase->intake.budget;
    cJSON *queue = cJSON_CreateObject();
    cJSON *dropped = cJSON_AddObjectToObject(queue, "dropped");

    cJSON_AddNumberToObject(queue, "verifies_per_sec", budget->verifies_per_sec);
    cJSON_AddNumberToObject(queue, "served", budget->served);
    cJSON_AddNumberToObject(queue, "waiting", budget->waiting);
    for (int reason = 0; dropped != NULL && reason < VERIFY_DROP_REASON_COUNT; reason++) {
        cJSON_AddNumberToObject(dropped, verify_budget_drop_name((verify_drop_reason_t)reason),
                                budget->dropped[reason]);
    }
    return queue;
}

static cJSON *render_frames(homebase_t *homebase)
{
    cJSON *frames = cJSON_CreateObject();

    cJSON_AddNumberToObject(frames, "accepted", homebase->intake.accepted);
    cJSON_AddItemToObject(frames, "rejected", render_rejected(homebase));
    cJSON_AddItemToObject(frames, "verify_queue", render_verify_queue(homebase));
    return frames;
}

static cJSON *render_device_counts(homebase_t *homebase)
{
    cJSON *devices = cJSON_CreateArray();

    for (size_t slot = 0; slot < homebase->registry->device_count; slot++) {
        cJSON *device;

        /* A revoked device leaves its slot free. */
        if (homebase->registry->devices[slot].device_id[0] == '\0') {
            continue;
        }
        device = cJSON_CreateObject();

        cJSON_AddStringToObject(device, "device_id", homebase->registry->devices[slot].device_id);
        cJSON_AddNumberToObject(device, "accepted", homebase->intake.accepted_by_slot[slot]);
        cJSON_AddItemToArray(devices, device);
    }
    return devices;
}

static cJSON *render_batches(homebase_t *homebase)
{
    cJSON *batches = cJSON_CreateObject();
    cJSON *dropped;

    cJSON_AddNumberToObject(batches, "sent", homebase->batches_sent);
    cJSON_AddNumberToObject(batches, "spooled", homebase_spooled_count(homebase));
    cJSON_AddNumberToObject(batches, "failures", homebase->send_failures);
    cJSON_AddNumberToObject(batches, "set_aside", homebase->batches_set_aside);
    cJSON_AddBoolToObject(batches, "spool_full", homebase->spool_full);
    dropped = cJSON_AddObjectToObject(batches, "entries_dropped");
    for (int reason = 0; dropped != NULL && reason < HOMEBASE_DROP_REASON_COUNT; reason++) {
        cJSON_AddNumberToObject(dropped, homebase_drop_reason_name((homebase_drop_reason_t)reason),
                                homebase->entries_dropped[reason]);
    }
    if (homebase->sealed_any) {
        cJSON_AddNumberToObject(batches, "last_sealed_seq", homebase->last_sealed_seq);
    } else {
        cJSON_AddNullToObject(batches, "last_sealed_seq");
    }
    return batches;
}

static void add_time_or_null(cJSON *object, const char *name, uint32_t unix_sec)
{
    if (unix_sec > 0) {
        cJSON_AddNumberToObject(object, name, unix_sec);
    } else {
        cJSON_AddNullToObject(object, name);
    }
}

const char *status_link_state(const homebase_t *homebase)
{
    if (homebase->last_send_ok_at == 0 && homebase->last_send_failed_at == 0) {
        return "unknown";
    }
    return homebase->last_send_ok_at >= homebase->last_send_failed_at ? "up" : "down";
}

static cJSON *render_link(homebase_t *homebase)
{
    cJSON *link = cJSON_CreateObject();

    cJSON_AddStringToObject(link, "state", status_link_state(homebase));
    add_time_or_null(link, "last_success_at", homebase->last_send_ok_at);
    add_time_or_null(link, "last_failure_at", homebase->last_send_failed_at);
    cJSON_AddNumberToObject(link, "spooled", homebase_spooled_count(homebase));
    return link;
}

static cJSON *render_radio(homebase_t *homebase)
{
    cJSON *radio = cJSON_CreateObject();

    cJSON_AddStringToObject(radio, "state", homebase->radio_state != NULL ? homebase->radio_state : "unknown");
    return radio;
}

static cJSON *render_events(homebase_t *homebase)
{
    cJSON *events = cJSON_CreateObject();
    const api_events_t *source = homebase->events;

    cJSON_AddNumberToObject(events, "emitted", source != NULL ? source->emitted : 0);
    cJSON_AddNumberToObject(events, "dropped", source != NULL ? source->dropped : 0);
    return events;
}

/* Prints and frees `root`; NULL when building or printing failed or the core trapped meanwhile. */
static char *finish(homebase_t *homebase, cJSON *root)
{
    char *text = NULL;

    if (root != NULL && !homebase->core->engine->trapped) {
        text = cJSON_PrintUnformatted(root);
    }
    cJSON_Delete(root);
    return text;
}

char *status_render(homebase_t *homebase)
{
    cJSON *root = cJSON_CreateObject();
    uint32_t now = hb_clock_now(homebase->clock);

    cJSON_AddStringToObject(root, "home_base_id", homebase->registry->home_base_id);
    cJSON_AddStringToObject(root, "network_id", homebase->registry->network_id);
    cJSON_AddNumberToObject(root, "uptime_sec", now >= homebase->started_at ? now - homebase->started_at : 0);
    cJSON_AddItemToObject(root, "link", render_link(homebase));
    cJSON_AddItemToObject(root, "radio", render_radio(homebase));
    cJSON_AddItemToObject(root, "frames", render_frames(homebase));
    cJSON_AddItemToObject(root, "devices", render_device_counts(homebase));
    cJSON_AddItemToObject(root, "batches", render_batches(homebase));
    cJSON_AddItemToObject(root, "events", render_events(homebase));
    if (homebase->media != NULL) {
        cJSON_AddItemToObject(root, "storage", media_status_render(homebase->media));
    }
    return finish(homebase, root);
}

/* The percentage of the device's last heartbeat, or null before one arrived. */
static void render_battery(homebase_t *homebase, cJSON *device, uint32_t slot)
{
    int32_t battery = homebase->events != NULL ? api_events_battery(homebase->events, slot)
                                               : API_EVENTS_BATTERY_UNKNOWN;

    if (battery == API_EVENTS_BATTERY_UNKNOWN) {
        cJSON_AddNullToObject(device, "battery");
    } else {
        cJSON_AddNumberToObject(device, "battery", battery);
    }
}

char *status_render_devices(homebase_t *homebase)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(root, "items");

    for (size_t i = 0; items != NULL && i < homebase->registry->device_count; i++) {
        uint32_t slot = (uint32_t)i;
        cJSON *device;
        uint32_t last_seen;

        if (homebase->registry->devices[i].device_id[0] == '\0') {
            continue;
        }
        device = cJSON_CreateObject();
        last_seen = core_device_last_seen(homebase->core, slot);

        cJSON_AddStringToObject(device, "device_id", homebase->registry->devices[i].device_id);
        cJSON_AddBoolToObject(device, "online", core_device_online(homebase->core, slot));
        /* 0 from the core means the device has sent nothing accepted yet. */
        if (last_seen > 0) {
            cJSON_AddNumberToObject(device, "last_seen", last_seen);
        } else {
            cJSON_AddNullToObject(device, "last_seen");
        }
        cJSON_AddNumberToObject(device, "highest_seq", core_device_highest_seq(homebase->core, slot));
        cJSON_AddNumberToObject(device, "frames_accepted", homebase->intake.accepted_by_slot[i]);
        render_battery(homebase, device, slot);
        cJSON_AddItemToArray(items, device);
    }
    return finish(homebase, root);
}
