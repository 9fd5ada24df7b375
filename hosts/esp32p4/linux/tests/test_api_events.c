/* The events of the local API's WebSocket stream and the status pages they feed: real frames through
 * the core, a recording sink in place of the WebSocket clients. */
#include "support.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "api_events.h"
#include "status.h"

#define MAX_EVENTS 16

typedef struct {
    char *texts[MAX_EVENTS];
    size_t count;
} recorder_t;

static void record(void *ctx, const char *json, size_t len)
{
    recorder_t *recorder = ctx;

    assert_int_equal(strlen(json), len);
    if (recorder->count < MAX_EVENTS) {
        recorder->texts[recorder->count++] = strdup(json);
    }
}

typedef struct {
    test_home_t *home;
    api_events_t events;
    recorder_t recorder;
} events_fixture_t;

static int setup(void **state)
{
    events_fixture_t *fixture = calloc(1, sizeof *fixture);
    void *home_state = NULL;

    if (fixture == NULL || test_home_setup(&home_state) != 0) {
        free(fixture);
        return -1;
    }
    fixture->home = home_state;
    api_events_init(&fixture->events, &fixture->home->core, &fixture->home->registry, record,
                    &fixture->recorder);
    fixture->home->homebase.events = &fixture->events;
    *state = fixture;
    return 0;
}

static int teardown(void **state)
{
    events_fixture_t *fixture = *state;
    void *home_state = fixture->home;

    for (size_t i = 0; i < fixture->recorder.count; i++) {
        free(fixture->recorder.texts[i]);
    }
    test_home_teardown(&home_state);
    free(fixture);
    return 0;
}

static int32_t send_frame(test_home_t *home, uint8_t type, unsigned device, uint32_t seq, const char *payload)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 2, 0, 0, 0, 0, 1 };
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, type, test_device_ids[device], home->clock_state.now, seq,
                                  payload, &home->devices[device], home->network.public_key);

    return homebase_frame(&home->homebase, frame, len, mac, -50);
}

/* Parses recorded event `index` and checks the envelope every event shares. */
static cJSON *envelope(events_fixture_t *fixture, size_t index, const char *type, const char *id)
{
    cJSON *root;

    assert_true(index < fixture->recorder.count);
    root = cJSON_Parse(fixture->recorder.texts[index]);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItem(root, "type")->valuestring, type);
    assert_string_equal(cJSON_GetObjectItem(root, "id")->valuestring, id);
    assert_string_equal(cJSON_GetObjectItem(root, "network_id")->valuestring, TEST_NETWORK_ID);
    /* TEST_NOW, 1764871200, is 2025-12-04 18:00:00 UTC (docs/protocol.md section 5). */
    assert_string_equal(cJSON_GetObjectItem(root, "time")->valuestring, "2025-12-04T18:00:00.000Z");
    assert_true(cJSON_IsObject(cJSON_GetObjectItem(root, "data")));
    return root;
}

static const char *data_string(cJSON *root, const char *name)
{
    const cJSON *member = cJSON_GetObjectItem(cJSON_GetObjectItem(root, "data"), name);

    assert_true(cJSON_IsString(member));
    return member->valuestring;
}

static void first_log_sends_online_then_log_entry(void **state)
{
    events_fixture_t *fixture = *state;
    cJSON *status;
    cJSON *log;

    assert_int_equal(send_frame(fixture->home, FRAME_TYPE_LOG, 0, 1,
                                "{\"level\":\"warning\",\"category\":\"door\",\"message\":\"left \\\"open\\\"\"}"),
                     CORE_OK);
    assert_int_equal(fixture->recorder.count, 2);

    status = envelope(fixture, 0, "device_status", "1");
    assert_string_equal(data_string(status, "device_id"), "porch-cam");
    assert_string_equal(data_string(status, "home_base_id"), TEST_HOME_BASE_ID);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(status, "data"), "online")));

    log = envelope(fixture, 1, "log_entry", "2");
    assert_string_equal(data_string(log, "level"), "warning");
    assert_string_equal(data_string(log, "category"), "door");
    assert_string_equal(data_string(log, "message"), "left \"open\"");
    assert_string_equal(data_string(log, "timestamp"), "2025-12-04T18:00:00.000Z");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(log, "data"), "seq")->valueint, 1);
    assert_string_equal(fixture->events.last_summary, "log porch-cam");
    cJSON_Delete(status);
    cJSON_Delete(log);
}

static void motion_carries_its_payload(void **state)
{
    events_fixture_t *fixture = *state;
    cJSON *motion;
    const cJSON *data;

    assert_int_equal(send_frame(fixture->home, FRAME_TYPE_MOTION, 1, 7, "{\"zone\":\"hall\",\"confidence\":0.5}"), CORE_OK);
    motion = envelope(fixture, 1, "motion_event", "2");
    data = cJSON_GetObjectItem(cJSON_GetObjectItem(motion, "data"), "data");
    assert_string_equal(cJSON_GetObjectItem(data, "zone")->valuestring, "hall");
    assert_true(cJSON_GetObjectItem(data, "confidence")->valuedouble == 0.5);
    assert_string_equal(data_string(motion, "device_id"), "door");
    cJSON_Delete(motion);
}

