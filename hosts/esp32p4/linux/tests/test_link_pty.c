/* The link over a real pseudo-terminal: the portable code of both sides in this process, then the
 * radio-sim program between a UDP socket (a device on the air) and this test (the home base). */
#include "support.h"
#include "radio_events.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "link_tty.h"
#include "radio_coproc.h"
#include "radio_link.h"

#ifndef HB_RADIO_SIM_PATH
#error "HB_RADIO_SIM_PATH must name the radio-sim program"
#endif

/* Each wait in this file gives up after this long. */
#define WAIT_MS 4000

static uint64_t monotonic_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

/* Reads from `fd` into the home base's link until *counter reaches `target` or WAIT_MS pass.
 * Returns whether it reached it. */
static bool pump_home(int fd, radio_link_t *link, const unsigned *counter, unsigned target)
{
    uint64_t deadline = monotonic_ms() + WAIT_MS;

    while (*counter < target && monotonic_ms() < deadline) {
        struct pollfd entry = { .fd = fd, .events = POLLIN };
        uint8_t bytes[512];
        ssize_t len;

        if (poll(&entry, 1, 100) <= 0) {
            continue;
        }
        while ((len = read(fd, bytes, sizeof bytes)) > 0) {
            radio_link_receive(link, bytes, (size_t)len);
        }
    }
    return *counter >= target;
}

static void pump_radio(int fd, radio_coproc_t *coproc, const uint32_t *counter, uint32_t target)
{
    uint64_t deadline = monotonic_ms() + WAIT_MS;

    while (*counter < target && monotonic_ms() < deadline) {
        struct pollfd entry = { .fd = fd, .events = POLLIN };
        uint8_t bytes[512];
        ssize_t len;

        if (poll(&entry, 1, 100) <= 0) {
            continue;
        }
        while ((len = read(fd, bytes, sizeof bytes)) > 0) {
            radio_coproc_receive_uart(coproc, bytes, (size_t)len);
        }
    }
    assert_true(*counter >= target);
}

/* ---- both sides in this process ---- */

static int port_write(void *ctx, const uint8_t *bytes, size_t len)
{
    return link_tty_write(ctx, bytes, len);
}

static int port_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    (void)ctx;
    (void)mac;
    return 0;
}

static radio_coproc_t *s_coproc;

static int port_send(void *ctx, const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame, size_t len, uint16_t id)
{
    (void)ctx;
    (void)mac;
    (void)frame;
    (void)len;
    radio_coproc_send_done(s_coproc, id, true);
    return 0;
}

static void pty_carries_every_byte_value_both_ways(void **state)
{
    char path[LINK_TTY_PATH_MAX];
    int slave_fd = -1;
    int master_fd = link_pty_create(path, &slave_fd);
    int home_fd;
    radio_coproc_t coproc;
    radio_coproc_port_t port = { .write = port_write, .add_peer = port_peer, .remove_peer = port_peer,
                                 .send_frame = port_send, .ctx = &master_fd };
    test_clock_state_t clock_state = { .now = TEST_NOW };
    hb_clock_t clock = { .now = test_clock_now, .ctx = &clock_state };
    link_version_t bundled = { .firmware_major = 1 };
    radio_link_t link;
    test_radio_events_t events = { .frames = 0 };
    uint8_t frame[LINK_FRAME_MAX_LEN];
    static const uint8_t mac[LINK_MAC_LEN] = { 0x02, 0, 0, 0, 0x01, 0x02 };
    uint16_t id = 0;

    (void)state;
    assert_true(master_fd >= 0);
    home_fd = link_tty_open(path);
    assert_true(home_fd >= 0);
    s_coproc = &coproc;

    /* Bytes that a terminal in its default mode would change: CR, LF, ^C, ^S, ^Q, DEL, 0xff. */
    for (size_t i = 0; i < sizeof frame; i++) {
        frame[i] = (uint8_t)(i + 3);
    }
    radio_coproc_init(&coproc, &port, 1, 0, 0, 100);
    radio_link_init(&link, link_tty_write, &home_fd, &clock, &bundled);
    radio_set_handlers(radio_link_radio(&link), test_radio_on_frame, test_radio_on_send_status, &events);

    radio_coproc_frame_heard(&coproc, mac, -80, frame, sizeof frame);
    assert_true(pump_home(home_fd, &link, &events.frames, 1));
    assert_int_equal(events.len, sizeof frame);
    assert_memory_equal(events.frame, frame, sizeof frame);
    assert_int_equal(events.rssi, -80);
    assert_true(link.radio_version_known);

    assert_int_equal(radio_send(radio_link_radio(&link), mac, frame, sizeof frame, &id), 0);
    pump_radio(master_fd, &coproc, &coproc.counters.frames_out, 1);
    assert_true(pump_home(home_fd, &link, &events.statuses, 1));
    assert_true(events.delivered[0]);
    assert_int_equal(events.status_ids[0], id);
    assert_int_equal(link_decoder_dropped(&link.decoder), 0);
    assert_int_equal(link_decoder_dropped(&coproc.decoder), 0);

    close(home_fd);
    close(slave_fd);
    close(master_fd);
}

