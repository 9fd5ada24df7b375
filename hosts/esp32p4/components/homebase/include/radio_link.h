/* The radio over the UART link to the radio co-processor (docs/radio-link.md), the home base's
 * side. The caller feeds it the bytes read from the UART and calls radio_link_tick once a second;
 * it writes through the given function.
 *
 * The link counts as up while a message from the co-processor arrived within
 * RADIO_LINK_TIMEOUT_SEC. The co-processor's version is asked for at start and logged, with a
 * warning when it differs from the firmware the home base carries.
 *
 * NOTE: a frame-out lost to line noise gets no send-status, and this module keeps no timer for
 * it. A caller that waits for a status needs its own timeout. */
#ifndef RADIO_LINK_H
#define RADIO_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hb_clock.h"
#include "link_decoder.h"
#include "radio.h"

/* Three missed heartbeats (sent every LINK_HEARTBEAT_INTERVAL_SEC). */
#define RADIO_LINK_TIMEOUT_SEC 3

/* Writes `len` bytes to the UART. Returns 0, or -1 when they were not all written. */
typedef int (*radio_link_write_fn)(void *ctx, const uint8_t *bytes, size_t len);

typedef struct {
    uint32_t frames_in;
    uint32_t frames_out;
    uint32_t send_ok;
    uint32_t send_failed;
    uint32_t write_failed;
    uint32_t unexpected;      /* messages only a home base sends (frame-out) */
    uint32_t radio_restarts;  /* heartbeats whose uptime went backwards */
} radio_link_counters_t;

typedef struct {
    /* First, so the radio_t that radio_link_radio returns converts back to its link. */
    radio_t radio;
    link_decoder_t decoder;
    radio_link_write_fn write;
    void *write_ctx;
    const hb_clock_t *clock;
    /* The radio firmware this home base carries, compared with the co-processor's. */
    link_version_t bundled;

    uint16_t next_message_id;
    uint32_t started_at;
    uint32_t heartbeat_sent_at;
    uint32_t heard_at;
    bool heard_any;
    bool was_up;
    link_version_t radio_version;
    bool radio_version_known;
    uint32_t radio_uptime_sec;
    radio_link_counters_t counters;
} radio_link_t;

/* Sets up the link and sends the home base's version message, asking for the co-processor's. */
void radio_link_init(radio_link_t *link, radio_link_write_fn write, void *write_ctx,
                     const hb_clock_t *clock, const link_version_t *bundled);

/* Returns the radio interface of this link. */
radio_t *radio_link_radio(radio_link_t *link);

/* Takes bytes read from the UART; handlers run from inside this call. */
void radio_link_receive(radio_link_t *link, const uint8_t *bytes, size_t len);

/* Sends a heartbeat when one is due and logs the link going up or down. */
void radio_link_tick(radio_link_t *link);

/* True while the co-processor was heard within RADIO_LINK_TIMEOUT_SEC. */
bool radio_link_is_up(const radio_link_t *link);

/* True once the co-processor reported a version that differs from `bundled` in protocol or is an
 * older firmware. */
bool radio_link_needs_update(const radio_link_t *link);

#endif
