#include "link_message.h"

#include <string.h>

#include "link_crc.h"

#define FRAME_IN_FIXED_LEN (LINK_MAC_LEN + 1)
#define FRAME_OUT_FIXED_LEN (2 + LINK_MAC_LEN)
#define SEND_STATUS_LEN 3
#define HEARTBEAT_LEN 4
/* A later protocol version may append fields, so a longer version body is read, not rejected:
 * a home base must always learn which protocol its radio speaks. */
#define VERSION_MIN_LEN 5

static void put_u16(uint8_t *out, uint16_t value)
{
    out[0] = (uint8_t)(value & 0xff);
    out[1] = (uint8_t)(value >> 8);
}

static void put_u32(uint8_t *out, uint32_t value)
{
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(value >> (8 * i));
    }
}

static uint16_t get_u16(const uint8_t *in)
{
    return (uint16_t)(in[0] | (in[1] << 8));
}

static uint32_t get_u32(const uint8_t *in)
{
    return (uint32_t)in[0] | ((uint32_t)in[1] << 8) | ((uint32_t)in[2] << 16) |
           ((uint32_t)in[3] << 24);
}

static bool frame_len_valid(size_t len)
{
    return len >= 1 && len <= LINK_FRAME_MAX_LEN;
}

/* Writes the type byte and body into `raw` (LINK_MESSAGE_MAX_LEN bytes). Returns the length, or
 * 0 when the message breaks a rule. */
static size_t write_body(const link_message_t *message, uint8_t *raw)
{
    const link_frame_in_t *in = &message->body.frame_in;
    const link_frame_out_t *out = &message->body.frame_out;
    const link_version_t *version = &message->body.version;

    raw[0] = (uint8_t)message->type;
    switch (message->type) {
    case LINK_TYPE_FRAME_IN:
        if (!frame_len_valid(in->frame_len)) {
            return 0;
        }
        memcpy(raw + 1, in->mac, LINK_MAC_LEN);
        raw[1 + LINK_MAC_LEN] = (uint8_t)in->rssi;
        memcpy(raw + 1 + FRAME_IN_FIXED_LEN, in->frame, in->frame_len);
        return 1 + FRAME_IN_FIXED_LEN + in->frame_len;
    case LINK_TYPE_FRAME_OUT:
        if (!frame_len_valid(out->frame_len)) {
            return 0;
        }
        put_u16(raw + 1, out->message_id);
        memcpy(raw + 3, out->mac, LINK_MAC_LEN);
        memcpy(raw + 1 + FRAME_OUT_FIXED_LEN, out->frame, out->frame_len);
        return 1 + FRAME_OUT_FIXED_LEN + out->frame_len;
    case LINK_TYPE_SEND_STATUS:
        if (message->body.send_status.status > LINK_SEND_FAILED) {
            return 0;
        }
        put_u16(raw + 1, message->body.send_status.message_id);
        raw[3] = message->body.send_status.status;
        return 1 + SEND_STATUS_LEN;
    case LINK_TYPE_HEARTBEAT:
        put_u32(raw + 1, message->body.heartbeat.uptime_sec);
        return 1 + HEARTBEAT_LEN;
    case LINK_TYPE_VERSION:
        raw[1] = version->flags;
        raw[2] = version->protocol_version;
        raw[3] = version->firmware_major;
        raw[4] = version->firmware_minor;
        raw[5] = version->firmware_patch;
        return 1 + VERSION_MIN_LEN;
    }
    return 0;
}

size_t link_message_encode(const link_message_t *message, uint8_t out[LINK_WIRE_MAX_LEN])
{
    uint8_t raw[LINK_MESSAGE_MAX_LEN];
    size_t len = write_body(message, raw);
    size_t encoded_len;
    uint16_t crc;

    if (len == 0) {
        return 0;
    }
    crc = link_crc16(raw, len);
    put_u16(raw + len, crc);
    len += LINK_CRC_LEN;

    encoded_len = link_cobs_encode(raw, len, out, LINK_ENCODED_MAX_LEN);
    if (encoded_len == 0) {
        return 0;
    }
    out[encoded_len] = 0x00;
    return encoded_len + 1;
}