static void rejected_frames_send_nothing(void **state)
{
    events_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0 };
    size_t len = test_frame_build(frame, FRAME_TYPE_MOTION, "porch-cam", home->clock_state.now, 1,
                                  "{\"zone\":\"x\"}", &home->devices[1], home->network.public_key);

    assert_int_equal(homebase_frame(&home->homebase, frame, len, mac, -50), CORE_SIGNATURE_INVALID);
    assert_int_equal(fixture->recorder.count, 0);
    assert_int_equal(fixture->events.emitted, 0);
}

static void heartbeat_battery_reaches_devices_page(void **state)
{
    events_fixture_t *fixture = *state;
    char *json;

    json = status_render_devices(&fixture->home->homebase);
    assert_non_null(strstr(json, "\"battery\":null"));
    free(json);

    assert_int_equal(send_frame(fixture->home, FRAME_TYPE_HEARTBEAT, 0, 1, "{\"battery\":91,\"uptime\":5}"), CORE_OK);
    assert_int_equal(send_frame(fixture->home, FRAME_TYPE_HEARTBEAT, 1, 1, "{\"battery\":250}"), CORE_OK);
    assert_int_equal(api_events_battery(&fixture->events, 0), 91);
    assert_int_equal(api_events_battery(&fixture->events, 1), API_EVENTS_BATTERY_UNKNOWN);

    json = status_render_devices(&fixture->home->homebase);
    assert_non_null(strstr(json, "{\"device_id\":\"porch-cam\",\"online\":true,\"last_seen\":1764871200,"
                           "\"highest_seq\":1,\"frames_accepted\":1,\"battery\":91}"));
    assert_non_null(strstr(json, "\"device_id\":\"door\",\"online\":true"));
    free(json);
}

static void silent_device_goes_offline(void **state)
{
    events_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    cJSON *offline;

    assert_int_equal(send_frame(home, FRAME_TYPE_HEARTBEAT, 0, 1, "{}"), CORE_OK);
    home->clock_state.now += home->registry.offline_after_sec + 1;
    homebase_tick(&home->homebase);

    assert_int_equal(fixture->recorder.count, 2);
    offline = cJSON_Parse(fixture->recorder.texts[1]);
    assert_string_equal(cJSON_GetObjectItem(offline, "type")->valuestring, "device_status");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(offline, "data"), "online")));
    assert_string_equal(fixture->events.last_summary, "offline porch-cam");
    cJSON_Delete(offline);
}

static void status_reports_link_and_radio(void **state)
{
    events_fixture_t *fixture = *state;
    homebase_t *homebase = &fixture->home->homebase;
    char *json;

    homebase->radio_state = "up";
    json = status_render(homebase);
    assert_non_null(strstr(json, "\"link\":{\"state\":\"unknown\",\"last_success_at\":null,"
                           "\"last_failure_at\":null,\"spooled\":0}"));
    assert_non_null(strstr(json, "\"radio\":{\"state\":\"up\"}"));
    free(json);

    /* The first tick seals the first (empty) batch, and the sender sends it. */
    test_home_tick(fixture->home);
    json = status_render(homebase);
    assert_non_null(strstr(json, "\"link\":{\"state\":\"up\",\"last_success_at\":1764871200,"));
    free(json);

    fixture->home->transport.unreachable = 1;
    fixture->home->clock_state.now += 10;
    homebase_seal(homebase);
    test_home_tick(fixture->home);
    json = status_render(homebase);
    assert_non_null(strstr(json, "\"link\":{\"state\":\"down\",\"last_success_at\":1764871200,"
                           "\"last_failure_at\":1764871210,\"spooled\":1}"));
    free(json);
}

static void iso_time_formats_utc(void **state)
{
    char text[25];

    (void)state;
    api_events_iso_time(0, text);
    assert_string_equal(text, "1970-01-01T00:00:00.000Z");
    api_events_iso_time(4294967295u, text);
    assert_string_equal(text, "2106-02-07T06:28:15.000Z");
}

#define EVENTS_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        EVENTS_TEST(first_log_sends_online_then_log_entry),
        EVENTS_TEST(motion_carries_its_payload),
        EVENTS_TEST(rejected_frames_send_nothing),
        EVENTS_TEST(heartbeat_battery_reaches_devices_page),
        EVENTS_TEST(silent_device_goes_offline),
        EVENTS_TEST(status_reports_link_and_radio),
        cmocka_unit_test(iso_time_formats_utc),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("api_events", tests, NULL, NULL);
}
