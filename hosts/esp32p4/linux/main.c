/* homebase-sim: the home base on Linux. The radio is the UART link to a radio co-processor on a
 * terminal (--link, e.g. radio-sim's pseudo-terminal) or else UDP on 127.0.0.1 as the air, a folder
 * is the SD card, civetweb serves the local API, and batches go to the central server over plain
 * HTTP from the uplink sender's thread, so the main loop keeps reading the radio during an
 * outage. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_events.h"
#include "dashboard_token.h"
#include "beacon.h"
#include "command_results.h"
#include "commands.h"
#include "engine_select.h"
#include "file_clock.h"
#include "hb_file.h"
#include "hb_log.h"
#include "homebase.h"
#include "http_api.h"
#include "http_client.h"
#include "link_tty.h"
#include "media_report.h"
#include "radio_firmware.h"
#include "radio_link.h"
#include "registry.h"
#include "sim_card.h"
#include "registry_store.h"
#include "replay_store.h"
#include "system_clock.h"
#include "udp_air.h"
#include "uplink_sender.h"
#include "uplink_thread.h"
#include "verify_budget.h"

/* Bytes read from the link terminal at a time. */
#define LINK_READ_CHUNK_LEN 512
/* How long a closed link waits for a stop signal before it counts as a failure. */
#define LINK_CLOSE_GRACE_MS 500

/* The loop wakes at least this often to expire devices and seal due batches. */
#define TICK_INTERVAL_MS 1000
/* With --clock-file the loop wakes this often instead, so the home base acts on a moved clock
 * within this many real milliseconds. */
#define FILE_CLOCK_TICK_INTERVAL_MS 20
#define BATCH_INTERVAL_MAX_SEC 3600
/* The dashboard token's hash, in the spool folder (docs/sd-layout.md), written through rename. */
#define DASHBOARD_TOKEN_FILE "dashboard-token.sha256"

typedef struct {
    const char *config_path;
    const char *spool_dir;
    const char *data_dir;
    const char *dashboard_token_sha256;
    uint32_t card_mb;
    const char *bind_host;
    const char *engine_name;
    const char *link_path;
    const char *clock_file;
    uint16_t http_port;
    uint16_t udp_port;
    uint32_t batch_interval_sec;
    uint32_t verifies_per_sec;
    bool verbose;
} options_t;

static volatile sig_atomic_t s_stop_requested;
static int s_link_failed;

static void request_stop(int signal_number)
{
    (void)signal_number;
    s_stop_requested = 1;
}