/* ---- radio-sim as its own process ---- */

static pid_t start_radio_sim(uint16_t udp_port, const char *link_path)
{
    char port_text[8];
    pid_t pid;

    snprintf(port_text, sizeof port_text, "%u", (unsigned)udp_port);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(HB_RADIO_SIM_PATH, "radio-sim", "--udp-port", port_text, "--pty-link", link_path, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int open_when_present(const char *path)
{
    uint64_t deadline = monotonic_ms() + WAIT_MS;

    while (monotonic_ms() < deadline) {
        int fd = link_tty_open(path);

        if (fd >= 0) {
            return fd;
        }
        poll(NULL, 0, 20);
    }
    fail_msg("%s did not appear within %d ms", path, WAIT_MS);
    return -1;
}

static void radio_sim_bridges_air_and_link(void **state)
{
    char dir[256];
    char link_path[300];
    uint16_t air_port = test_local_port(40);
    pid_t pid;
    int home_fd;
    int device_fd;
    int status = 0;
    struct sockaddr_in device = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    struct sockaddr_in air = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                               .sin_port = htons(air_port) };
    socklen_t device_len = sizeof device;
    test_clock_state_t clock_state = { .now = TEST_NOW };
    hb_clock_t clock = { .now = test_clock_now, .ctx = &clock_state };
    link_version_t bundled = { .firmware_major = 1 };
    radio_link_t link;
    test_radio_events_t events = { .frames = 0 };
    static const uint8_t sent[] = { 0x01, 0x03, 0x00, 0x0d, 0x0a, 0xff };
    static const uint8_t reply[] = { 0x01, 0x06, 0x00, 0x2a };
    uint8_t received[64];
    uint16_t device_port;
    uint16_t id = 0;

    (void)state;
    test_make_temp_dir(dir);
    snprintf(link_path, sizeof link_path, "%s/radio-link", dir);
    pid = start_radio_sim(air_port, link_path);
    home_fd = open_when_present(link_path);
    radio_link_init(&link, link_tty_write, &home_fd, &clock, &bundled);
    radio_set_handlers(radio_link_radio(&link), test_radio_on_frame, test_radio_on_send_status, &events);

    /* A device on the air sends a frame; it comes out of the link with a MAC naming its port. */
    device_fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(device_fd >= 0);
    assert_int_equal(bind(device_fd, (struct sockaddr *)&device, sizeof device), 0);
    assert_int_equal(getsockname(device_fd, (struct sockaddr *)&device, &device_len), 0);
    device_port = ntohs(device.sin_port);
    assert_int_equal(sendto(device_fd, sent, sizeof sent, 0, (struct sockaddr *)&air, sizeof air), sizeof sent);

    assert_true(pump_home(home_fd, &link, &events.frames, 1));
    assert_int_equal(events.len, sizeof sent);
    assert_memory_equal(events.frame, sent, sizeof sent);
    assert_int_equal(events.mac[0], 0x02);
    assert_int_equal((events.mac[4] << 8) | events.mac[5], device_port);
    assert_true(link.radio_version_known);

    /* The home base sends a reply to that MAC: the datagram reaches the device, the status comes back. */
    assert_int_equal(radio_send(radio_link_radio(&link), events.mac, reply, sizeof reply, &id), 0);
    assert_true(pump_home(home_fd, &link, &events.statuses, 1));
    assert_true(events.delivered[0]);
    assert_int_equal(events.status_ids[0], id);
    assert_int_equal(recv(device_fd, received, sizeof received, MSG_DONTWAIT), sizeof reply);
    assert_memory_equal(received, reply, sizeof reply);

    kill(pid, SIGTERM);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(access(link_path, F_OK), -1);
    close(device_fd);
    close(home_fd);
    test_remove_dir(dir);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pty_carries_every_byte_value_both_ways),
        cmocka_unit_test(radio_sim_bridges_air_and_link),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("link_pty", tests, NULL, NULL);
}
