/* The home base's radio, whatever carries it: frames in, each with the sender's MAC address and
 * RSSI, and frames out to one MAC address or to the broadcast address (time beacons), each with a
 * send status reported later.
 *
 * Implementations: radio_link.h (the UART link to the radio co-processor, on the P4 and in the
 * Linux simulator) and linux/udp_air.h (UDP on 127.0.0.1, the simulator's air without a
 * co-processor). Both call the handlers from the thread that feeds them received bytes. */
#ifndef RADIO_H
#define RADIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIO_MAC_LEN 6
/* The ESP-NOW v1 payload limit; docs/protocol.md section 1. */
#define RADIO_FRAME_MAX_LEN 250

extern const uint8_t radio_broadcast_mac[RADIO_MAC_LEN];

/* A frame heard over the air. `frame` is valid only during the call. */
typedef void (*radio_frame_fn)(void *ctx, const uint8_t *frame, size_t len,
                               const uint8_t mac[RADIO_MAC_LEN], int32_t rssi);
/* How the send numbered `send_id` went: `delivered` is false when the radio gave up. */
typedef void (*radio_send_status_fn)(void *ctx, uint16_t send_id, bool delivered);

typedef struct radio radio_t;

struct radio {
    /* Starts sending `frame` to `mac`. Returns 0 and sets *send_id, or -1 when it could not even
     * be handed to the radio (no status follows then). */
    int (*send)(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame, size_t len,
                uint16_t *send_id);

    radio_frame_fn on_frame;
    radio_send_status_fn on_send_status;
    void *handler_ctx;
};

/* Sets the handlers; either may be NULL to ignore those events. */
void radio_set_handlers(radio_t *radio, radio_frame_fn on_frame,
                        radio_send_status_fn on_send_status, void *ctx);

/* Sends `frame` (1 to RADIO_FRAME_MAX_LEN bytes) to `mac`, or to every device when `mac` is
 * radio_broadcast_mac. Returns 0 and sets *send_id, or -1 for a length out of range or a radio
 * that did not take it. */
int radio_send(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame, size_t len,
               uint16_t *send_id);

/* For implementations: pass an event to the handlers. */
void radio_deliver_frame(radio_t *radio, const uint8_t *frame, size_t len,
                         const uint8_t mac[RADIO_MAC_LEN], int32_t rssi);
void radio_deliver_send_status(radio_t *radio, uint16_t send_id, bool delivered);

#endif