static void print_usage(FILE *out)
{
    fprintf(out,
            "usage: homebase-sim --config FILE --data DIR [options]\n"
            "  --config FILE          provisioning file (docs/provisioning.md)\n"
            "  --data DIR             the sd card (docs/sd-layout.md): media, and in DIR/spool the\n"
            "                         batches not yet taken by the central server, the replay\n"
            "                         state, beacon state, registry and command results\n"
            "  --spool DIR            older name of --data\n"
            "  --card-mb MB           the sd card's capacity in MiB (default 1024)\n"
            "  --dashboard-token-sha256 B64\n"
            "                         set the local dashboard token's SHA-256 (base64) at start, as\n"
            "                         set_dashboard_token does; for the simulator and its launcher\n"
            "  --http-port PORT       local API port (default 8081)\n"
            "  --udp-port PORT        UDP port standing in for the radio (default 8082)\n"
            "  --link TTY             use the UART link to a radio co-processor on the terminal TTY\n"
            "                         (docs/radio-link.md) instead of the UDP port\n"
            "  --bind HOST            IPv4 address for both ports (default 127.0.0.1)\n"
            "  --batch-interval SEC   batch interval in seconds, 1 to 3600 (default: the file's)\n"
            "  --engine NAME          wasm2c or wasm3 (default wasm2c)\n"
            "  --verify-rate N        frame signature verifies per second, 1 to 10000 (default 50)\n"
            "  --clock-file FILE      take the time from FILE (Unix seconds as decimal text) instead\n"
            "                         of the system clock, read again every 20 ms; for tests\n"
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
        { "data", required_argument, NULL, 'd' },
        { "card-mb", required_argument, NULL, 'm' },
        { "dashboard-token-sha256", required_argument, NULL, 't' },
        { "http-port", required_argument, NULL, 'h' },
        { "udp-port", required_argument, NULL, 'u' },
        { "bind", required_argument, NULL, 'b' },
        { "batch-interval", required_argument, NULL, 'i' },
        { "engine", required_argument, NULL, 'e' },
        { "link", required_argument, NULL, 'l' },
        { "verify-rate", required_argument, NULL, 'r' },
        { "clock-file", required_argument, NULL, 'k' },
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
        case 'd': options->data_dir = optarg; break;
        case 't': options->dashboard_token_sha256 = optarg; break;
        case 'm':
            if (parse_number(optarg, SIM_CARD_MAX_MB, "--card-mb", &value) != 0) {
                return -1;
            }
            options->card_mb = (uint32_t)value;
            break;
        case 'b': options->bind_host = optarg; break;
        case 'e': options->engine_name = optarg; break;
        case 'l': options->link_path = optarg; break;
        case 'k': options->clock_file = optarg; break;
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
    /* The spool goes through the card's storage adapter, so it is always the card's spool folder. */
    if (options->spool_dir != NULL && options->data_dir != NULL) {
        fprintf(stderr, "homebase-sim: --spool is an older name of --data; give one of them\n");
        return -1;
    }
    if (options->data_dir == NULL) {
        options->data_dir = options->spool_dir;
    }
    if (optind != argc || options->config_path == NULL || options->data_dir == NULL) {
        fprintf(stderr, "homebase-sim: --config and --data are required\n");
        print_usage(stderr);
        return -1;
    }
    {
        static char spool_in_card[512];

        snprintf(spool_in_card, sizeof spool_in_card, "%s/spool", options->data_dir);
        options->spool_dir = spool_in_card;
    }
    return 0;
}

typedef struct {
    /* The one clock every module gets: &system_clock, or file_clock.clock with --clock-file. */
    const hb_clock_t *clock;
    file_clock_t file_clock;
    bool clock_file_failing;
    /* True once start() got through, so stop() may seal: after a failed start the replay state may
     * not be restored, and sealing would overwrite it. */
    bool started;
    int tick_interval_ms;
    registry_t registry;
    engine_t *engine;
    core_t core;
    spool_t spool;
    uplink_t uplink;
    homebase_t homebase;
    sim_card_t card;
    pthread_mutex_t lock;
    http_api_t *api;
    api_events_t events;
    int udp_fd;
    udp_air_radio_t air;
    int link_fd;
    radio_link_t link;
    radio_t *radio;
    replay_store_t replay_store;
    beacon_t beacon;
    command_results_t command_results;
    media_report_t media_report;
    commands_t commands;
    /* Sends batches, command results and media reports in its own thread (uplink_sender.h). */
    uplink_sender_t sender;
    uplink_thread_t uplink_thread;
    char data_dir[SPOOL_PATH_LEN];
} simulator_t;

/* Loads the dashboard token's hash from the spool folder (docs/sd-layout.md), then replaces it with
 * --dashboard-token-sha256 when given. Returns 0, or -1 after logging why. */
static int set_dashboard_token(const options_t *options)
{
    char path[HB_DASHBOARD_TOKEN_PATH_LEN];
    uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN];
    size_t len = 0;

    snprintf(path, sizeof path, "%s/%s", options->spool_dir, DASHBOARD_TOKEN_FILE);
    if (hb_dashboard_token_open(path) != 0) {
        hb_log(HB_LOG_WARN, "dashboard token file %s unreadable; the local API responds 503 until "
               "the central server sends set_dashboard_token", path);
    }
    if (options->dashboard_token_sha256 == NULL) {
        return 0;
    }
    if (sodium_base642bin(sha, sizeof sha, options->dashboard_token_sha256,
                          strlen(options->dashboard_token_sha256), NULL, &len, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 || len != sizeof sha) {
        hb_log(HB_LOG_ERROR, "--dashboard-token-sha256 must be base64 of 32 bytes");
        return -1;
    }
    if (hb_dashboard_token_set_sha256(sha) != 0) {
        hb_log(HB_LOG_ERROR, "dashboard token not stored in %s", path);
        return -1;
    }
    return 0;
}

static void lock_home(void *ctx)
{
    pthread_mutex_lock(ctx);
}

static void unlock_home(void *ctx)
{
    pthread_mutex_unlock(ctx);
}

/* Starts the uplink sender's thread over the home base and both outboxes. Returns 0, or -1 after
 * logging why. */
static int start_sender(simulator_t *sim)
{
    const hb_lock_t lock = { .acquire = lock_home, .release = unlock_home, .ctx = &sim->lock };

    if (uplink_thread_init(&sim->uplink_thread) != 0) {
        hb_log(HB_LOG_ERROR, "uplink sender not started: %s", strerror(errno));
        return -1;
    }

    /* The API's handlers already run and may spool batches, so the hooks are set under the lock. */
    pthread_mutex_lock(&sim->lock);
    uplink_sender_init(&sim->sender, &sim->homebase, &lock, uplink_thread_wake, &sim->uplink_thread);
    uplink_sender_add_outbox(&sim->sender, &sim->command_results.outbox);
    uplink_sender_add_outbox(&sim->sender, &sim->media_report.outbox);
    pthread_mutex_unlock(&sim->lock);

    /* With --clock-file a retry delay that the moved clock ended is seen within one tick interval. */
    if (uplink_thread_start(&sim->uplink_thread, &sim->sender, (uint32_t)sim->tick_interval_ms) != 0) {
        hb_log(HB_LOG_ERROR, "uplink sender thread not started: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Runs under sim->lock: the radio is fed with the lock held. */
static void on_radio_frame(void *ctx, const uint8_t *frame, size_t len, const uint8_t mac[RADIO_MAC_LEN],
                           int32_t rssi)
{
    simulator_t *sim = ctx;

    homebase_receive(&sim->homebase, frame, len, mac, rssi);
}

/* Opens the radio: the link on options->link_path, or else the UDP air. Returns 0, or -1 after
 * logging why. */
static int open_radio(simulator_t *sim, const options_t *options)
{
    static const link_version_t bundled = {
        .protocol_version = LINK_PROTOCOL_VERSION,
        .firmware_major = RADIO_FIRMWARE_MAJOR,
        .firmware_minor = RADIO_FIRMWARE_MINOR,
        .firmware_patch = RADIO_FIRMWARE_PATCH,
    };

    if (options->link_path != NULL) {
        sim->link_fd = link_tty_open(options->link_path);
        if (sim->link_fd < 0) {
            hb_log(HB_LOG_ERROR, "radio link %s not opened: %s", options->link_path, strerror(errno));
            return -1;
        }
        radio_link_init(&sim->link, link_tty_write, &sim->link_fd, sim->clock, &bundled);
        sim->radio = radio_link_radio(&sim->link);
    } else {
        sim->udp_fd = udp_air_open(options->bind_host, options->udp_port);
        if (sim->udp_fd < 0) {
            hb_log(HB_LOG_ERROR, "udp port %s:%u not opened: %s", options->bind_host,
                   (unsigned)options->udp_port, strerror(errno));
            return -1;
        }
        udp_air_radio_init(&sim->air, sim->udp_fd);
        sim->radio = &sim->air.radio;
    }
    radio_set_handlers(sim->radio, on_radio_frame, NULL, sim);
    return 0;
}

/* Picks the clock: the system's, or the file of --clock-file, which must be readable now. Returns
 * 0, or -1 after logging why. */
static int open_clock(simulator_t *sim, const options_t *options)
{
    char error[FILE_CLOCK_ERROR_LEN];

    sim->clock = &system_clock;
    sim->tick_interval_ms = TICK_INTERVAL_MS;
    if (options->clock_file == NULL) {
        return 0;
    }
    if (file_clock_open(&sim->file_clock, options->clock_file, error) != 0) {
        hb_log(HB_LOG_ERROR, "--clock-file rejected: %s", error);
        return -1;
    }
    sim->clock = &sim->file_clock.clock;
    sim->tick_interval_ms = FILE_CLOCK_TICK_INTERVAL_MS;
    hb_log(HB_LOG_INFO, "clock: file=%s now=%u", options->clock_file,
           (unsigned)hb_clock_now(sim->clock));
    return 0;
}

/* Everything from the provisioning file to the open sockets. Returns 0, or -1 after logging why. */
static int start(simulator_t *sim, const options_t *options)
{
    char error[512] = "";
    uplink_transport_t transport = { .post = http_client_post, .ctx = NULL };

    if (open_clock(sim, options) != 0) {
        return -1;
    }
    if (registry_load_file(&sim->registry, options->config_path, error) != 0) {
        hb_log(HB_LOG_ERROR, "provisioning file rejected: %s", error);
        return -1;
    }
    /* The card comes first: the spool and the state files live in its spool folder. */
    if (sim_card_open(&sim->card, options->data_dir, options->card_mb, error) != 0) {
        hb_log(HB_LOG_ERROR, "home base not started: %s", error);
        return -1;
    }
    if (spool_open(&sim->spool, &sim->card.storage, error) != 0) {
        hb_log(HB_LOG_ERROR, "spool not opened: %s", error);
        return -1;
    }

    /* The registry on the card, which config commands keep, replaces the provisioning file's. */
    snprintf(sim->data_dir, sizeof sim->data_dir, "%s", options->spool_dir);
    if (registry_store_load(&sim->registry, sim->data_dir, error) < 0) {
        hb_log(HB_LOG_ERROR, "registry not loaded from %s: %s; %s", sim->data_dir, error,
               HB_FILE_STATE_ADVICE);
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

    if (uplink_init(&sim->uplink, &sim->core, &sim->registry, sim->clock, transport) != 0 ||
        homebase_init(&sim->homebase, &sim->registry, &sim->core, &sim->spool, &sim->uplink,
                      sim->clock, options->batch_interval_sec != 0 ? options->batch_interval_sec
                                                                      : sim->registry.batch_interval_sec,
                      error) != 0) {
        hb_log(HB_LOG_ERROR, "home base not started: %s", error[0] != '\0' ? error :
               "central_url has no scheme://");
        return -1;
    }

    sim_card_attach_media(&sim->card, &sim->homebase);

    if (set_dashboard_token(options) != 0) {
        return -1;
    }

    verify_budget_init(&sim->homebase.intake.budget, options->verifies_per_sec);
    if (replay_store_init(&sim->replay_store, &sim->core, options->spool_dir) != 0 ||
        homebase_persist_replay(&sim->homebase, &sim->replay_store, error) != 0) {
        hb_log(HB_LOG_ERROR, "replay state not restored: %s", error[0] != '\0' ? error :
               "spool path too long");
        return -1;
    }

    if (open_radio(sim, options) != 0) {
        return -1;
    }
    if (beacon_start(&sim->beacon, &sim->core, &sim->registry, sim->clock, options->spool_dir,
                     BEACON_CHANNEL_DEFAULT, sim->radio, error) != 0) {
        hb_log(HB_LOG_ERROR, "beacons not started: %s", error);
        return -1;
    }
    if (command_results_init(&sim->command_results, &sim->uplink, sim->clock, sim->data_dir) != 0) {
        hb_log(HB_LOG_ERROR, "command results outbox not loaded: %s/%s is unreadable and was not "
               "moved aside, or the path is too long", sim->data_dir, COMMAND_RESULTS_FILE);
        return -1;
    }
    if (media_report_init(&sim->media_report, &sim->uplink, sim->clock, sim->data_dir) != 0) {
        hb_log(HB_LOG_ERROR, "media report outbox not loaded: %s/%s is unreadable and was not "
               "moved aside, or the path is too long", sim->data_dir, MEDIA_REPORT_FILE);
        return -1;
    }
    if (sim->card.media_attached) {
        media_set_stored_callback(&sim->card.media, media_report_on_stored, &sim->media_report);
    }
    commands_init(&sim->commands, &sim->core, &sim->registry, sim->clock, &sim->homebase.intake,
                  &sim->replay_store, &sim->command_results, sim->data_dir, sim->radio);
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

    /* The handlers already run, so the home base changes under the lock. */
    pthread_mutex_lock(&sim->lock);
    api_events_init(&sim->events, &sim->core, &sim->registry, http_api_publish_event, sim->api);
    sim->homebase.events = &sim->events;
    sim->homebase.radio_state = "up";
    pthread_mutex_unlock(&sim->lock);
    http_api_add_commands(sim->api, &sim->commands);
    sim->started = true;
    return start_sender(sim);
}

static void receive_frames(simulator_t *sim)
{
    pthread_mutex_lock(&sim->lock);
    if (udp_air_radio_poll(&sim->air) != 0) {
        hb_log(HB_LOG_WARN, "udp receive failed: %s", strerror(errno));
    }
    pthread_mutex_unlock(&sim->lock);
}

/* Reads what the co-processor sent. Returns 0, or -1 once the terminal is gone (the co-processor
 * side closed), which stops the home base: without its radio it has nothing to do. */
static int receive_link(simulator_t *sim)
{
    uint8_t bytes[LINK_READ_CHUNK_LEN];
    ssize_t len;

    while ((len = read(sim->link_fd, bytes, sizeof bytes)) > 0) {
        pthread_mutex_lock(&sim->lock);
        radio_link_receive(&sim->link, bytes, (size_t)len);
        pthread_mutex_unlock(&sim->lock);
    }
    if (len == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        /* make run stops radio-sim and the home base together, and radio-sim may close its side
         * before this process receives its own signal. A signal within the grace period (it ends the
         * poll early) makes the closed link part of that stop, not an error. */
        if (!s_stop_requested) {
            poll(NULL, 0, LINK_CLOSE_GRACE_MS);
        }
        if (!s_stop_requested) {
            hb_log(HB_LOG_ERROR, "radio link closed: %s", len == 0 ? "end of file" : strerror(errno));
        }
        return -1;
    }
    return 0;
}

/* Reads the clock file again, under the lock, so a status page that shows the new time was
 * rendered after the tick that used it. A failed read keeps the last time. Only the changes between
 * failing and readable are logged, so that a missing file does not log 50 lines a second. */
static void refresh_file_clock(simulator_t *sim)
{
    char error[FILE_CLOCK_ERROR_LEN];

    if (sim->clock != &sim->file_clock.clock) {
        return;
    }
    if (file_clock_refresh(&sim->file_clock, error) != 0) {
        if (!sim->clock_file_failing) {
            hb_log(HB_LOG_WARN, "%s; keeping the time %u until it is readable",
                   error, (unsigned)hb_clock_now(sim->clock));
        }
        sim->clock_file_failing = true;
        return;
    }
    if (sim->clock_file_failing) {
        hb_log(HB_LOG_INFO, "clock file readable again: now=%u", (unsigned)hb_clock_now(sim->clock));
    }
    sim->clock_file_failing = false;
}

static void run(simulator_t *sim)
{
    bool use_link = sim->link_fd >= 0;
    struct pollfd entry = { .fd = use_link ? sim->link_fd : sim->udp_fd, .events = POLLIN };

    while (!s_stop_requested && !sim->engine->trapped) {
        if (poll(&entry, 1, sim->tick_interval_ms) > 0) {
            if (!use_link) {
                receive_frames(sim);
            } else if (receive_link(sim) != 0) {
                s_link_failed = !s_stop_requested;
                break;
            }
        }
        pthread_mutex_lock(&sim->lock);
        refresh_file_clock(sim);
        if (use_link) {
            radio_link_tick(&sim->link);
        }
        homebase_tick(&sim->homebase);
        beacon_tick(&sim->beacon);
        pthread_mutex_unlock(&sim->lock);
    }
    if (sim->engine->trapped) {
        hb_log(HB_LOG_ERROR, "stopping: the core trapped (%s)", engine_error(sim->engine));
    }

    /* The sender finishes the request on its way, if any, and stops before the next. */
    uplink_thread_stop(&sim->uplink_thread);
}

/* Stops the server and the uplink sender first (run stopped the sender already, unless start
 * failed), so no other thread touches the home base while it is torn down. Then seals the open
 * batch into the spool: its entries' replay floors are already saved, so the devices would never
 * send them again. With the sender gone, that batch is sent after the next start. A trapped core
 * cannot seal, and its open batch is lost. */
static void stop(simulator_t *sim)
{
    http_api_stop(sim->api);
    uplink_thread_stop(&sim->uplink_thread);
    if (sim->started && !sim->engine->trapped) {
        homebase_seal_open_batch(&sim->homebase);
    }
    if (sim->started) {
        hb_log(HB_LOG_INFO, "home base stopped: spooled=%u",
               (unsigned)homebase_spooled_count(&sim->homebase));
    }
    if (sim->udp_fd >= 0) {
        close(sim->udp_fd);
    }
    sim_card_close(&sim->card, &sim->homebase);
    if (sim->link_fd >= 0) {
        close(sim->link_fd);
    }
    homebase_free(&sim->homebase);
    engine_destroy(sim->engine);
    registry_wipe(&sim->registry);
    hb_dashboard_token_reset();
}

int main(int argc, char **argv)
{
    options_t options = {
        .bind_host = "127.0.0.1",
        .engine_name = "wasm2c",
        .http_port = 8081,
        .udp_port = 8082,
        .card_mb = SIM_CARD_DEFAULT_MB,
    };
    static simulator_t sim = { .udp_fd = -1, .link_fd = -1, .lock = PTHREAD_MUTEX_INITIALIZER };
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
        char radio[160];

        if (options.link_path != NULL) {
            snprintf(radio, sizeof radio, "link=%s", options.link_path);
        } else {
            snprintf(radio, sizeof radio, "udp=%s:%u", options.bind_host, (unsigned)options.udp_port);
        }
        hb_log(HB_LOG_INFO, "home base started: id=%s engine=%s http=%s:%u %s spool=%s "
               "central=%s", sim.registry.home_base_id, engine_name(sim.engine), options.bind_host,
               (unsigned)options.http_port, radio, options.spool_dir, sim.uplink.ingest_url);
        run(&sim);
    } else {
        exit_code = EXIT_FAILURE;
    }
    if (s_link_failed || (sim.engine != NULL && sim.engine->trapped)) {
        exit_code = EXIT_FAILURE;
    }
    stop(&sim);
    return exit_code;
}
