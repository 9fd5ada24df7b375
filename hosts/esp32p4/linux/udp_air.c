#include "udp_air.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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

int udp_air_send(int socket_fd, const uint8_t mac[INTAKE_MAC_LEN], const uint8_t *frame, size_t len)
{
    struct sockaddr_in address = {
        .sin_family = AF_INET,
        .sin_port = htons((uint16_t)(mac[4] << 8 | mac[5])),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };

    return sendto(socket_fd, frame, len, 0, (struct sockaddr *)&address, sizeof address) ==
                   (ssize_t)len ? 0 : -1;
}
