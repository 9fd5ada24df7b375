#include "intake.h"

#include <string.h>

#include "hb_log.h"

void intake_init(intake_t *intake, core_t *core, const registry_t *registry,
                 const hb_clock_t *clock, intake_batch_full_fn on_batch_full, void *ctx)
{
    memset(intake, 0, sizeof *intake);
    intake->core = core;
    intake->registry = registry;
    intake->clock = clock;
    intake->on_batch_full = on_batch_full;
    intake->on_batch_full_ctx = ctx;
    verify_budget_init(&intake->budget, 0);
}

void intake_set_accepted_hook(intake_t *intake, intake_accepted_fn on_accepted, void *ctx)
{
    intake->on_accepted = on_accepted;
    intake->on_accepted_ctx = ctx;
}

/* Returns true while this second's budget of rejected-frame log lines lasts. The first line of a
 * new second reports how many were dropped in the seconds before. */
static bool take_log_budget(intake_t *intake, uint32_t now)
{
    if (now != intake->log_second) {
        if (intake->suppressed_logs > 0) {
            hb_log(HB_LOG_WARN, "frame rejected: %u more log lines suppressed (limit %d per second)",
                   (unsigned)intake->suppressed_logs, INTAKE_REJECT_LOGS_PER_SEC);
        }
        intake->log_second = now;
        intake->logged_in_second = 0;
        intake->suppressed_logs = 0;
    }

    if (intake->logged_in_second >= INTAKE_REJECT_LOGS_PER_SEC) {
        intake->suppressed_logs++;
        return false;
    }
    intake->logged_in_second++;
    return true;
}

static void count_rejected(intake_t *intake, int32_t status, const uint8_t mac[INTAKE_MAC_LEN],
                           uint32_t now)
{
    char reason[CORE_STATUS_NAME_MAX + 1];
    char device_id[CORE_DEVICE_ID_LEN];
    bool decoded;

    if (status < 0 && -status < INTAKE_REASON_SLOTS) {
        intake->rejected_by_reason[-status]++;
    } else {
        intake->rejected_other++;
    }
    if (!take_log_budget(intake, now)) {
        return;
    }

    decoded = core_frame_device_id(intake->core, status, device_id);
    hb_log(HB_LOG_WARN, "frame rejected: reason=%s device=%s seq=%u mac=%02x:%02x:%02x:%02x:%02x:%02x",
           core_status_name(intake->core, status, reason), device_id,
           decoded ? (unsigned)core_frame_seq(intake->core) : 0u, mac[0], mac[1], mac[2], mac[3],
           mac[4], mac[5]);
}

/* Adds the accepted frame to the open batch. On BATCH_FULL the batch is sealed and spooled, and the
 * frame is added once more. */
static int32_t add_to_batch(intake_t *intake, size_t len, int32_t rssi, uint32_t now)
{
    int32_t status = core_batch_add_frame(intake->core, len, rssi, now);

    if (status == CORE_BATCH_FULL && intake->on_batch_full(intake->on_batch_full_ctx) == 0) {
        status = core_batch_add_frame(intake->core, len, rssi, now);
    }
    return status;
}

static void add_came_online(intake_t *intake, uint32_t slot, uint32_t now)
{
    int32_t status = core_batch_add_status(intake->core, slot, true, now);

    if (status == CORE_BATCH_FULL && intake->on_batch_full(intake->on_batch_full_ctx) == 0) {
        status = core_batch_add_status(intake->core, slot, true, now);
    }
    /* BATCH_FULL means the seal failed: the home base counts the entry and logs why. */
    if (status != CORE_OK && status != CORE_BATCH_FULL) {
        char name[CORE_STATUS_NAME_MAX + 1];

        hb_log(HB_LOG_ERROR, "device status not batched: device=%s reason=%s",
               registry_device_id(intake->registry, slot), core_status_name(intake->core, status, name));
    }
}

int32_t intake_frame(intake_t *intake, const uint8_t *frame, size_t len,
                     const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi)
{
    uint32_t now = hb_clock_now(intake->clock);
    int32_t status = core_frame_accept(intake->core, frame, len, now);
    uint32_t slot;
    bool came_online;
    bool taken_elsewhere;
    int32_t batch_status;

    if (status != CORE_OK) {
        count_rejected(intake, status, mac, now);
        return status;
    }

    /* Accepted: read what the core decided before the batch calls below. */
    slot = core_frame_slot(intake->core);
    came_online = core_frame_came_online(intake->core);
    intake->accepted++;
    if (slot < REGISTRY_MAX_DEVICES) {
        intake->accepted_by_slot[slot]++;
    }
    hb_log(HB_LOG_DEBUG, "frame accepted: device=%s seq=%u rssi=%d",
           registry_device_id(intake->registry, slot), (unsigned)core_frame_seq(intake->core),
           (int)rssi);
    if (slot < REGISTRY_MAX_DEVICES) {
        memcpy(intake->mac_by_slot[slot], mac, INTAKE_MAC_LEN);
        intake->mac_known[slot] = true;
    }

    /* docs/protocol.md section 10.3: the raised floor is on the card before the frame has effects. */
    if (intake->hooks.persist_replay != NULL && intake->hooks.persist_replay(intake->hooks.persist_ctx) != 0) {
        hb_log(HB_LOG_ERROR, "frame dropped: device=%s reason=replay state not written",
               registry_device_id(intake->registry, slot));
        return status;
    }
    if (core_frame_key_rotated(intake->core) && intake->hooks.on_key_rotated != NULL) {
        intake->hooks.on_key_rotated(intake->hooks.key_rotated_ctx, slot);
    }
    if (core_frame_type(intake->core) == INTAKE_FRAME_TYPE_ACK) {
        if (intake->hooks.on_ack != NULL) {
            intake->hooks.on_ack(intake->hooks.ack_ctx, slot, frame, len);
        }
        if (came_online) {
            add_came_online(intake, slot, now);
        }
        return status;
    }

    /* The hook runs before the batch calls, while the core's getters still describe the frame. */
    taken_elsewhere = intake->on_accepted != NULL &&
                      intake->on_accepted(intake->on_accepted_ctx, len, now);

    /* The status entry goes first, so the batch shows the device online before its first entry. */
    if (came_online) {
        add_came_online(intake, slot, now);
    }
    if (taken_elsewhere) {
        return status;
    }
    batch_status = add_to_batch(intake, len, rssi, now);
    if (batch_status != CORE_OK && batch_status != CORE_BATCH_FULL) {
        char name[CORE_STATUS_NAME_MAX + 1];

        hb_log(HB_LOG_ERROR, "frame not batched: device=%s reason=%s",
               registry_device_id(intake->registry, slot),
               core_status_name(intake->core, batch_status, name));
    }
    if (intake->hooks.on_batched != NULL) {
        intake->hooks.on_batched(intake->hooks.batched_ctx, frame, len, now);
    }
    return status;
}

uint32_t intake_rejected_total(const intake_t *intake)
{
    uint32_t total = intake->rejected_other;

    for (size_t i = 0; i < INTAKE_REASON_SLOTS; i++) {
        total += intake->rejected_by_reason[i];
    }
    return total;
}
