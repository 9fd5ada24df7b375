#include "radio.h"

const uint8_t radio_broadcast_mac[RADIO_MAC_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void radio_set_handlers(radio_t *radio, radio_frame_fn on_frame,
                        radio_send_status_fn on_send_status, void *ctx)
{
    radio->on_frame = on_frame;
    radio->on_send_status = on_send_status;
    radio->handler_ctx = ctx;
}

int radio_send(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame, size_t len,
               uint16_t *send_id)
{
    if (len == 0 || len > RADIO_FRAME_MAX_LEN) {
        return -1;
    }
    return radio->send(radio, mac, frame, len, send_id);
}

void radio_deliver_frame(radio_t *radio, const uint8_t *frame, size_t len,
                         const uint8_t mac[RADIO_MAC_LEN], int32_t rssi)
{
    if (radio->on_frame != NULL) {
        radio->on_frame(radio->handler_ctx, frame, len, mac, rssi);
    }
}

void radio_deliver_send_status(radio_t *radio, uint16_t send_id, bool delivered)
{
    if (radio->on_send_status != NULL) {
        radio->on_send_status(radio->handler_ctx, send_id, delivered);
    }
}
