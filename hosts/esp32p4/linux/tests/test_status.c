/* The JSON of GET /api/v1/status and GET /api/v1/devices after real frames through the core. */
#include "support.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

static void receive(test_home_t *home, const test_key_t *signer, const char *device_id,
                    uint32_t seq, bool corrupt)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, device_id, home->clock_state.now, seq,
                                  "{\"battery\":80}", signer, home->network.public_key);

    if (corrupt) {
        frame[len - 64] ^= 0x01;
    }
    homebase_frame(&home->homebase, frame, len, mac, -60);
}

static cJSON *render(test_home_t *home, char *(*renderer)(homebase_t *))
{
    char *text = renderer(&home->homebase);
    cJSON *json;

    assert_non_null(text);
    json = cJSON_Parse(text);
    free(text);
    assert_non_null(json);
    return json;
}

static double number_at(const cJSON *object, const char *field)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, field);

    if (!cJSON_IsNumber(item)) {
        fail_msg("%s is not a number", field);
    }
    return item->valuedouble;
}

static void status_counts_frames_and_batches(void **state)
{
    test_home_t *home = *state;
    cJSON *status;
    const cJSON *frames;
    const cJSON *rejected;
    const cJSON *devices;
    const cJSON *batches;

    receive(home, &home->devices[0], "porch-cam", 1, false);
    receive(home, &home->devices[0], "porch-cam", 2, true);
    receive(home, &home->devices[0], "porch-cam", 2, true);
    receive(home, &home->devices[0], "porch-cam", 1, false);
    test_home_send(home);
    home->clock_state.now += 42;

    status = render(home, status_render);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(status, "home_base_id")->valuestring,
                        TEST_HOME_BASE_ID);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(status, "network_id")->valuestring,
                        TEST_NETWORK_ID);
    assert_int_equal(number_at(status, "uptime_sec"), 42);

    frames = cJSON_GetObjectItemCaseSensitive(status, "frames");
    assert_int_equal(number_at(frames, "accepted"), 1);
    rejected = cJSON_GetObjectItemCaseSensitive(frames, "rejected");
    assert_int_equal(number_at(rejected, "SIGNATURE_INVALID"), 2);
    assert_int_equal(number_at(rejected, "REPLAY_DUPLICATE"), 1);
    assert_int_equal(cJSON_GetArraySize(rejected), 2);

    devices = cJSON_GetObjectItemCaseSensitive(status, "devices");
    assert_int_equal(cJSON_GetArraySize(devices), 2);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(devices, 0), "device_id")->valuestring,
                        "porch-cam");
    assert_int_equal(number_at(cJSON_GetArrayItem(devices, 0), "accepted"), 1);
    assert_int_equal(number_at(cJSON_GetArrayItem(devices, 1), "accepted"), 0);

    /* The first frame sealed and sent the start batch (with its came-online entry). */
    batches = cJSON_GetObjectItemCaseSensitive(status, "batches");
    assert_int_equal(number_at(batches, "sent"), 1);
    assert_int_equal(number_at(batches, "spooled"), 0);
    assert_int_equal(number_at(batches, "failures"), 0);
    assert_int_equal(number_at(batches, "last_sealed_seq"), 0);
    cJSON_Delete(status);
}

static void status_before_any_batch(void **state)
{
    test_home_t *home = *state;
    cJSON *status = render(home, status_render);
    const cJSON *batches = cJSON_GetObjectItemCaseSensitive(status, "batches");

    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(batches, "last_sealed_seq")));
    assert_int_equal(number_at(batches, "sent"), 0);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                         cJSON_GetObjectItemCaseSensitive(status, "frames"), "rejected")), 0);
    cJSON_Delete(status);
}

static void devices_list_online_state(void **state)
{
    test_home_t *home = *state;
    cJSON *devices;
    const cJSON *items;
    const cJSON *porch;
    const cJSON *door;

    receive(home, &home->devices[0], "porch-cam", 9, false);
    devices = render(home, status_render_devices);
    items = cJSON_GetObjectItemCaseSensitive(devices, "items");
    assert_int_equal(cJSON_GetArraySize(items), 2);

    porch = cJSON_GetArrayItem(items, 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(porch, "device_id")->valuestring, "porch-cam");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(porch, "online")));
    assert_int_equal(number_at(porch, "last_seen"), TEST_NOW);
    assert_int_equal(number_at(porch, "highest_seq"), 9);
    assert_int_equal(number_at(porch, "frames_accepted"), 1);

    door = cJSON_GetArrayItem(items, 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(door, "device_id")->valuestring, "door");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(door, "online")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(door, "last_seen")));
    assert_int_equal(number_at(door, "frames_accepted"), 0);
    cJSON_Delete(devices);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(status_counts_frames_and_batches),
        HOME_TEST(status_before_any_batch),
        HOME_TEST(devices_list_online_state),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
