/* radio-sim: the radio co-processor, simulated. It hears the simulated devices' frames on the UDP
 * air (udp_air.h), passes them to the home base over the UART link (docs/radio-link.md) on a
 * pseudo-terminal, and sends the home base's frame-out messages back onto the air. The link code
 * is the portable radio_coproc.c that the ESP-IDF radio app runs.
 *
 * Simulated parts: ESP-NOW peers are only counted (radio_peers.c still adds and evicts them), a
 * send counts as delivered when the datagram left the socket, and the RSSI is UDP_AIR_RSSI_DBM. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hb_log.h"
#include "link_tty.h"
#include "radio_coproc.h"
#include "radio_firmware.h"
#include "udp_air.h"

#define POLL_INTERVAL_MS 250
#define LINK_READ_CHUNK_LEN 512
#define SYMLINK_PATH_MAX 4096

typedef struct {
    const char *bind_host;
    const char *pty_link;
    uint16_t udp_port;
    bool verbose;
} options_t;

typedef struct {
    int udp_fd;
    int master_fd;
    int slave_fd;
    udp_air_senders_t senders;
    radio_coproc_t coproc;
    uint32_t peers_added;
    uint32_t peers_removed;
} radio_sim_t;

static volatile sig_atomic_t s_stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    s_stop_requested = 1;
}

static uint32_t monotonic_sec(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint32_t)now.tv_sec;
}

static void print_usage(FILE *out)
{
    fprintf(out,
            "usage: radio-sim [options]\n"
            "  --udp-port PORT   UDP port of the simulated air, where devices send (default 8082)\n"
            "  --bind HOST       IPv4 address of that port (default 127.0.0.1)\n"
            "  --pty-link PATH   also make PATH a symbolic link to the link's pseudo-terminal\n"
            "  --verbose         log every frame passed either way\n");
}

static int parse_options(int argc, char **argv, options_t *options)
{
    static const struct option long_options[] = {
        { "udp-port", required_argument, NULL, 'u' },
        { "bind", required_argument, NULL, 'b' },
        { "pty-link", required_argument, NULL, 'p' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, '?' },
        { NULL, 0, NULL, 0 },
    };
    int option;

    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        char *end = NULL;
        unsigned long port;

        switch (option) {
        case 'b': options->bind_host = optarg; break;
        case 'p': options->pty_link = optarg; break;
        case 'v': options->verbose = true; break;
        case 'u':
            errno = 0;
            port = strtoul(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' || port < 1 ||
                port > 65535) {
                fprintf(stderr, "radio-sim: --udp-port %s is not a port from 1 to 65535\n", optarg);
                return -1;
            }
            options->udp_port = (uint16_t)port;
            break;
        default:
            print_usage(stderr);
            return -1;
        }
    }
    if (optind != argc) {
        print_usage(stderr);
        return -1;
    }
    return 0;
}

/* ---- the port of radio_coproc: UART = pseudo-terminal, ESP-NOW = UDP air ---- */

static int port_write(void *ctx, const uint8_t *bytes, size_t len)
{
    radio_sim_t *sim = ctx;

    return link_tty_write(&sim->master_fd, bytes, len);
}

static int port_add_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    radio_sim_t *sim = ctx;

    sim->peers_added++;
    hb_log(HB_LOG_DEBUG, "peer added: mac=%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
           mac[3], mac[4], mac[5]);
    return 0;
}

static int port_remove_peer(void *ctx, const uint8_t mac[LINK_MAC_LEN])
{
    radio_sim_t *sim = ctx;

    sim->peers_removed++;
    hb_log(HB_LOG_DEBUG, "peer evicted: mac=%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
           mac[3], mac[4], mac[5]);
    return 0;
}

static int port_send_frame(void *ctx, const uint8_t mac[LINK_MAC_LEN], const uint8_t *frame,
                           size_t len, uint16_t message_id)
{
    radio_sim_t *sim = ctx;
    int result = radio_mac_is_broadcast(mac) ? udp_air_broadcast(sim->udp_fd, &sim->senders, frame, len)
                                             : udp_air_send(sim->udp_fd, mac, frame, len);

    hb_log(HB_LOG_DEBUG, "frame sent: id=%u len=%zu delivered=%s", (unsigned)message_id, len,
           result == 0 ? "yes" : "no");
    radio_coproc_send_done(&sim->coproc, message_id, result == 0);
    return 0;
}

/* ---- the loop ---- */

static void receive_air(radio_sim_t *sim)
{
    uint8_t frame[UDP_AIR_DATAGRAM_MAX];
    uint8_t mac[LINK_MAC_LEN];
    size_t len;
    int received;

    while ((received = udp_air_receive(sim->udp_fd, frame, &len, mac)) == 1) {
        uint32_t dropped_before = sim->coproc.counters.frames_in_dropped;

        udp_air_senders_note(&sim->senders, mac);
        radio_coproc_frame_heard(&sim->coproc, mac, UDP_AIR_RSSI_DBM, frame, len);
        if (sim->coproc.counters.frames_in_dropped != dropped_before) {
            hb_log(HB_LOG_WARN, "frame dropped: len=%zu, ESP-NOW carries 1 to %d bytes", len,
                   LINK_FRAME_MAX_LEN);
        } else {
            hb_log(HB_LOG_DEBUG, "frame heard: len=%zu", len);
        }
    }
    if (received < 0) {
        hb_log(HB_LOG_WARN, "udp receive failed: %s", strerror(errno));
    }
}

