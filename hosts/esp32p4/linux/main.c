/* homebase-sim: the home base on Linux. UDP on 127.0.0.1 is the air, a folder is the SD card,
 * civetweb serves the local API, and batches go to the central server over plain HTTP. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beacon.h"
#include "command_results.h"
#include "commands.h"
#include "engine_select.h"
#include "hb_log.h"
#include "homebase.h"
#include "http_api.h"
#include "http_client.h"
#include "registry.h"
#include "registry_store.h"
#include "replay_store.h"
#include "system_clock.h"
#include "udp_air.h"
#include "verify_budget.h"

/* The loop wakes at least this often to expire devices and seal due batches. */
#define TICK_INTERVAL_MS 1000
#define BATCH_INTERVAL_MAX_SEC 3600
/* Simulated devices that receive broadcasts: each device-sim process has one address. */
#define AIR_PEERS_MAX 32

typedef struct {
    const char *config_path;
    const char *spool_dir;
    const char *bind_host;
    const char *engine_name;
    uint16_t http_port;
    uint16_t udp_port;
    uint32_t batch_interval_sec;
    uint32_t verifies_per_sec;
    bool verbose;
} options_t;

static volatile sig_atomic_t s_stop_requested;

static void request_stop(int signal_number)
{
    (void)signal_number;
    s_stop_requested = 1;
}

static void print_usage(FILE *out)
{
    fprintf(out,
            "usage: homebase-sim --config FILE --spool DIR [options]\n"
            "  --config FILE          provisioning file (docs/provisioning.md)\n"
            "  --spool DIR            the SD card folder: batches not yet taken by the central server,\n"
            "                         the replay state and the beacon state\n"
            "  --http-port PORT       local API port (default 8081)\n"
            "  --udp-port PORT        UDP port standing in for the radio (default 8082)\n"
            "  --bind HOST            IPv4 address for both ports (default 127.0.0.1)\n"
            "  --batch-interval SEC   batch interval in seconds, 1 to 3600 (default: the file's)\n"
            "  --engine NAME          wasm2c or wasm3 (default wasm2c)\n"
            "  --verify-rate N        frame signature verifies per second, 1 to 10000 (default 50)\n"
            "  --verbose              log every accepted frame and batch\n");
}

static int parse_number(const char *text, unsigned long max, const char *option, unsigned long *out)
{
    char *end = NULL;
    unsigned long value;

    errno = 0;
    value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value < 1 || value > max) {
        fprintf(stderr, "homebase-sim: %s %s is not a whole number from 1 to %lu\n", option, text,
                max);
        return -1;
    }
    *out = value;
    return 0;
}

static int parse_options(int argc, char **argv, options_t *options)
{
    static const struct option long_options[] = {
        { "config", required_argument, NULL, 'c' },
        { "spool", required_argument, NULL, 's' },
        { "http-port", required_argument, NULL, 'h' },
        { "udp-port", required_argument, NULL, 'u' },
        { "bind", required_argument, NULL, 'b' },
        { "batch-interval", required_argument, NULL, 'i' },
        { "engine", required_argument, NULL, 'e' },
        { "verify-rate", required_argument, NULL, 'r' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, '?' },
        { NULL, 0, NULL, 0 },
    };
    unsigned long value;
    int option;

    while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (option) {
        case 'c': options->config_path = optarg; break;
        case 's': options->spool_dir = optarg; break;
        case 'b': options->bind_host = optarg; break;
        case 'e': options->engine_name = optarg; break;
        case 'v': options->verbose = true; break;
        case 'h':
        case 'u':
            if (parse_number(optarg, 65535, option == 'h' ? "--http-port" : "--udp-port", &value) != 0) {
                return -1;
            }
            *(option == 'h' ? &options->http_port : &options->udp_port) = (uint16_t)value;
            break;
        case 'i':
            if (parse_number(optarg, BATCH_INTERVAL_MAX_SEC, "--batch-interval", &value) != 0) {
                return -1;
            }
            options->batch_interval_sec = (uint32_t)value;
            break;
        case 'r':
            if (parse_number(optarg, VERIFY_BUDGET_MAX_PER_SEC, "--verify-rate", &value) != 0) {
                return -1;
            }
            options->verifies_per_sec = (uint32_t)value;
            break;
        default:
            print_usage(stderr);
            return -1;
        }
    }
    if (optind != argc || options->config_path == NULL || options->spool_dir == NULL) {
        fprintf(stderr, "homebase-sim: --config and --spool are required\n");
        print_usage(stderr);
        return -1;
    }
    return 0;
}

