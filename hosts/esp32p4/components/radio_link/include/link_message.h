/* The messages of the UART link between the home base (ESP32-P4) and its radio co-processor, as
 * docs/radio-link.md specifies them byte for byte.
 *
 * A message is a type byte, a body, and the CRC-16/CCITT-FALSE of both (little-endian). On the
 * wire it is COBS-encoded and followed by one 0x00 byte. Integers are little-endian. */
#ifndef LINK_MESSAGE_H
#define LINK_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link_cobs.h"

/* Raised when a message changes meaning; a peer with another version cannot use the link. */
#define LINK_PROTOCOL_VERSION 1

#define LINK_MAC_LEN 6
/* The ESP-NOW v1 payload limit, and so the longest frame of docs/protocol.md. */
#define LINK_FRAME_MAX_LEN 250
#define LINK_CRC_LEN 2
/* Each side sends a heartbeat this often. */
#define LINK_HEARTBEAT_INTERVAL_SEC 1
/* frame-out: type, message id (2), MAC (6), the longest frame, CRC. */
#define LINK_MESSAGE_MAX_LEN (1 + 2 + LINK_MAC_LEN + LINK_FRAME_MAX_LEN + LINK_CRC_LEN)
#define LINK_ENCODED_MAX_LEN LINK_COBS_MAX_ENCODED_LEN(LINK_MESSAGE_MAX_LEN)
/* The encoded message and its 0x00 delimiter. */
#define LINK_WIRE_MAX_LEN (LINK_ENCODED_MAX_LEN + 1)

typedef enum {
    LINK_TYPE_FRAME_IN = 0x01,    /* radio to home base: a frame received over the air */
    LINK_TYPE_FRAME_OUT = 0x02,   /* home base to radio: a frame to send */
    LINK_TYPE_SEND_STATUS = 0x03, /* radio to home base: how a frame-out went */
    LINK_TYPE_HEARTBEAT = 0x04,   /* both ways, once a second */
    LINK_TYPE_VERSION = 0x05,     /* both ways: protocol and firmware version */
} link_type_t;

/* Parse results; a decoder counts each failure by its code. */
typedef enum {
    LINK_OK = 0,
    LINK_ERR_TOO_SHORT = -1,    /* fewer bytes than a type byte and a CRC */
    LINK_ERR_CRC = -2,          /* the CRC does not match */
    LINK_ERR_UNKNOWN_TYPE = -3, /* a type byte this version does not know */
    LINK_ERR_BAD_LENGTH = -4,   /* a known type whose body length breaks its rule */
    LINK_ERR_BAD_VALUE = -5,    /* a field outside its values (send status other than 0 or 1) */
} link_result_t;

#define LINK_MAC_BROADCAST { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }

#define LINK_SEND_OK 0
#define LINK_SEND_FAILED 1

/* Set in a version message's flags when the sender wants the receiver's version message back. */
#define LINK_VERSION_FLAG_REPLY_REQUESTED 0x01

typedef struct {
    uint8_t mac[LINK_MAC_LEN];
    int8_t rssi;
    const uint8_t *frame;
    size_t frame_len;
} link_frame_in_t;

typedef struct {
    uint16_t message_id;
    uint8_t mac[LINK_MAC_LEN];
    const uint8_t *frame;
    size_t frame_len;
} link_frame_out_t;

typedef struct {
    uint16_t message_id;
    uint8_t status;
} link_send_status_t;

typedef struct {
    uint32_t uptime_sec;
} link_heartbeat_t;

typedef struct {
    uint8_t flags;
    uint8_t protocol_version;
    uint8_t firmware_major;
    uint8_t firmware_minor;
    uint8_t firmware_patch;
} link_version_t;

/* One message. The frame pointers of a parsed message point into the buffer it was parsed from. */
typedef struct {
    link_type_t type;
    union {
        link_frame_in_t frame_in;
        link_frame_out_t frame_out;
        link_send_status_t send_status;
        link_heartbeat_t heartbeat;
        link_version_t version;
    } body;
} link_message_t;

/* Encodes `message` for the wire: COBS, then the 0x00 delimiter. Returns the number of bytes
 * written to `out`, or 0 when the message breaks a rule (unknown type, frame length outside 1 to
 * LINK_FRAME_MAX_LEN, send status other than 0 or 1). */
size_t link_message_encode(const link_message_t *message, uint8_t out[LINK_WIRE_MAX_LEN]);

/* Parses one COBS-decoded message of `len` bytes (type, body, CRC). Returns LINK_OK and fills
 * `message`, or a negative link_result_t; `message` is undefined then. */
link_result_t link_message_parse(const uint8_t *raw, size_t len, link_message_t *message);

/* Reports whether a radio that sent `reported` needs the firmware `bundled` that the home base
 * carries: true when the protocol versions differ or the reported firmware is older. */
bool link_version_needs_update(const link_version_t *reported, const link_version_t *bundled);

/* A printable name of a type ("frame-in"), or "unknown". */
const char *link_type_name(uint8_t type);

#endif