static void receive_link(radio_sim_t *sim)
{
    uint8_t bytes[LINK_READ_CHUNK_LEN];
    ssize_t len;

    while ((len = read(sim->master_fd, bytes, sizeof bytes)) > 0) {
        radio_coproc_receive_uart(&sim->coproc, bytes, (size_t)len);
    }
}

static void run(radio_sim_t *sim)
{
    struct pollfd entries[2] = {
        { .fd = sim->udp_fd, .events = POLLIN },
        { .fd = sim->master_fd, .events = POLLIN },
    };

    while (!s_stop_requested) {
        if (poll(entries, 2, POLL_INTERVAL_MS) > 0) {
            if ((entries[0].revents & POLLIN) != 0) {
                receive_air(sim);
            }
            if ((entries[1].revents & POLLIN) != 0) {
                receive_link(sim);
            }
        }
        radio_coproc_tick(&sim->coproc, monotonic_sec());
    }
}

/* Points `link_path` at the pseudo-terminal, replacing an older link in one rename. */
static int publish_pty(const char *link_path, const char *pty_path)
{
    char temporary[SYMLINK_PATH_MAX];

    if ((size_t)snprintf(temporary, sizeof temporary, "%s.tmp", link_path) >= sizeof temporary) {
        errno = ENAMETOOLONG;
        return -1;
    }
    unlink(temporary);
    if (symlink(pty_path, temporary) != 0 || rename(temporary, link_path) != 0) {
        return -1;
    }
    return 0;
}

static void log_counters(const radio_sim_t *sim)
{
    const radio_coproc_counters_t *counters = &sim->coproc.counters;
    const link_decoder_counters_t *decoder = &sim->coproc.decoder.counters;

    hb_log(HB_LOG_INFO, "radio-sim stopped: frames_in=%u frames_in_dropped=%u frames_out=%u "
           "send_failed=%u peers_added=%u peers_evicted=%u link_messages=%u link_dropped=%u",
           (unsigned)counters->frames_in, (unsigned)counters->frames_in_dropped,
           (unsigned)counters->frames_out, (unsigned)counters->send_failed,
           (unsigned)sim->peers_added, (unsigned)sim->peers_removed, (unsigned)decoder->messages,
           (unsigned)link_decoder_dropped(&sim->coproc.decoder));
}

int main(int argc, char **argv)
{
    options_t options = { .bind_host = "127.0.0.1", .udp_port = 8082 };
    static radio_sim_t sim = { .udp_fd = -1, .master_fd = -1, .slave_fd = -1 };
    struct sigaction action = { .sa_handler = request_stop };
    radio_coproc_port_t port = {
        .write = port_write,
        .add_peer = port_add_peer,
        .remove_peer = port_remove_peer,
        .send_frame = port_send_frame,
        .ctx = &sim,
    };
    char pty_path[LINK_TTY_PATH_MAX];

    if (parse_options(argc, argv, &options) != 0) {
        return 2;
    }
    hb_log_set_sink(NULL, options.verbose ? HB_LOG_DEBUG : HB_LOG_INFO);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);

    sim.udp_fd = udp_air_open(options.bind_host, options.udp_port);
    if (sim.udp_fd < 0) {
        hb_log(HB_LOG_ERROR, "udp port %s:%u not opened: %s", options.bind_host,
               (unsigned)options.udp_port, strerror(errno));
        return EXIT_FAILURE;
    }
    sim.master_fd = link_pty_create(pty_path, &sim.slave_fd);
    if (sim.master_fd < 0) {
        hb_log(HB_LOG_ERROR, "pseudo-terminal not created: %s", strerror(errno));
        return EXIT_FAILURE;
    }

    /* The version message waits in the terminal's buffer until the home base opens the terminal.
     * A P4 that starts after its co-processor misses it, and learns the version by asking. */
    radio_coproc_init(&sim.coproc, &port, RADIO_FIRMWARE_MAJOR, RADIO_FIRMWARE_MINOR,
                      RADIO_FIRMWARE_PATCH, monotonic_sec());
    if (options.pty_link != NULL && publish_pty(options.pty_link, pty_path) != 0) {
        hb_log(HB_LOG_ERROR, "symbolic link %s to %s not created: %s", options.pty_link, pty_path,
               strerror(errno));
        return EXIT_FAILURE;
    }
    hb_log(HB_LOG_INFO, "radio-sim started: air=udp:%s:%u link=%s firmware=%d.%d.%d",
           options.bind_host, (unsigned)options.udp_port, pty_path, RADIO_FIRMWARE_MAJOR,
           RADIO_FIRMWARE_MINOR, RADIO_FIRMWARE_PATCH);

    run(&sim);

    log_counters(&sim);
    if (options.pty_link != NULL) {
        unlink(options.pty_link);
    }
    close(sim.master_fd);
    close(sim.slave_fd);
    close(sim.udp_fd);
    return EXIT_SUCCESS;
}
