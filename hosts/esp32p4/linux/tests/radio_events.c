#include "radio_events.h"

#include <string.h>

#include "support.h"

void test_radio_on_frame(void *ctx, const uint8_t *frame, size_t len, const uint8_t mac[RADIO_MAC_LEN], int32_t rssi)
{
    test_radio_events_t *events = ctx;

    assert_true(len <= sizeof events->frame);
    memcpy(events->frame, frame, len);
    events->len = len;
    memcpy(events->mac, mac, RADIO_MAC_LEN);
    events->rssi = rssi;
    events->frames++;
}

void test_radio_on_send_status(void *ctx, uint16_t send_id, bool delivered)
{
    test_radio_events_t *events = ctx;

    assert_true(events->statuses < TEST_RADIO_STATUS_MAX);
    events->status_ids[events->statuses] = send_id;
    events->delivered[events->statuses] = delivered;
    events->statuses++;
}
