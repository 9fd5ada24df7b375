#include "radio_coproc.h"

#include <string.h>

static void send_message(radio_coproc_t *coproc, const link_message_t *message)
{
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = link_message_encode(message, wire);

    if (len == 0 || coproc->port.write(coproc->port.ctx, wire, len) != 0) {
        coproc->counters.write_failed++;
    }
}

static void send_version(radio_coproc_t *coproc, uint8_t flags)
{
    link_message_t message = { .type = LINK_TYPE_VERSION, .body.version = coproc->version };

    message.body.version.flags = flags;
    send_message(coproc, &message);
}

void radio_coproc_send_done(radio_coproc_t *coproc, uint16_t message_id, bool delivered)
{
    link_message_t message = {
        .type = LINK_TYPE_SEND_STATUS,
        .body.send_status = { .message_id = message_id,
                              .status = delivered ? LINK_SEND_OK : LINK_SEND_FAILED },
    };

    if (!delivered) {
        coproc->counters.send_failed++;
    }
    send_message(coproc, &message);
}

/* Makes the destination a peer (removing the least recently used one when the list is full) and
 * starts the send. A failure at any step is reported at once as LINK_SEND_FAILED. */
static void send_frame_out(radio_coproc_t *coproc, const link_frame_out_t *out)
{
    uint8_t evicted[LINK_MAC_LEN];
    radio_peer_result_t result = radio_peers_prepare(&coproc->peers, out->mac, evicted);

    if (result == RADIO_PEER_ADDED_EVICTED) {
        coproc->port.remove_peer(coproc->port.ctx, evicted);
    }
    if (result != RADIO_PEER_PRESENT && coproc->port.add_peer(coproc->port.ctx, out->mac) != 0) {
        radio_peers_remove(&coproc->peers, out->mac);
        radio_coproc_send_done(coproc, out->message_id, false);
        return;
    }

    coproc->counters.frames_out++;
    if (coproc->port.send_frame(coproc->port.ctx, out->mac, out->frame, out->frame_len,
                                out->message_id) != 0) {
        radio_coproc_send_done(coproc, out->message_id, false);
    }
}

static void on_message(void *ctx, const link_message_t *message)
{
    radio_coproc_t *coproc = ctx;

    switch (message->type) {
    case LINK_TYPE_FRAME_OUT:
        send_frame_out(coproc, &message->body.frame_out);
        break;
    case LINK_TYPE_HEARTBEAT:
        coproc->home_base_uptime_sec = message->body.heartbeat.uptime_sec;
        coproc->home_base_heard = true;
        break;
    case LINK_TYPE_VERSION:
        coproc->home_base_heard = true;
        if ((message->body.version.flags & LINK_VERSION_FLAG_REPLY_REQUESTED) != 0) {
            send_version(coproc, 0);
        }
        break;
    case LINK_TYPE_FRAME_IN:
    case LINK_TYPE_SEND_STATUS:
        coproc->counters.unexpected++;
        break;
    }
}

void radio_coproc_init(radio_coproc_t *coproc, const radio_coproc_port_t *port, uint8_t major,
                       uint8_t minor, uint8_t patch, uint32_t now)
{
    memset(coproc, 0, sizeof *coproc);
    coproc->port = *port;
    link_decoder_init(&coproc->decoder, on_message, coproc);
    radio_peers_init(&coproc->peers);
    coproc->version = (link_version_t){
        .protocol_version = LINK_PROTOCOL_VERSION,
        .firmware_major = major,
        .firmware_minor = minor,
        .firmware_patch = patch,
    };
    coproc->started_at = now;
    coproc->heartbeat_sent_at = now;
    coproc->heartbeat_interval_sec = LINK_HEARTBEAT_INTERVAL_SEC;

    send_version(coproc, LINK_VERSION_FLAG_REPLY_REQUESTED);
}

void radio_coproc_receive_uart(radio_coproc_t *coproc, const uint8_t *bytes, size_t len)
{
    link_decoder_push(&coproc->decoder, bytes, len);
}

void radio_coproc_frame_heard(radio_coproc_t *coproc, const uint8_t mac[LINK_MAC_LEN], int rssi,
                              const uint8_t *frame, size_t len)
{
    link_message_t message = { .type = LINK_TYPE_FRAME_IN };

    if (len == 0 || len > LINK_FRAME_MAX_LEN) {
        coproc->counters.frames_in_dropped++;
        return;
    }
    memcpy(message.body.frame_in.mac, mac, LINK_MAC_LEN);
    message.body.frame_in.rssi = (int8_t)(rssi < -128 ? -128 : rssi > 127 ? 127 : rssi);
    message.body.frame_in.frame = frame;
    message.body.frame_in.frame_len = len;

    coproc->counters.frames_in++;
    send_message(coproc, &message);
}

int radio_coproc_set_heartbeat_interval(radio_coproc_t *coproc, uint32_t interval_sec)
{
    if (interval_sec == 0 || interval_sec > RADIO_COPROC_HEARTBEAT_INTERVAL_MAX_SEC) {
        return -1;
    }
    coproc->heartbeat_interval_sec = interval_sec;
    return 0;
}

void radio_coproc_tick(radio_coproc_t *coproc, uint32_t now)
{
    link_message_t message = { .type = LINK_TYPE_HEARTBEAT };

    if (now - coproc->heartbeat_sent_at < coproc->heartbeat_interval_sec) {
        return;
    }
    coproc->heartbeat_sent_at = now;
    message.body.heartbeat.uptime_sec = now - coproc->started_at;
    send_message(coproc, &message);
}
