/* The verify queue in front of intake_frame: docs/protocol.md section 1.3 puts the cheap checks
 * before the signature, and verify_budget.h shares the verifies among the senders. */
#include "intake.h"

#include "hb_log.h"

int32_t intake_admit(intake_t *intake, const uint8_t *frame, size_t len,
                     const uint8_t mac[INTAKE_MAC_LEN], int32_t rssi)
{
    uint32_t now = hb_clock_now(intake->clock);
    int32_t status = core_frame_precheck(intake->core, frame, len, now);
    char device_id[CORE_DEVICE_ID_LEN];

    /* A chunk has no signature, so it costs no verify and skips the queue. */
    if (status == CORE_FRAME_NOT_SIGNED) {
        return intake_frame(intake, frame, len, mac, rssi);
    }
    if (status != CORE_OK) {
        /* intake_frame counts and logs the rejection; the core stops at the same cheap check. */
        return intake_frame(intake, frame, len, mac, rssi);
    }

    core_frame_device_id(intake->core, status, device_id);
    if (!verify_budget_push(&intake->budget, frame, len, mac, device_id, rssi)) {
        return INTAKE_DROPPED;
    }
    return CORE_OK;
}

uint32_t intake_serve(intake_t *intake)
{
    verify_item_t item;
    uint32_t served = 0;

    while (verify_budget_pop(&intake->budget, hb_clock_now(intake->clock), &item)) {
        intake_frame(intake, item.frame, item.len, item.mac, item.rssi);
        served++;
    }
    return served;
}
