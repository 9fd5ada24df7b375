/* The home base on the ESP32-P4: brings up the portable home base (components/homebase) with the
 * ESP-IDF adapters of this folder, in the order of the Linux simulator's start (linux/main.c), then
 * runs its loop in the main task.
 *
 * Start: identity from NVS, the SD card, the core and everything on the card (spool, registry,
 * replay state, beacons, command results), Ethernet, SNTP, the UART link to the radio
 * co-processor, the local API, the uplink task, the OLED. A step that fails stops the home base, with the reason on
 * the OLED and in the log. A missing SD card is retried until one is inserted.
 *
 * Loop: radio bytes in, then one tick a second (and after each read), all under the home base lock
 * that the local API's handlers take too. The OLED screen is redrawn once a second. Batches,
 * command results and media reports go to the central server from the uplink task
 * (uplink_task.c), which releases the lock while a request waits on the network, so the loop keeps
 * emptying the radio UART's receive buffer during an outage.
 *
 * The wiring follows linux/main.c's start() step by step, rather than sharing it, so that file
 * stays as it is. Only hardware can show the start on a real board. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api_events.h"
#include "api_http.h"
#include "beacon.h"
#include "command_results.h"
#include "media_report.h"
#include "commands.h"
#include "dashboard_token.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "eth_adapter.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"
#include "hb_card.h"
#include "hb_engine_idf.h"
#include "hb_file.h"
#include "hb_log.h"
#include "hb_log_idf.h"
#include "hb_nvs_identity.h"
#include "hb_ota_writer.h"
#include "hb_sntp.h"
#include "hb_uplink_idf.h"
#include "homebase.h"
#include "http_server_idf.h"
#include "oled_screen.h"
#include "oled_ssd1306.h"
#include "radio_link.h"
#include "radio_uart.h"
#include "registry.h"
#include "registry_store.h"
#include "replay_store.h"
#include "sd_card.h"
#include "sdkconfig.h"
#include "uplink_sender.h"
#include "uplink_task.h"
#include "verify_budget.h"

static const char *TAG = "app_main";

/* Bytes read from the radio UART at a time. */
#define RADIO_READ_CHUNK_LEN 512
/* The loop ticks the home base at least this often (expiry, due batches, beacons, results). */
#define TICK_INTERVAL_MS 1000
#define SCREEN_INTERVAL_MS 1000
#define CARD_RETRY_MS 5000
/* After a UART read error the loop waits this long before reading again, instead of spinning. */
#define RADIO_ERROR_PAUSE_MS 100
/* A trapped core leaves the home base without protocol checks; it restarts after showing why. */
#define TRAP_RESTART_DELAY_MS 10000
#define DASHBOARD_TOKEN_FILE HB_CARD_SPOOL_DIR "/dashboard-token.sha256"
#define START_ERROR_LEN 512

typedef struct {
    registry_t registry;
    engine_t *engine;
    core_t core;
    spool_t spool;
    uplink_t uplink;
    hb_uplink_idf_t uplink_transport;
    homebase_t homebase;
    hb_card_t card;
    replay_store_t replay_store;
    beacon_t beacon;
    command_results_t command_results;
    media_report_t media_report;
    commands_t commands;
    uplink_sender_t sender;
    api_events_t events;
    radio_link_t link;
    api_context_t api;
    SemaphoreHandle_t lock;
    StaticSemaphore_t lock_buffer;
    bool oled_ready;
    oled_fb_t fb;
} home_t;

/* Static: the home base is far larger than the main task's stack. */
static home_t s_home;

static void acquire_lock(void *ctx)
{
    home_t *home = ctx;

    xSemaphoreTake(home->lock, portMAX_DELAY);
}

static void release_lock(void *ctx)
{
    home_t *home = ctx;

    xSemaphoreGive(home->lock);
}

static int64_t uptime_ms(void)
{
    return esp_timer_get_time() / 1000;
}

/* Draws a screen with only the home base id and `problem`, for the time before the home base runs. */
static void show_problem(home_t *home, const char *problem)
{
    oled_screen_t screen = {
        .home_base_id = home->registry.home_base_id[0] != '\0' ? home->registry.home_base_id : "?",
        .link_state = "unknown",
        .error = problem,
    };

    if (!home->oled_ready) {
        home->oled_ready = oled_ssd1306_init() == ESP_OK;
    }
    if (home->oled_ready) {
        oled_screen_render(&home->fb, &screen);
        oled_ssd1306_show(&home->fb);
    }
}

/* Shows `problem` and stops here for good: the home base cannot run without this step. */
static void __attribute__((noreturn)) halt(home_t *home, const char *problem)
{
    ESP_LOGE(TAG, "home base stopped: %s", problem);
    show_problem(home, problem);
    for (;;) {
        vTaskDelay(portMAX_DELAY);
    }
}