typedef struct {
    registry_t registry;
    engine_t *engine;
    core_t core;
    spool_t spool;
    uplink_t uplink;
    homebase_t homebase;
    pthread_mutex_t lock;
    http_api_t *api;
    int udp_fd;
    replay_store_t replay_store;
    beacon_t beacon;
    command_results_t command_results;
    commands_t commands;
    char data_dir[SPOOL_PATH_LEN];
    /* Addresses that beacons go to (see broadcast_on_air). */
    uint8_t peers[AIR_PEERS_MAX][INTAKE_MAC_LEN];
    size_t peer_count;
} simulator_t;

static int send_on_air(void *ctx, const uint8_t mac[INTAKE_MAC_LEN], const uint8_t *frame, size_t len)
{
    simulator_t *sim = ctx;

    return udp_air_send(sim->udp_fd, mac, frame, len);
}

/* Records the sender of any datagram, accepted or not, as a listener for broadcasts. A full table
 * replaces its oldest entry. */
static void note_air_peer(simulator_t *sim, const uint8_t mac[INTAKE_MAC_LEN])
{
    for (size_t i = 0; i < sim->peer_count; i++) {
        if (memcmp(sim->peers[i], mac, INTAKE_MAC_LEN) == 0) {
            return;
        }
    }
    if (sim->peer_count < AIR_PEERS_MAX) {
        memcpy(sim->peers[sim->peer_count++], mac, INTAKE_MAC_LEN);
        return;
    }
    memmove(sim->peers[0], sim->peers[1], (AIR_PEERS_MAX - 1) * INTAKE_MAC_LEN);
    memcpy(sim->peers[AIR_PEERS_MAX - 1], mac, INTAKE_MAC_LEN);
}

/* The simulated air has no broadcast: a beacon goes to every address a datagram came from, so the
 * beacon sent at start reaches only simulated devices that have sent something since. */
static int broadcast_on_air(void *ctx, const uint8_t *frame, size_t len)
{
    simulator_t *sim = ctx;

    for (size_t i = 0; i < sim->peer_count; i++) {
        if (udp_air_send(sim->udp_fd, sim->peers[i], frame, len) != 0) {
            hb_log(HB_LOG_WARN, "beacon not sent to port %u: %s",
                   (unsigned)(sim->peers[i][4] << 8 | sim->peers[i][5]), strerror(errno));
        }
    }
    return 0;
}

/* Everything from the provisioning file to the open sockets. Returns 0, or -1 after logging why. */
static int start(simulator_t *sim, const options_t *options)
{
    char error[512] = "";
    uplink_transport_t transport = { .post = http_client_post, .ctx = NULL };

    if (registry_load_file(&sim->registry, options->config_path, error) != 0) {
        hb_log(HB_LOG_ERROR, "provisioning file rejected: %s", error);
        return -1;
    }
    /* The registry on the card, which config commands keep, replaces the provisioning file's. */
    snprintf(sim->data_dir, sizeof sim->data_dir, "%s", options->spool_dir);
    if (spool_open(&sim->spool, options->spool_dir, error) != 0 ||
        registry_store_load(&sim->registry, sim->data_dir, error) < 0) {
        hb_log(HB_LOG_ERROR, "registry not loaded: %s", error);
        return -1;
    }
    sim->engine = engine_select_open(options->engine_name, error);
    if (sim->engine == NULL) {
        hb_log(HB_LOG_ERROR, "core not loaded: %s", error);
        return -1;
    }
    if (core_open(&sim->core, sim->engine) != 0 || registry_apply(&sim->registry, &sim->core, error) != 0) {
        hb_log(HB_LOG_ERROR, "core not ready: %s", sim->engine->trapped ? engine_error(sim->engine) : error);
        return -1;
    }

    if (spool_open(&sim->spool, options->spool_dir, error) != 0 ||
        uplink_init(&sim->uplink, &sim->core, &sim->registry, &system_clock, transport) != 0 ||
        homebase_init(&sim->homebase, &sim->registry, &sim->core, &sim->spool, &sim->uplink,
                      &system_clock, options->batch_interval_sec != 0 ? options->batch_interval_sec
                                                                      : sim->registry.batch_interval_sec,
                      error) != 0) {
        hb_log(HB_LOG_ERROR, "home base not started: %s", error[0] != '\0' ? error :
               "central_url has no scheme://");
        return -1;
    }

    verify_budget_init(&sim->homebase.intake.budget, options->verifies_per_sec);
    if (replay_store_init(&sim->replay_store, &sim->core, options->spool_dir) != 0 ||
        homebase_persist_replay(&sim->homebase, &sim->replay_store, error) != 0) {
        hb_log(HB_LOG_ERROR, "replay state not restored: %s", error[0] != '\0' ? error :
               "spool path too long");
        return -1;
    }

    sim->udp_fd = udp_air_open(options->bind_host, options->udp_port);
    if (sim->udp_fd < 0) {
        hb_log(HB_LOG_ERROR, "udp port %s:%u not opened: %s", options->bind_host,
               (unsigned)options->udp_port, strerror(errno));
        return -1;
    }
    if (beacon_start(&sim->beacon, &sim->core, &sim->registry, &system_clock, options->spool_dir,
                     BEACON_CHANNEL_DEFAULT, broadcast_on_air, sim, error) != 0) {
        hb_log(HB_LOG_ERROR, "beacons not started: %s", error);
        return -1;
    }
    if (command_results_init(&sim->command_results, &sim->uplink, &system_clock, sim->data_dir) != 0) {
        hb_log(HB_LOG_ERROR, "command results outbox in %s is malformed", sim->data_dir);
        return -1;
    }
    commands_init(&sim->commands, &sim->core, &sim->registry, &system_clock, &sim->homebase.intake,
                  &sim->replay_store, &sim->command_results, sim->data_dir, send_on_air, sim);
    sim->homebase.intake.hooks.on_ack = commands_on_ack;
    sim->homebase.intake.hooks.ack_ctx = &sim->commands;
    sim->homebase.intake.hooks.on_key_rotated = commands_on_key_rotated;
    sim->homebase.intake.hooks.key_rotated_ctx = &sim->commands;

    sim->api = http_api_start(options->bind_host, options->http_port, &sim->homebase, &sim->lock);
    if (sim->api == NULL) {
        hb_log(HB_LOG_ERROR, "http port %s:%u not opened (in use?)", options->bind_host,
               (unsigned)options->http_port);
        return -1;
    }
    http_api_add_commands(sim->api, &sim->commands);
    return 0;
}

