/* Events of the local API's WebSocket stream, built from what the home base accepts: `device_status`,
 * `motion_event` and `log_entry`, in the central server's envelope
 * {"id","type","time","network_id","data"} (hosts/node/src/ws/server.ts), with `data` as the central
 * server publishes it for the same event (hosts/node/src/ingest/service.ts).
 *
 * The module also keeps what the status pages show beyond the core's device table: each device's
 * battery from its last heartbeat, and the last event for the OLED screen.
 *
 * Called from the thread that runs the home base, under its lock. The sink runs inside these calls,
 * so it must not block (the Linux build queues the text for the WebSocket thread). */
#ifndef API_EVENTS_H
#define API_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "registry.h"

/* Maximum envelope length: a log_entry with the longest message that fits a frame (159-byte payload, each
 * byte escaped as \u00XX at worst) and the fixed members. Longer texts are not sent. */
#define API_EVENT_JSON_MAX_LEN 1536
/* A battery reading a device has not sent yet. */
#define API_EVENTS_BATTERY_UNKNOWN (-1)
#define API_EVENTS_SUMMARY_LEN 40

/* Receives one envelope as NUL-terminated JSON of `len` bytes. */
typedef void (*api_event_sink_fn)(void *ctx, const char *json, size_t len);

typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    /* Percent from the last heartbeat, or API_EVENTS_BATTERY_UNKNOWN. */
    int32_t battery;
} api_device_health_t;

typedef struct api_events {
    core_t *core;
    const registry_t *registry;
    api_event_sink_fn sink;
    void *sink_ctx;

    /* The envelope id of the next event, as a decimal string like the central server's event ids;
     * it restarts at 1 with the process. */
    uint64_t next_id;
    uint32_t emitted;
    /* Envelopes not sent because they did not fit API_EVENT_JSON_MAX_LEN or memory ran out. */
    uint32_t dropped;

    api_device_health_t health[REGISTRY_MAX_DEVICES];

    /* "motion porch-cam" and the like, for the OLED screen; empty before the first event. */
    char last_summary[API_EVENTS_SUMMARY_LEN];
    uint32_t last_at;
} api_events_t;

/* `sink` may be NULL: the module then only keeps the health table and the last event. */
void api_events_init(api_events_t *events, core_t *core, const registry_t *registry,
                     api_event_sink_fn sink, void *sink_ctx);

/* Describes the frame that core_frame_accept just accepted (`frame`, `len` are its bytes): a
 * device_status when it brought its device online, a motion_event or a log_entry for those types,
 * and the battery of a heartbeat. Decodes the frame again (no state change) to read its fields. */
void api_events_frame_accepted(api_events_t *events, const uint8_t *frame, size_t len, uint32_t now);

/* Sends device_status with online false for the device in `slot` (core_device_expire's result). */
void api_events_device_offline(api_events_t *events, uint32_t slot, uint32_t now);

/* The battery of the device in `slot`, or API_EVENTS_BATTERY_UNKNOWN. A slot whose device changed
 * since the reading (a revoked and re-added slot) reads unknown. */
int32_t api_events_battery(const api_events_t *events, uint32_t slot);

/* Writes `unix_sec` as ISO 8601 in UTC with milliseconds, "2025-12-04T18:00:00.000Z" (25 bytes). */
void api_events_iso_time(uint32_t unix_sec, char out[25]);

#endif
