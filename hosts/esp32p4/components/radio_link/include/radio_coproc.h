/* The radio co-processor's side of the UART link, in portable C: frames heard over the air go to
 * the home base as frame-in messages, frame-out messages go out over the air through the peer
 * list, and each gets a send-status back. The ESP-IDF radio app and the Linux simulator
 * (linux/radio_sim.c) run this same code over their own ports. */
#ifndef RADIO_COPROC_H
#define RADIO_COPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "link_decoder.h"
#include "link_message.h"
#include "radio_peers.h"

/* The maximum heartbeat interval radio_coproc_set_heartbeat_interval accepts. The home base counts
 * the link as down after 3 seconds without a message (RADIO_LINK_TIMEOUT_SEC in
 * components/homebase/include/radio_link.h), so a heartbeat must come sooner than that. */
#define RADIO_COPROC_HEARTBEAT_INTERVAL_MAX_SEC 2

/* What the co-processor needs from its chip: each returns 0 on success and -1 on failure. */
typedef struct {
    /* Writes bytes to the UART towards the home base. */
    int (*write)(void *ctx, const uint8_t *bytes, size_t len);
    /* Adds or removes an ESP-NOW peer (esp_now_add_peer, esp_now_del_peer). */
    int (*add_peer)(void *ctx, const uint8_t mac[LINK_MAC_LEN]);
    int (*remove_peer)(void *ctx, const uint8_t mac[LINK_MAC_LEN]);
    /* Starts sending one frame; the port calls radio_coproc_send_done with `message_id` once the
     * radio reports the result (esp_now_send's callback). */
    int (*send_frame)(void *ctx, const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame, size_t len,
                      uint16_t message_id);
    void *ctx;
} radio_coproc_port_t;

typedef struct {
    uint32_t frames_in;          /* frames heard and passed to the home base */
    uint32_t frames_in_dropped;  /* frames heard that were empty or longer than LINK_FRAME_MAX_LEN */
    uint32_t frames_out;         /* frame-out messages sent over the air */
    uint32_t send_failed;        /* frame-out messages answered with LINK_SEND_FAILED */
    uint32_t write_failed;       /* messages the UART did not take */
    uint32_t unexpected;         /* messages only a radio sends (frame-in, send-status) */
} radio_coproc_counters_t;

typedef struct {
    radio_coproc_port_t port;
    link_decoder_t decoder;
    radio_peers_t peers;
    link_version_t version;
    uint32_t started_at;
    uint32_t heartbeat_sent_at;
    uint32_t heartbeat_interval_sec;
    uint32_t home_base_uptime_sec;
    bool home_base_heard;
    radio_coproc_counters_t counters;
} radio_coproc_t;

/* Sets up the co-processor with its firmware version and sends its version message, asking for
 * the home base's. `now` is in seconds on any clock that only moves forward. */
void radio_coproc_init(radio_coproc_t *coproc, const radio_coproc_port_t *port, uint8_t major,
                       uint8_t minor, uint8_t patch, uint32_t now);

/* Takes bytes read from the UART. */
void radio_coproc_receive_uart(radio_coproc_t *coproc, const uint8_t *bytes, size_t len);

/* Takes one frame heard over the air and passes it to the home base. */
void radio_coproc_frame_heard(radio_coproc_t *coproc, const uint8_t mac[LINK_MAC_LEN], int rssi,
                              const uint8_t *frame, size_t len);

/* Reports how the send of frame-out `message_id` went. */
void radio_coproc_send_done(radio_coproc_t *coproc, uint16_t message_id, bool delivered);

/* Sets how often radio_coproc_tick sends a heartbeat (LINK_HEARTBEAT_INTERVAL_SEC after init).
 * Returns 0, or -1 with the interval unchanged when `interval_sec` is 0 or above
 * RADIO_COPROC_HEARTBEAT_INTERVAL_MAX_SEC. */
int radio_coproc_set_heartbeat_interval(radio_coproc_t *coproc, uint32_t interval_sec);

/* Sends a heartbeat when the heartbeat interval has passed since the last. */
void radio_coproc_tick(radio_coproc_t *coproc, uint32_t now);

#endif
