/* The air, simulated: a UDP socket on 127.0.0.1 where each datagram is one ESP-NOW frame.
 *
 * Simulated parts: the sender's MAC is made up from the datagram's source port (02:00:00:00:PP:PP,
 * a locally administered address), and the RSSI is the fixed UDP_AIR_RSSI_DBM. */
#ifndef UDP_AIR_H
#define UDP_AIR_H

#include <stddef.h>
#include <stdint.h>

#include "intake.h"

#define UDP_AIR_RSSI_DBM (-50)
/* Larger than any frame (250 bytes), so an oversized datagram arrives whole and is rejected by the
 * core as FRAME_TOO_LONG instead of being cut to a size that looks valid. */
#define UDP_AIR_DATAGRAM_MAX 512

/* Binds a UDP socket to `host`:`port`. Returns the socket, or -1 with errno set. */
int udp_air_open(const char *host, uint16_t port);

/* Receives one datagram into `frame` (UDP_AIR_DATAGRAM_MAX bytes) without blocking. Returns 1 and
 * sets *len (which may be 0), 0 when none is waiting, or -1 on a socket error. */
int udp_air_receive(int socket_fd, uint8_t *frame, size_t *len, uint8_t mac[INTAKE_MAC_LEN]);

/* Sends `len` bytes from `socket_fd` to the simulated device whose MAC `udp_air_receive` made up
 * (127.0.0.1 and the port in its last two bytes). Returns 0, or -1 with errno set. */
int udp_air_send(int socket_fd, const uint8_t mac[INTAKE_MAC_LEN], const uint8_t *frame, size_t len);

#endif
