#include "udp_air.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int udp_air_open(const char *host, uint16_t port)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    int socket_fd;

    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    socket_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (socket_fd < 0) {
        return -1;
    }
    if (bind(socket_fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int saved = errno;

        close(socket_fd);
        errno = saved;
        return -1;
    }
    return socket_fd;
}

int udp_air_receive(int socket_fd, uint8_t *frame, size_t *len, uint8_t mac[INTAKE_MAC_LEN])
{
    struct sockaddr_in sender;
    socklen_t sender_len = sizeof sender;
    ssize_t received = recvfrom(socket_fd, frame, UDP_AIR_DATAGRAM_MAX, 0,
                                (struct sockaddr *)&sender, &sender_len);
    uint16_t port;

    if (received < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    }
    *len = (size_t)received;

    port = ntohs(sender.sin_port);
    mac[0] = 0x02;
    mac[1] = 0x00;
    mac[2] = 0x00;
    mac[3] = 0x00;
    mac[4] = (uint8_t)(port >> 8);
    mac[5] = (uint8_t)(port & 0xff);
    return 1;
}

int udp_air_send(int socket_fd, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame, size_t len)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    uint16_t port = (uint16_t)((mac[4] << 8) | mac[5]);

    if (mac[0] != 0x02 || mac[1] != 0x00 || mac[2] != 0x00 || mac[3] != 0x00 || port == 0) {
        return -1;
    }
    address.sin_port = htons(port);
    if (sendto(socket_fd, frame, len, 0, (struct sockaddr *)&address, sizeof address) != (ssize_t)len) {
        return -1;
    }
    return 0;
}

void udp_air_senders_note(udp_air_senders_t *senders, const uint8_t mac[RADIO_MAC_LEN])
{
    for (size_t i = 0; i < senders->count; i++) {
        if (memcmp(senders->macs[i], mac, RADIO_MAC_LEN) == 0) {
            return;
        }
    }
    memcpy(senders->macs[senders->next], mac, RADIO_MAC_LEN);
    senders->next = (senders->next + 1) % UDP_AIR_SENDERS_MAX;
    if (senders->count < UDP_AIR_SENDERS_MAX) {
        senders->count++;
    }
}

int udp_air_broadcast(int socket_fd, const udp_air_senders_t *senders, const uint8_t *frame,
                      size_t len)
{
    int result = 0;

    for (size_t i = 0; i < senders->count; i++) {
        if (udp_air_send(socket_fd, senders->macs[i], frame, len) != 0) {
            result = -1;
        }
    }
    return result;
}

static void queue_status(udp_air_radio_t *air, uint16_t send_id, bool delivered)
{
    if (air->pending_count == UDP_AIR_PENDING_STATUS_MAX) {
        air->statuses_dropped++;
        return;
    }
    air->pending[air->pending_count].send_id = send_id;
    air->pending[air->pending_count].delivered = delivered;
    air->pending_count++;
}

static int air_send(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame,
                    size_t len, uint16_t *send_id)
{
    udp_air_radio_t *air = (udp_air_radio_t *)radio;
    int result = memcmp(mac, radio_broadcast_mac, RADIO_MAC_LEN) == 0
                     ? udp_air_broadcast(air->socket_fd, &air->senders, frame, len)
                     : udp_air_send(air->socket_fd, mac, frame, len);

    *send_id = air->next_send_id++;
    queue_status(air, *send_id, result == 0);
    return 0;
}

void udp_air_radio_init(udp_air_radio_t *air, int socket_fd)
{
    memset(air, 0, sizeof *air);
    air->radio.send = air_send;
    air->socket_fd = socket_fd;
}

int udp_air_radio_poll(udp_air_radio_t *air)
{
    udp_air_status_t pending[UDP_AIR_PENDING_STATUS_MAX];
    uint8_t frame[UDP_AIR_DATAGRAM_MAX];
    uint8_t mac[RADIO_MAC_LEN];
    size_t pending_count = air->pending_count;
    size_t len;
    int received;

    /* A copy, because handlers may send again and queue statuses for the next poll. */
    memcpy(pending, air->pending, sizeof pending);
    air->pending_count = 0;
    for (size_t i = 0; i < pending_count; i++) {
        radio_deliver_send_status(&air->radio, pending[i].send_id, pending[i].delivered);
    }

    while ((received = udp_air_receive(air->socket_fd, frame, &len, mac)) == 1) {
        udp_air_senders_note(&air->senders, mac);
        radio_deliver_frame(&air->radio, frame, len, mac, UDP_AIR_RSSI_DBM);
    }
    return received < 0 ? -1 : 0;
}