static link_result_t parse_frame_in(const uint8_t *body, size_t len, link_frame_in_t *in)
{
    if (len < FRAME_IN_FIXED_LEN || !frame_len_valid(len - FRAME_IN_FIXED_LEN)) {
        return LINK_ERR_BAD_LENGTH;
    }
    memcpy(in->mac, body, LINK_MAC_LEN);
    in->rssi = (int8_t)body[LINK_MAC_LEN];
    in->frame = body + FRAME_IN_FIXED_LEN;
    in->frame_len = len - FRAME_IN_FIXED_LEN;
    return LINK_OK;
}

static link_result_t parse_frame_out(const uint8_t *body, size_t len, link_frame_out_t *out)
{
    if (len < FRAME_OUT_FIXED_LEN || !frame_len_valid(len - FRAME_OUT_FIXED_LEN)) {
        return LINK_ERR_BAD_LENGTH;
    }
    out->message_id = get_u16(body);
    memcpy(out->mac, body + 2, LINK_MAC_LEN);
    out->frame = body + FRAME_OUT_FIXED_LEN;
    out->frame_len = len - FRAME_OUT_FIXED_LEN;
    return LINK_OK;
}

static link_result_t parse_body(const uint8_t *body, size_t len, link_message_t *message)
{
    switch (message->type) {
    case LINK_TYPE_FRAME_IN:
        return parse_frame_in(body, len, &message->body.frame_in);
    case LINK_TYPE_FRAME_OUT:
        return parse_frame_out(body, len, &message->body.frame_out);
    case LINK_TYPE_SEND_STATUS:
        if (len != SEND_STATUS_LEN) {
            return LINK_ERR_BAD_LENGTH;
        }
        if (body[2] > LINK_SEND_FAILED) {
            return LINK_ERR_BAD_VALUE;
        }
        message->body.send_status.message_id = get_u16(body);
        message->body.send_status.status = body[2];
        return LINK_OK;
    case LINK_TYPE_HEARTBEAT:
        if (len != HEARTBEAT_LEN) {
            return LINK_ERR_BAD_LENGTH;
        }
        message->body.heartbeat.uptime_sec = get_u32(body);
        return LINK_OK;
    case LINK_TYPE_VERSION:
        if (len < VERSION_MIN_LEN) {
            return LINK_ERR_BAD_LENGTH;
        }
        message->body.version = (link_version_t){
            .flags = body[0],
            .protocol_version = body[1],
            .firmware_major = body[2],
            .firmware_minor = body[3],
            .firmware_patch = body[4],
        };
        return LINK_OK;
    }
    return LINK_ERR_UNKNOWN_TYPE;
}

link_result_t link_message_parse(const uint8_t *raw, size_t len, link_message_t *message)
{
    uint16_t expected_crc;

    if (len < 1 + LINK_CRC_LEN) {
        return LINK_ERR_TOO_SHORT;
    }
    expected_crc = get_u16(raw + len - LINK_CRC_LEN);
    if (link_crc16(raw, len - LINK_CRC_LEN) != expected_crc) {
        return LINK_ERR_CRC;
    }

    /* The type byte is checked only after the CRC, so line noise is counted as noise. */
    if (raw[0] < LINK_TYPE_FRAME_IN || raw[0] > LINK_TYPE_VERSION) {
        return LINK_ERR_UNKNOWN_TYPE;
    }
    message->type = (link_type_t)raw[0];
    return parse_body(raw + 1, len - 1 - LINK_CRC_LEN, message);
}

bool link_version_needs_update(const link_version_t *reported, const link_version_t *bundled)
{
    uint32_t reported_firmware = ((uint32_t)reported->firmware_major << 16) |
                                 ((uint32_t)reported->firmware_minor << 8) |
                                 reported->firmware_patch;
    uint32_t bundled_firmware = ((uint32_t)bundled->firmware_major << 16) |
                                ((uint32_t)bundled->firmware_minor << 8) |
                                bundled->firmware_patch;

    return reported->protocol_version != bundled->protocol_version ||
           reported_firmware < bundled_firmware;
}

const char *link_type_name(uint8_t type)
{
    switch (type) {
    case LINK_TYPE_FRAME_IN: return "frame-in";
    case LINK_TYPE_FRAME_OUT: return "frame-out";
    case LINK_TYPE_SEND_STATUS: return "send-status";
    case LINK_TYPE_HEARTBEAT: return "heartbeat";
    case LINK_TYPE_VERSION: return "version";
    }
    return "unknown";
}