/* ---- Start, in linux/main.c's order ---- */

static void start_identity(home_t *home)
{
    char error[REGISTRY_ERROR_LEN] = "";

    if (hb_nvs_identity_init() != ESP_OK) {
        halt(home, "NVS UNREADABLE");
    }
    if (hb_nvs_identity_load(&home->registry, error) != ESP_OK) {
        ESP_LOGE(TAG, "identity not loaded: %s", error);
        halt(home, "NOT PROVISIONED");
    }
}

/* Waits for a card: the home base keeps its spool and replay state there, so it cannot run
 * without one. */
static void mount_card(home_t *home)
{
    while (sd_card_mount() != ESP_OK) {
        ESP_LOGE(TAG, "no sd card mounted; retrying in %d ms", CARD_RETRY_MS);
        show_problem(home, "NO SD CARD");
        vTaskDelay(pdMS_TO_TICKS(CARD_RETRY_MS));
    }
}

/* The card's storage and the spool on it, the card's registry (which config commands keep), and
 * the core with it. */
static void start_core(home_t *home)
{
    char error[START_ERROR_LEN] = "";

    if (hb_card_open(&home->card, error) != ESP_OK) {
        ESP_LOGE(TAG, "sd card not opened: %s", error);
        halt(home, "SD CARD UNUSABLE");
    }
    if (spool_open(&home->spool, &home->card.storage, error) != 0) {
        ESP_LOGE(TAG, "spool not opened: %s", error);
        halt(home, "SD CARD UNUSABLE");
    }
    if (registry_store_load(&home->registry, HB_CARD_SPOOL_DIR, error) < 0) {
        ESP_LOGE(TAG, "registry not loaded from %s: %s; %s", HB_CARD_SPOOL_DIR, error, HB_FILE_STATE_ADVICE);
        halt(home, "REGISTRY BAD");
    }
    home->engine = hb_engine_idf_open(error);
    if (home->engine == NULL) {
        ESP_LOGE(TAG, "core not loaded: %s", error);
        halt(home, "CORE NOT LOADED");
    }
    if (core_open(&home->core, home->engine) != 0 ||
        registry_apply(&home->registry, &home->core, error) != 0) {
        ESP_LOGE(TAG, "core not ready: %s",
                 home->engine->trapped ? engine_error(home->engine) : error);
        halt(home, "CORE NOT READY");
    }
}

static bool read_time_is_set(void *ctx)
{
    (void)ctx;
    return hb_sntp_time_is_set();
}

/* Uplink, batches, media, the dashboard token, the verify budget and the replay state. */
static void start_home_base(home_t *home)
{
    char error[START_ERROR_LEN] = "";

    home->uplink_transport.on_response = hb_ota_writer_on_uplink_response;
    if (uplink_init(&home->uplink, &home->core, &home->registry, &hb_sntp_clock,
                    hb_uplink_idf_transport(&home->uplink_transport)) != 0 ||
        homebase_init(&home->homebase, &home->registry, &home->core, &home->spool, &home->uplink,
                      &hb_sntp_clock, home->registry.batch_interval_sec, error) != 0) {
        ESP_LOGE(TAG, "home base not started: %s",
                 error[0] != '\0' ? error : "central_url has no scheme://");
        halt(home, "BAD CENTRAL URL");
    }
    hb_card_attach_media(&home->card, &home->homebase);
    if (hb_dashboard_token_open(DASHBOARD_TOKEN_FILE) != 0) {
        ESP_LOGW(TAG, "dashboard token file %s unreadable; the local API responds 503 until the "
                 "central server sends set_dashboard_token", DASHBOARD_TOKEN_FILE);
    }

    verify_budget_init(&home->homebase.intake.budget, CONFIG_HB_VERIFY_RATE_PER_SEC);
    if (replay_store_init(&home->replay_store, &home->core, HB_CARD_SPOOL_DIR) != 0 ||
        homebase_persist_replay(&home->homebase, &home->replay_store, error) != 0) {
        ESP_LOGE(TAG, "replay state not restored: %s",
                 error[0] != '\0' ? error : "spool path too long");
        halt(home, "REPLAY STATE BAD");
    }
}

/* Beacons, command results, media reports and commands. They keep the link's radio, whose UART starts later;
 * nothing sends through it before the loop runs. */
