/* Time beacons (docs/protocol.md section 1.6): a 0x06 frame built by the core, signed with the
 * home base's own key, broadcast once at start and every BEACON_INTERVAL_SEC after.
 *
 * The boot counter is raised and written before the first beacon after a start. The beacon seq
 * follows the floor rule of section 10.3: before a seq above the stored floor goes out, the floor
 * becomes seq + BEACON_FLOOR_STEP and is written; after a restart beacons continue above the stored
 * floor, so a seq is never used twice. Both live in BEACON_STATE_FILE: ASCII "HMB0", then the boot
 * counter and the seq floor as little-endian u32. */
#ifndef BEACON_H
#define BEACON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "hb_file.h"
#include "radio.h"
#include "registry.h"

#define BEACON_INTERVAL_SEC 10
#define BEACON_FLOOR_STEP 64
#define BEACON_STATE_FILE "beacon-state.bin"
#define BEACON_STATE_LEN 12
#define BEACON_FRAME_TYPE 0x06
#define BEACON_PAYLOAD_LEN 6
/* The Wi-Fi channel announced when none is configured. */
#define BEACON_CHANNEL_DEFAULT 1
#define BEACON_ERROR_LEN 512

typedef struct {
    core_t *core;
    const registry_t *registry;
    const hb_clock_t *clock;
    /* Beacons go to radio_broadcast_mac through it. */
    radio_t *radio;
    char dir[HB_FILE_PATH_LEN - sizeof BEACON_STATE_FILE - 1];
    uint8_t channel;

    uint32_t boot;
    uint32_t next_seq;
    uint32_t seq_floor;
    uint32_t last_sent_at;
    bool sent_any;
    uint32_t sent;
    uint32_t failures;
} beacon_t;

/* Reads the state in `dir`, raises the boot counter and writes it back. `channel` is 1 to 14.
 * Returns 0, or -1 with the reason in `error` (a malformed state file, a failed write, a bad
 * channel); the home base must not send beacons then. */
int beacon_start(beacon_t *beacon, core_t *core, const registry_t *registry, const hb_clock_t *clock,
                 const char *dir, uint8_t channel, radio_t *radio, char *error);

/* Sends a beacon when none was sent since the start or BEACON_INTERVAL_SEC have passed. Returns 1
 * when one went out, 0 when none was due, -1 when building, storing or sending failed (the next
 * tick tries again). */
int beacon_tick(beacon_t *beacon);

#endif
