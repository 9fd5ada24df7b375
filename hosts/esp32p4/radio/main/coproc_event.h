/* The items of the link task's queue. The ESP-NOW receive callback (in the Wi-Fi task) and the UART
 * reader task copy what they got into one item each, so only the link task touches the portable
 * radio_coproc state. */
#ifndef COPROC_EVENT_H
#define COPROC_EVENT_H

#include <stdint.h>

#include "link_message.h"

/* Bytes per item: one ESP-NOW frame, or one piece of what the UART received. */
#define COPROC_EVENT_DATA_MAX_LEN LINK_FRAME_MAX_LEN

typedef enum {
    COPROC_EVENT_FRAME_HEARD = 1, /* an ESP-NOW frame: mac, rssi, data */
    COPROC_EVENT_UART_BYTES = 2,  /* bytes from the home base: data */
} coproc_event_kind_t;

typedef struct {
    coproc_event_kind_t kind;
    uint8_t mac[LINK_MAC_LEN];
    int8_t rssi;
    uint16_t len;
    uint8_t data[COPROC_EVENT_DATA_MAX_LEN];
} coproc_event_t;

#endif