static void start_commands(home_t *home)
{
    char error[START_ERROR_LEN] = "";
    radio_t *radio = radio_link_radio(&home->link);

    if (beacon_start(&home->beacon, &home->core, &home->registry, &hb_sntp_clock, HB_CARD_SPOOL_DIR,
                     CONFIG_HB_BEACON_CHANNEL, radio, error) != 0) {
        ESP_LOGE(TAG, "beacons not started: %s", error);
        halt(home, "BEACONS NOT STARTED");
    }
    if (command_results_init(&home->command_results, &home->uplink, &hb_sntp_clock,
                             HB_CARD_SPOOL_DIR) != 0) {
        ESP_LOGE(TAG, "command results outbox not loaded: %s/%s is unreadable and was not moved aside",
                 HB_CARD_SPOOL_DIR, COMMAND_RESULTS_FILE);
        halt(home, "RESULTS FILE BAD");
    }
    if (media_report_init(&home->media_report, &home->uplink, &hb_sntp_clock, HB_CARD_SPOOL_DIR) != 0) {
        ESP_LOGE(TAG, "media report outbox not loaded: %s/%s is unreadable and was not moved aside",
                 HB_CARD_SPOOL_DIR, MEDIA_REPORT_FILE);
        halt(home, "MEDIA FILE BAD");
    }
    media_set_stored_callback(&home->card.media, media_report_on_stored, &home->media_report);
    commands_init(&home->commands, &home->core, &home->registry, &hb_sntp_clock,
                  &home->homebase.intake, &home->replay_store, &home->command_results,
                  HB_CARD_SPOOL_DIR, radio);
    commands_set_time_check(&home->commands, read_time_is_set, NULL);
    home->homebase.intake.hooks.on_ack = commands_on_ack;
    home->homebase.intake.hooks.ack_ctx = &home->commands;
    home->homebase.intake.hooks.on_key_rotated = commands_on_key_rotated;
    home->homebase.intake.hooks.key_rotated_ctx = &home->commands;

    api_events_init(&home->events, &home->core, &home->registry, http_server_idf_publish_event, NULL);
    home->homebase.events = &home->events;
}

/* Ethernet and SNTP. A link that is down is no start failure: batches wait in the spool. */
static void start_network(home_t *home)
{
    esp_err_t err = esp_netif_init();

    if (err == ESP_OK) {
        err = esp_event_loop_create_default();
    }
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "network stack not started: %s", esp_err_to_name(err));
        halt(home, "NETWORK STACK FAILED");
    }
    if (eth_adapter_start() != ESP_OK) {
        halt(home, "ETHERNET FAILED");
    }
    if (hb_sntp_start() != ESP_OK) {
        halt(home, "SNTP FAILED");
    }
}

/* Runs under the home base lock: the loop feeds the link with the lock held. */
static void on_radio_frame(void *ctx, const uint8_t *frame, size_t len,
                           const uint8_t mac[RADIO_MAC_LEN], int32_t rssi)
{
    home_t *home = ctx;

    homebase_receive(&home->homebase, frame, len, mac, rssi);
}

static void start_radio(home_t *home)
{
    if (radio_uart_start(&home->link, &hb_sntp_clock) != ESP_OK) {
        halt(home, "RADIO UART FAILED");
    }
    radio_set_handlers(radio_link_radio(&home->link), on_radio_frame, NULL, home);
}

static const char *read_storage_error(const homebase_t *homebase)
{
    (void)homebase;
    return sd_card_mounted() ? NULL : "NO SD CARD";
}

static void start_http(home_t *home)
{
    esp_err_t err;

    home->api.homebase = &home->homebase;
    home->api.commands = &home->commands;
    home->api.lock = (api_lock_t){ .acquire = acquire_lock, .release = release_lock, .ctx = home };
    home->api.storage_error = read_storage_error;
    eth_adapter_ip_text(home->api.host, sizeof home->api.host);

    err = http_server_idf_start(&home->api, CONFIG_HB_HTTP_PORT);
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "local api not started on port %d: %s", CONFIG_HB_HTTP_PORT,
                 esp_err_to_name(err));
        halt(home, "HTTP SERVER FAILED");
    }
}

/* The uplink task, over the spool and both outboxes. The local API already runs, so the sender's
 * hooks are set under the lock. */
static void start_uplink(home_t *home)
{
    acquire_lock(home);
    uplink_sender_init(&home->sender, &home->homebase, &home->api.lock, uplink_task_wake, NULL);
    uplink_sender_add_outbox(&home->sender, &home->command_results.outbox);
    uplink_sender_add_outbox(&home->sender, &home->media_report.outbox);
    release_lock(home);

    if (uplink_task_start(&home->sender) != ESP_OK) {
        halt(home, "UPLINK TASK FAILED");
    }
}

/* The screen is a convenience: the home base runs without one. */
static void start_oled(home_t *home)
{
    if (!home->oled_ready) {
        home->oled_ready = oled_ssd1306_init() == ESP_OK;
    }
    if (!home->oled_ready) {
        ESP_LOGW(TAG, "oled not found; running without a status screen");
    }
}

