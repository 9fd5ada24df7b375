/* The command results outbox (docs/protocol.md section 9.2): final results waiting to be reported
 * to the central server with POST /commands/results, signed with the home base's key. outbox.h
 * keeps them in COMMAND_RESULTS_FILE until the central server responded 200, and retries with
 * doubling delays from COMMAND_RESULTS_RETRY_FIRST_SEC to COMMAND_RESULTS_RETRY_MAX_SEC.
 *
 * Limits: at most COMMAND_RESULTS_MAX results wait (one request's worth, section 9.2); when full, a
 * new result replaces the oldest, which is logged as lost. */
#ifndef COMMAND_RESULTS_H
#define COMMAND_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "outbox.h"
#include "uplink.h"

#define COMMAND_RESULTS_MAX 64
#define COMMAND_RESULTS_FILE "command-results.json"
#define COMMAND_RESULTS_PATH "/commands/results"
#define COMMAND_RESULTS_RETRY_FIRST_SEC OUTBOX_RETRY_FIRST_SEC
#define COMMAND_RESULTS_RETRY_MAX_SEC OUTBOX_RETRY_MAX_SEC
#define COMMAND_RESULTS_REASON_LEN 64
/* An acknowledgement frame of at most 250 bytes, hex. */
#define COMMAND_RESULTS_ACK_HEX_LEN 501

typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t id;
    char result[16];
    char reason[COMMAND_RESULTS_REASON_LEN];
    /* Empty for a config command. */
    char ack_hex[COMMAND_RESULTS_ACK_HEX_LEN];
} command_result_t;

typedef struct {
    /* Sending, keeping and the counters; outbox.count entries of `entries` wait. */
    outbox_t outbox;
    command_result_t entries[COMMAND_RESULTS_MAX];
} command_results_t;

/* Works out the URL from the uplink's and reads the outbox left in `dir`. Returns 0, or -1 when
 * the stored outbox is malformed or a name does not fit. */
int command_results_init(command_results_t *results, uplink_t *uplink, const hb_clock_t *clock,
                         const char *dir);

/* Adds a final result and writes the outbox. `ack` (len bytes) is the device's acknowledgement
 * frame, or NULL for a config command. Returns 0, or -1 when the outbox could not be written. */
int command_results_add(command_results_t *results, const char *device_id, uint32_t id,
                        const char *result, const char *reason, const uint8_t *ack, size_t len);

/* Sends the waiting results when there are any and no retry delay runs, for a caller that runs
 * alone (outbox_flush without a lock; uplink_sender.h sends them under the lock). Returns 1 when the
 * central server took them, 0 when nothing was due, -1 after a failure. */
int command_results_flush(command_results_t *results);

#endif
