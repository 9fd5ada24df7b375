/* The media report outbox (docs/protocol.md section 12.1). Each report is a stored content's path
 * with the device id and seq of its motion event. The reports wait to be sent to the central
 * server with POST /motion-events/media, signed with the home base's key. outbox.h
 * keeps them in MEDIA_REPORT_FILE until the central server responded 200, and retries with backoff.
 *
 * Limits: at most MEDIA_REPORT_MAX reports wait; when full, a new report replaces the oldest, which
 * is logged as lost, and that motion event stays without media at the central server. */
#ifndef MEDIA_REPORT_H
#define MEDIA_REPORT_H

#include <stdint.h>

#include "core_api.h"
#include "hb_clock.h"
#include "media.h"
#include "media_path.h"
#include "outbox.h"
#include "uplink.h"

#define MEDIA_REPORT_MAX 64
#define MEDIA_REPORT_FILE "motion-media.json"
#define MEDIA_REPORT_PATH "/motion-events/media"

typedef struct {
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t seq;
    char path[MEDIA_PATH_LEN];
} media_report_entry_t;

typedef struct {
    outbox_t outbox;
    media_report_entry_t entries[MEDIA_REPORT_MAX];
} media_report_t;

/* Works out the URL from the uplink's and reads the reports left in `dir`. Returns 0, or -1 when
 * the stored file is malformed or a name does not fit. */
int media_report_init(media_report_t *report, uplink_t *uplink, const hb_clock_t *clock,
                      const char *dir);

/* Adds a report of `path` for the motion event `seq` of `device_id` and writes the outbox. Returns
 * 0, or -1 when the outbox could not be written. */
int media_report_add(media_report_t *report, const char *device_id, uint32_t seq, const char *path);

/* The media_stored_fn for media_set_stored_callback, with the media_report_t as `ctx`: adds a
 * report for content linked to a motion event and ignores content linked to none. */
void media_report_on_stored(void *ctx, const media_stored_t *stored);

/* Sends the waiting reports, for a caller that runs alone (outbox_flush without a lock;
 * uplink_sender.h sends them under the lock). Returns 1 when the central server took them, 0 when
 * nothing was due, -1 after a failure. */
int media_report_flush(media_report_t *report);

#endif