static void start(home_t *home)
{
    home->lock = xSemaphoreCreateMutexStatic(&home->lock_buffer);
    hb_log_idf_install();
    if (sodium_init() < 0) {
        halt(home, "LIBSODIUM FAILED");
    }

    start_identity(home);
    mount_card(home);
    start_core(home);
    start_home_base(home);
    start_commands(home);
    start_network(home);
    start_radio(home);
    start_http(home);
    start_uplink(home);
    start_oled(home);

    ESP_LOGI(TAG, "home base started: id=%s engine=%s http_port=%d central=%s spool=%s",
             home->registry.home_base_id, engine_name(home->engine), CONFIG_HB_HTTP_PORT,
             home->uplink.ingest_url, HB_CARD_SPOOL_DIR);
}

/* ---- Loop ---- */

/* The most urgent problem for the screen's last line, or NULL. */
static const char *current_problem(home_t *home)
{
    if (!sd_card_mounted()) {
        return "NO SD CARD";
    }
    if (!eth_adapter_link_up()) {
        return "NO ETHERNET";
    }
    if (!hb_sntp_time_is_set()) {
        return "TIME NOT SET";
    }
    if (!radio_link_is_up(&home->link)) {
        return "RADIO DOWN";
    }
    if (radio_link_needs_update(&home->link)) {
        return "RADIO NEEDS UPDATE";
    }
    return NULL;
}

static void refresh_screen(home_t *home)
{
    char ip[ETH_ADAPTER_IP_TEXT_LEN];
    oled_screen_t screen;

    if (!home->oled_ready) {
        return;
    }
    eth_adapter_ip_text(ip, sizeof ip);

    /* The screen's strings point into the home base, so it is drawn under the lock. */
    acquire_lock(home);
    oled_screen_collect(&home->homebase, strcmp(ip, "0.0.0.0") != 0 ? ip : NULL,
                        current_problem(home), &screen);
    oled_screen_render(&home->fb, &screen);
    release_lock(home);

    oled_ssd1306_show(&home->fb);
}

/* Ticks the link always, and the rest only once SNTP has set the clock. Devices take their time
 * from the beacons, and batches are sealed with a timestamp, so none of them may go out before then
 * (after power-up the clock starts at 1970). Frames that arrive before then fail the core's
 * timestamp check. The uplink task waits for the clock too. */
static void tick(home_t *home)
{
    bool time_is_set = hb_sntp_time_is_set();

    acquire_lock(home);
    radio_link_tick(&home->link);
    home->homebase.radio_state = radio_link_is_up(&home->link) ? "up" : "down";
    if (time_is_set) {
        homebase_tick(&home->homebase);
        beacon_tick(&home->beacon);
    }
    release_lock(home);
}

static void receive_radio(home_t *home, const uint8_t *bytes, size_t len)
{
    acquire_lock(home);
    radio_link_receive(&home->link, bytes, len);
    release_lock(home);
}

/* Returns when the core has trapped. */
static void run(home_t *home)
{
    uint8_t bytes[RADIO_READ_CHUNK_LEN];
    int64_t next_tick_ms = uptime_ms();
    int64_t next_screen_ms = next_tick_ms;
    uint32_t read_errors = 0;

    while (!home->engine->trapped) {
        int64_t now_ms = uptime_ms();
        uint32_t wait_ms = next_tick_ms > now_ms ? (uint32_t)(next_tick_ms - now_ms) : 0;
        int len = radio_uart_read(bytes, sizeof bytes, wait_ms);

        if (len > 0) {
            receive_radio(home, bytes, (size_t)len);
        } else if (len < 0) {
            /* Logged once per 100, so a broken UART does not flood the log. */
            if (read_errors++ % 100 == 0) {
                ESP_LOGW(TAG, "radio uart read failed: errors=%u", (unsigned)read_errors);
            }
            vTaskDelay(pdMS_TO_TICKS(RADIO_ERROR_PAUSE_MS));
        }

        now_ms = uptime_ms();
        if (len > 0 || now_ms >= next_tick_ms) {
            tick(home);
            if (now_ms >= next_tick_ms) {
                next_tick_ms = now_ms + TICK_INTERVAL_MS;
            }
        }
        if (now_ms >= next_screen_ms) {
            refresh_screen(home);
            next_screen_ms = now_ms + SCREEN_INTERVAL_MS;
        }
    }
}

void app_main(void)
{
    home_t *home = &s_home;

    start(home);
    run(home);

    /* The replay state is on the card, so a restart resumes where the core stopped. */
    ESP_LOGE(TAG, "core trapped: %s; restarting in %d ms", engine_error(home->engine),
             TRAP_RESTART_DELAY_MS);
    show_problem(home, "CORE TRAPPED");
    vTaskDelay(pdMS_TO_TICKS(TRAP_RESTART_DELAY_MS));
    esp_restart();
}
