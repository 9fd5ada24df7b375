/* A recorder of what a radio (radio.h) reports to the home base, frames heard and send statuses, for
 * the tests of the radio ports. Pass the handlers and a test_radio_events_t to radio_set_handlers. */
#ifndef TEST_RADIO_EVENTS_H
#define TEST_RADIO_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "radio.h"

/* Room for the longest UDP datagram the simulated air takes (UDP_AIR_DATAGRAM_MAX). */
#define TEST_RADIO_FRAME_CAP 512
#define TEST_RADIO_STATUS_MAX 4

typedef struct {
    /* The last frame heard, with its sender and signal strength, and how many were heard. */
    uint8_t frame[TEST_RADIO_FRAME_CAP];
    size_t len;
    uint8_t mac[RADIO_MAC_LEN];
    int32_t rssi;
    unsigned frames;
    /* Send statuses in arrival order. One past TEST_RADIO_STATUS_MAX fails the test. */
    uint16_t status_ids[TEST_RADIO_STATUS_MAX];
    bool delivered[TEST_RADIO_STATUS_MAX];
    unsigned statuses;
} test_radio_events_t;

/* Records a frame heard; `ctx` is a test_radio_events_t. A frame over TEST_RADIO_FRAME_CAP fails the test. */
void test_radio_on_frame(void *ctx, const uint8_t *frame, size_t len, const uint8_t mac[RADIO_MAC_LEN], int32_t rssi);

/* Records a send status; `ctx` is a test_radio_events_t. */
void test_radio_on_send_status(void *ctx, uint16_t send_id, bool delivered);

#endif
