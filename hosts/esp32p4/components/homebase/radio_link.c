#include "radio_link.h"

#include <string.h>

#include "hb_log.h"

static int send_message(radio_link_t *link, const link_message_t *message)
{
    uint8_t wire[LINK_WIRE_MAX_LEN];
    size_t len = link_message_encode(message, wire);

    if (len == 0 || link->write(link->write_ctx, wire, len) != 0) {
        link->counters.write_failed++;
        return -1;
    }
    return 0;
}

static void send_version(radio_link_t *link, uint8_t flags)
{
    link_message_t message = { .type = LINK_TYPE_VERSION, .body.version = link->bundled };

    message.body.version.flags = flags;
    send_message(link, &message);
}

static int link_send(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame,
                     size_t len, uint16_t *send_id)
{
    radio_link_t *link = (radio_link_t *)radio;
    link_message_t message = { .type = LINK_TYPE_FRAME_OUT };

    message.body.frame_out.message_id = link->next_message_id;
    memcpy(message.body.frame_out.mac, mac, RADIO_MAC_LEN);
    message.body.frame_out.frame = frame;
    message.body.frame_out.frame_len = len;
    if (send_message(link, &message) != 0) {
        return -1;
    }

    *send_id = link->next_message_id++;
    link->counters.frames_out++;
    return 0;
}

static void note_version(radio_link_t *link, const link_version_t *version)
{
    bool first = !link->radio_version_known;

    link->radio_version = *version;
    link->radio_version_known = true;
    if ((version->flags & LINK_VERSION_FLAG_REPLY_REQUESTED) != 0) {
        send_version(link, 0);
    }
    if (!first) {
        return;
    }

    hb_log(HB_LOG_INFO, "radio link: co-processor protocol=%u firmware=%u.%u.%u",
           (unsigned)version->protocol_version, (unsigned)version->firmware_major,
           (unsigned)version->firmware_minor, (unsigned)version->firmware_patch);
    if (link_version_needs_update(version, &link->bundled)) {
        hb_log(HB_LOG_WARN, "radio link: co-processor needs an update: protocol=%u firmware=%u.%u.%u, "
               "expected protocol=%u firmware=%u.%u.%u or later", (unsigned)version->protocol_version,
               (unsigned)version->firmware_major, (unsigned)version->firmware_minor,
               (unsigned)version->firmware_patch, (unsigned)link->bundled.protocol_version,
               (unsigned)link->bundled.firmware_major, (unsigned)link->bundled.firmware_minor,
               (unsigned)link->bundled.firmware_patch);
    }
}

static void note_heartbeat(radio_link_t *link, uint32_t uptime_sec)
{
    if (link->heard_any && uptime_sec < link->radio_uptime_sec) {
        link->counters.radio_restarts++;
        hb_log(HB_LOG_WARN, "radio link: co-processor restarted (uptime %u s after %u s)",
               (unsigned)uptime_sec, (unsigned)link->radio_uptime_sec);
    }
    link->radio_uptime_sec = uptime_sec;
}

static void on_message(void *ctx, const link_message_t *message)
{
    radio_link_t *link = ctx;
    const link_frame_in_t *in = &message->body.frame_in;

    switch (message->type) {
    case LINK_TYPE_FRAME_IN:
        link->counters.frames_in++;
        radio_deliver_frame(&link->radio, in->frame, in->frame_len, in->mac, in->rssi);
        break;
    case LINK_TYPE_SEND_STATUS:
        if (message->body.send_status.status == LINK_SEND_OK) {
            link->counters.send_ok++;
        } else {
            link->counters.send_failed++;
        }
        radio_deliver_send_status(&link->radio, message->body.send_status.message_id,
                                  message->body.send_status.status == LINK_SEND_OK);
        break;
    case LINK_TYPE_HEARTBEAT:
        note_heartbeat(link, message->body.heartbeat.uptime_sec);
        break;
    case LINK_TYPE_VERSION:
        note_version(link, &message->body.version);
        break;
    case LINK_TYPE_FRAME_OUT:
        link->counters.unexpected++;
        return;
    }
    link->heard_at = hb_clock_now(link->clock);
    link->heard_any = true;
}

void radio_link_init(radio_link_t *link, radio_link_write_fn write, void *write_ctx,
                     const hb_clock_t *clock, const link_version_t *bundled)
{
    memset(link, 0, sizeof *link);
    link->radio.send = link_send;
    link->write = write;
    link->write_ctx = write_ctx;
    link->clock = clock;
    link->bundled = *bundled;
    link->bundled.flags = 0;
    link->bundled.protocol_version = LINK_PROTOCOL_VERSION;
    link_decoder_init(&link->decoder, on_message, link);
    link->started_at = hb_clock_now(clock);
    link->heartbeat_sent_at = link->started_at;

    send_version(link, LINK_VERSION_FLAG_REPLY_REQUESTED);
}

radio_t *radio_link_radio(radio_link_t *link)
{
    return &link->radio;
}

void radio_link_receive(radio_link_t *link, const uint8_t *bytes, size_t len)
{
    link_decoder_push(&link->decoder, bytes, len);
}

bool radio_link_is_up(const radio_link_t *link)
{
    return link->heard_any && hb_clock_now(link->clock) - link->heard_at <= RADIO_LINK_TIMEOUT_SEC;
}

bool radio_link_needs_update(const radio_link_t *link)
{
    return link->radio_version_known && link_version_needs_update(&link->radio_version, &link->bundled);
}

void radio_link_tick(radio_link_t *link)
{
    uint32_t now = hb_clock_now(link->clock);
    bool up = radio_link_is_up(link);

    if (now - link->heartbeat_sent_at >= LINK_HEARTBEAT_INTERVAL_SEC) {
        link_message_t message = { .type = LINK_TYPE_HEARTBEAT };

        message.body.heartbeat.uptime_sec = now - link->started_at;
        link->heartbeat_sent_at = now;
        send_message(link, &message);
    }

    if (up != link->was_up) {
        if (up) {
            hb_log(HB_LOG_INFO, "radio link: up");
        } else {
            hb_log(HB_LOG_WARN, "radio link: down, nothing heard from the co-processor for %d s",
                   RADIO_LINK_TIMEOUT_SEC);
        }
        link->was_up = up;
    }
}
