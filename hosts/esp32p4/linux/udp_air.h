/* The air, simulated: a UDP socket on 127.0.0.1 where each datagram is one ESP-NOW frame.
 *
 * Simulated parts: the sender's MAC is made up from the datagram's source port (02:00:00:00:PP:PP,
 * a locally administered address), and the RSSI is the fixed UDP_AIR_RSSI_DBM. A frame to a MAC
 * goes back to that port on 127.0.0.1; a broadcast goes to every sender heard lately. */
#ifndef UDP_AIR_H
#define UDP_AIR_H

#include <stddef.h>
#include <stdint.h>

#include "intake.h"
#include "radio.h"

#define UDP_AIR_RSSI_DBM (-50)
/* Larger than any frame (250 bytes), so an oversized datagram arrives whole and is rejected by the
 * core as FRAME_TOO_LONG instead of being cut to a size that looks valid. */
#define UDP_AIR_DATAGRAM_MAX 512

/* Binds a UDP socket to `host`:`port`. Returns the socket, or -1 with errno set. */
int udp_air_open(const char *host, uint16_t port);

/* Receives one datagram into `frame` (UDP_AIR_DATAGRAM_MAX bytes) without blocking. Returns 1 and
 * sets *len (which may be 0), 0 when none is waiting, or -1 on a socket error. */
int udp_air_receive(int socket_fd, uint8_t *frame, size_t *len, uint8_t mac[INTAKE_MAC_LEN]);

/* Sends `frame` to the simulated device `mac`. Returns 0, or -1 when `mac` is not of the form
 * 02:00:00:00:PP:PP or the socket failed. */
int udp_air_send(int socket_fd, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame, size_t len);

/* Senders heard lately, where a simulated broadcast goes; the oldest is replaced when full. */
#define UDP_AIR_SENDERS_MAX 64

typedef struct {
    uint8_t macs[UDP_AIR_SENDERS_MAX][RADIO_MAC_LEN];
    size_t count;
    size_t next;
} udp_air_senders_t;

void udp_air_senders_note(udp_air_senders_t *senders, const uint8_t mac[RADIO_MAC_LEN]);

/* Sends `frame` to every noted sender. Returns 0 when every send worked, else -1. */
int udp_air_broadcast(int socket_fd, const udp_air_senders_t *senders, const uint8_t *frame,
                      size_t len);

/* Send statuses waiting for the next udp_air_radio_poll; more are dropped and counted. */
#define UDP_AIR_PENDING_STATUS_MAX 32

typedef struct {
    uint16_t send_id;
    bool delivered;
} udp_air_status_t;

/* The air as the home base's radio, without a co-processor (homebase-sim without --link). */
typedef struct {
    radio_t radio;
    int socket_fd;
    udp_air_senders_t senders;
    uint16_t next_send_id;
    udp_air_status_t pending[UDP_AIR_PENDING_STATUS_MAX];
    size_t pending_count;
    uint32_t statuses_dropped;
} udp_air_radio_t;

void udp_air_radio_init(udp_air_radio_t *air, int socket_fd);

/* Passes the send statuses of earlier sends, then every waiting datagram, to the radio's handlers.
 * Returns 0, or -1 on a socket error. */
int udp_air_radio_poll(udp_air_radio_t *air);

#endif