static void receive_frames(simulator_t *sim)
{
    uint8_t frame[UDP_AIR_DATAGRAM_MAX];
    uint8_t mac[INTAKE_MAC_LEN];
    size_t len;
    int received;

    while ((received = udp_air_receive(sim->udp_fd, frame, &len, mac)) == 1) {
        pthread_mutex_lock(&sim->lock);
        note_air_peer(sim, mac);
        homebase_receive(&sim->homebase, frame, len, mac, UDP_AIR_RSSI_DBM);
        pthread_mutex_unlock(&sim->lock);
    }
    if (received < 0) {
        hb_log(HB_LOG_WARN, "udp receive failed: %s", strerror(errno));
    }
}

static void run(simulator_t *sim)
{
    struct pollfd entry = { .fd = sim->udp_fd, .events = POLLIN };

    while (!s_stop_requested && !sim->engine->trapped) {
        if (poll(&entry, 1, TICK_INTERVAL_MS) > 0) {
            receive_frames(sim);
        }
        pthread_mutex_lock(&sim->lock);
        homebase_tick(&sim->homebase);
        beacon_tick(&sim->beacon);
        command_results_flush(&sim->command_results);
        pthread_mutex_unlock(&sim->lock);
    }
    if (sim->engine->trapped) {
        hb_log(HB_LOG_ERROR, "stopping: the core trapped (%s)", engine_error(sim->engine));
    }
}

/* Stops the server first, so no handler touches the home base while it is torn down. The open
 * batch is not sealed: sealed batches are already in the spool and are sent after a restart. */
static void stop(simulator_t *sim)
{
    http_api_stop(sim->api);
    if (sim->udp_fd >= 0) {
        close(sim->udp_fd);
    }
    homebase_free(&sim->homebase);
    engine_destroy(sim->engine);
    registry_wipe(&sim->registry);
}

int main(int argc, char **argv)
{
    options_t options = {
        .bind_host = "127.0.0.1",
        .engine_name = "wasm2c",
        .http_port = 8081,
        .udp_port = 8082,
    };
    static simulator_t sim = { .udp_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };
    struct sigaction action = { .sa_handler = request_stop };
    int exit_code = EXIT_SUCCESS;

    if (parse_options(argc, argv, &options) != 0) {
        return 2;
    }
    hb_log_set_sink(NULL, options.verbose ? HB_LOG_DEBUG : HB_LOG_INFO);
    if (sodium_init() < 0) {
        hb_log(HB_LOG_ERROR, "libsodium did not initialise");
        return EXIT_FAILURE;
    }
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);

    if (start(&sim, &options) == 0) {
        hb_log(HB_LOG_INFO, "home base started: id=%s engine=%s http=%s:%u udp=%s:%u spool=%s "
               "central=%s", sim.registry.home_base_id, engine_name(sim.engine), options.bind_host,
               (unsigned)options.http_port, options.bind_host, (unsigned)options.udp_port,
               options.spool_dir, sim.uplink.ingest_url);
        run(&sim);
        hb_log(HB_LOG_INFO, "home base stopped: spooled=%u", (unsigned)homebase_spooled_count(&sim.homebase));
    } else {
        exit_code = EXIT_FAILURE;
    }
    if (sim.engine != NULL && sim.engine->trapped) {
        exit_code = EXIT_FAILURE;
    }
    stop(&sim);
    return exit_code;
}
