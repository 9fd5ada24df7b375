/* The UDP air as the home base's radio (homebase-sim without --link): frames in with a MAC made from
 * the source port, frames out to one device or to every sender heard, statuses at the next poll. */
#include "support.h"
#include "radio_events.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "udp_air.h"

/* A device: a UDP socket on an ephemeral port of 127.0.0.1. */
static int open_device(uint16_t *port)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof address;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof address), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&address, &len), 0);
    *port = ntohs(address.sin_port);
    return fd;
}

static void send_to_air(int fd, uint16_t air_port, const uint8_t *frame, size_t len)
{
    struct sockaddr_in air = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                               .sin_port = htons(air_port) };

    assert_int_equal(sendto(fd, frame, len, 0, (struct sockaddr *)&air, sizeof air), (ssize_t)len);
}

static void poll_until_frame(udp_air_radio_t *air, const test_radio_events_t *events, unsigned target)
{
    for (int i = 0; i < 40 && events->frames < target; i++) {
        struct pollfd entry = { .fd = air->socket_fd, .events = POLLIN };

        poll(&entry, 1, 50);
        assert_int_equal(udp_air_radio_poll(air), 0);
    }
    assert_int_equal(events->frames, target);
}

static size_t receive_within(int fd, uint8_t *out, size_t cap)
{
    struct pollfd entry = { .fd = fd, .events = POLLIN };
    ssize_t len;

    assert_int_equal(poll(&entry, 1, 2000), 1);
    len = recv(fd, out, cap, 0);
    assert_true(len > 0);
    return (size_t)len;
}

static void udp_air_frames_in_and_out(void **state)
{
    static const uint8_t heard[] = { 0x01, 0x02, 0x00, 0x03 };
    static const uint8_t answer[] = { 0x01, 0x04, 0x05 };
    static const uint8_t beacon[] = { 0x01, 0x06 };
    uint16_t air_port = test_local_port(41);
    int air_fd = udp_air_open("127.0.0.1", air_port);
    udp_air_radio_t air;
    test_radio_events_t events = { .frames = 0 };
    uint16_t first_port;
    uint16_t second_port;
    int first = open_device(&first_port);
    int second = open_device(&second_port);
    uint8_t received[64];
    uint16_t id = 0;

    (void)state;
    assert_true(air_fd >= 0);
    udp_air_radio_init(&air, air_fd);
    radio_set_handlers(&air.radio, test_radio_on_frame, test_radio_on_send_status, &events);

    send_to_air(first, air_port, heard, sizeof heard);
    poll_until_frame(&air, &events, 1);
    assert_int_equal(events.len, sizeof heard);
    assert_memory_equal(events.frame, heard, sizeof heard);
    assert_int_equal(events.mac[0], 0x02);
    assert_int_equal((events.mac[4] << 8) | events.mac[5], first_port);
    assert_int_equal(events.rssi, UDP_AIR_RSSI_DBM);

    /* A reply reaches only the device that sent; the status waits for the next poll. */
    assert_int_equal(radio_send(&air.radio, events.mac, answer, sizeof answer, &id), 0);
    assert_int_equal(events.statuses, 0);
    assert_int_equal(receive_within(first, received, sizeof received), sizeof answer);
    assert_memory_equal(received, answer, sizeof answer);
    assert_int_equal(udp_air_radio_poll(&air), 0);
    assert_int_equal(events.statuses, 1);
    assert_int_equal(events.status_ids[0], id);
    assert_true(events.delivered[0]);

    /* A broadcast reaches every sender heard. */
    send_to_air(second, air_port, heard, sizeof heard);
    poll_until_frame(&air, &events, 2);
    assert_int_equal(radio_send(&air.radio, radio_broadcast_mac, beacon, sizeof beacon, &id), 0);
    assert_int_equal(receive_within(first, received, sizeof received), sizeof beacon);
    assert_int_equal(receive_within(second, received, sizeof received), sizeof beacon);

    close(first);
    close(second);
    close(air_fd);
}

static void udp_air_reports_failure_for_foreign_mac(void **state)
{
    static const uint8_t foreign[RADIO_MAC_LEN] = { 0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5 };
    static const uint8_t frame[] = { 0x01 };
    uint16_t air_port = test_local_port(42);
    int air_fd = udp_air_open("127.0.0.1", air_port);
    udp_air_radio_t air;
    test_radio_events_t events = { .frames = 0 };
    uint16_t id = 0;

    (void)state;
    assert_true(air_fd >= 0);
    udp_air_radio_init(&air, air_fd);
    radio_set_handlers(&air.radio, test_radio_on_frame, test_radio_on_send_status, &events);

    assert_int_equal(radio_send(&air.radio, foreign, frame, sizeof frame, &id), 0);
    assert_int_equal(udp_air_radio_poll(&air), 0);
    assert_int_equal(events.statuses, 1);
    assert_false(events.delivered[0]);
    close(air_fd);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(udp_air_frames_in_and_out),
        cmocka_unit_test(udp_air_reports_failure_for_foreign_mac),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("udp_air", tests, NULL, NULL);
}
