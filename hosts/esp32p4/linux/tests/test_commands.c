/* POST /api/v1/command without HTTP (docs/protocol.md section 9.1) through the real core: requests
 * and command frames are signed here with libsodium under the network key, as the central server
 * signs them; acknowledgements are signed with the device's key. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "command_results.h"
#include "commands.h"
#include "hb_file.h"
#include "hb_hex.h"
#include "intake.h"
#include "registry_store.h"
#include "replay_store.h"

#define FRAME_TYPE_COMMAND 0x04
#define FRAME_TYPE_ACK 0x05

static const uint8_t s_device_mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };

/* `radio` comes first, so the radio's send function finds the fixture. */
typedef struct {
    radio_t radio;
    test_home_t *home;
    replay_store_t replay;
    command_results_t results;
    commands_t commands;
    uint8_t relayed[TEST_FRAME_MAX];
    size_t relayed_len;
    uint8_t relayed_mac[INTAKE_MAC_LEN];
    unsigned relay_count;
    unsigned nonce_counter;
    bool time_synchronised;
} fixture_t;

static int capture_relay(radio_t *radio, const uint8_t mac[RADIO_MAC_LEN], const uint8_t *frame,
                         size_t len, uint16_t *send_id)
{
    fixture_t *fixture = (fixture_t *)radio;

    *send_id = (uint16_t)fixture->relay_count;
    memcpy(fixture->relayed, frame, len);
    fixture->relayed_len = len;
    memcpy(fixture->relayed_mac, mac, INTAKE_MAC_LEN);
    fixture->relay_count++;
    return 0;
}

static void start_commands(fixture_t *fixture)
{
    test_home_t *home = fixture->home;
    char error[REPLAY_STORE_ERROR_LEN] = "";

    assert_int_equal(replay_store_init(&fixture->replay, &home->core, home->spool_dir), 0);
    assert_int_equal(homebase_persist_replay(&home->homebase, &fixture->replay, error), 0);
    fixture->radio.send = capture_relay;
    assert_int_equal(command_results_init(&fixture->results, &home->uplink, &home->clock, home->spool_dir), 0);
    commands_init(&fixture->commands, &home->core, &home->registry, &home->clock,
                  &home->homebase.intake, &fixture->replay, &fixture->results, home->spool_dir,
                  &fixture->radio);
    home->homebase.intake.hooks.on_ack = commands_on_ack;
    home->homebase.intake.hooks.ack_ctx = &fixture->commands;
    home->homebase.intake.hooks.on_key_rotated = commands_on_key_rotated;
    home->homebase.intake.hooks.key_rotated_ctx = &fixture->commands;
}

static int setup(void **state)
{
    fixture_t *fixture = calloc(1, sizeof *fixture);

    assert_non_null(fixture);
    test_home_setup((void **)&fixture->home);
    start_commands(fixture);
    *state = fixture;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *fixture = *state;

    test_home_teardown((void **)&fixture->home);
    free(fixture);
    return 0;
}

/* A command frame of `payload` to `target`, signed with the network key. */
static size_t build_command(fixture_t *fixture, uint8_t frame[TEST_FRAME_MAX], const char *target,
                            uint32_t seq, const char *payload)
{
    test_home_t *home = fixture->home;

    return test_frame_build(frame, FRAME_TYPE_COMMAND, target, home->clock_state.now, seq, payload,
                            &home->network, home->network.public_key);
}

typedef struct {
    char body[600];
    char timestamp[16];
    char nonce[33];
    char signature[129];
    const char *key_id;
} test_signed_request_t;

/* Signs POST /api/v1/command with `body` as section 2 says, with a fresh nonce. */
static void sign_request(fixture_t *fixture, test_signed_request_t *request, const test_key_t *signer)
{
    static const char context[] = "homemesh/request/v1";
    uint8_t digest[32];
    char digest_hex[65];
    char text[512];
    uint8_t message[20 + 512];
    uint8_t signature[64];
    int len;

    snprintf(request->timestamp, sizeof request->timestamp, "%u", (unsigned)fixture->home->clock_state.now);
    snprintf(request->nonce, sizeof request->nonce, "%032x", ++fixture->nonce_counter);
    crypto_hash_sha256(digest, (const uint8_t *)request->body, strlen(request->body));
    hb_hex_encode(digest, 32, digest_hex);
    len = snprintf(text, sizeof text, "POST\n/api/v1/command\n%s\n%s\n%s\n%s", request->key_id,
                   request->timestamp, request->nonce, digest_hex);
    memcpy(message, context, 20);
    memcpy(message + 20, text, (size_t)len);
    crypto_sign_detached(signature, NULL, message, 20 + (size_t)len, signer->secret_key);
    hb_hex_encode(signature, 64, request->signature);
}

static void post(fixture_t *fixture, test_signed_request_t *request, commands_response_t *out)
{
    commands_request_t input = {
        .method = "POST", .target = "/api/v1/command", .key_id = request->key_id,
        .timestamp = request->timestamp, .nonce = request->nonce, .signature = request->signature,
        .body = (const uint8_t *)request->body, .body_len = strlen(request->body),
    };

    commands_handle(&fixture->commands, &input, out);
}

/* Posts `frame` in a request signed with the network key. */
static void post_frame(fixture_t *fixture, const uint8_t *frame, size_t len, commands_response_t *out)
{
    test_signed_request_t request = { .key_id = TEST_NETWORK_ID };
    char hex[2 * TEST_FRAME_MAX + 1];

    hb_hex_encode(frame, len, hex);
    snprintf(request.body, sizeof request.body, "{\"frame\":\"%s\"}", hex);
    sign_request(fixture, &request, &fixture->home->network);
    post(fixture, &request, out);
}

static void device_add_payload(char *out, size_t cap, uint32_t id, const char *device,
                               const uint8_t key[32])
{
    char base64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

    sodium_bin2base64(base64, sizeof base64, key, 32, sodium_base64_VARIANT_ORIGINAL);
    snprintf(out, cap, "{\"id\":%u,\"cmd\":\"device_add\",\"device\":\"%s\",\"key\":\"%s\"}",
             (unsigned)id, device, base64);
}

static void device_add_applied_and_persisted(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    test_key_t garage;
    uint8_t frame[TEST_FRAME_MAX];
    char payload[200];
    commands_response_t response;
    registry_t reloaded = { 0 };
    char error[REGISTRY_ERROR_LEN];
    size_t len;

    test_key_from_fill(&garage, 0x55);
    device_add_payload(payload, sizeof payload, 12, "garage", garage.public_key);
    len = build_command(fixture, frame, TEST_HOME_BASE_ID, 12, payload);
    post_frame(fixture, frame, len, &response);

    assert_int_equal(response.http_status, 200);
    assert_string_equal(response.json, "{\"id\":12,\"state\":\"done\",\"result\":\"ok\"}");
    assert_int_equal(registry_find(&home->registry, "garage"), 2);
    assert_int_equal(registry_store_load(&reloaded, home->spool_dir, error), 1);
    assert_int_equal(registry_find(&reloaded, "garage"), 2);
    assert_int_equal(fixture->results.outbox.count, 1);
    assert_string_equal(fixture->results.entries[0].device_id, TEST_HOME_BASE_ID);
    assert_string_equal(fixture->results.entries[0].ack_hex, "");

    /* The new device's frames are now accepted. */
    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "garage", TEST_NOW, 1, "{\"battery\":70}",
                           &garage, home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50), CORE_OK);
}

static void repeated_config_command_not_run_twice(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    char payload[200];
    commands_response_t response;
    size_t len;

    /* door is present with another key: the first run is an error, and so is its repeat. */
    device_add_payload(payload, sizeof payload, 3, "door", home->devices[0].public_key);
    len = build_command(fixture, frame, TEST_HOME_BASE_ID, 3, payload);
    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 200);
    assert_string_equal(response.json,
                        "{\"id\":3,\"state\":\"done\",\"result\":\"error\",\"reason\":\"device_exists\"}");

    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 200);
    assert_string_equal(response.json,
                        "{\"id\":3,\"state\":\"done\",\"result\":\"error\",\"reason\":\"device_exists\"}");
    assert_int_equal(fixture->commands.applied, 1);
    assert_int_equal(fixture->results.outbox.count, 1);
}

static void revoked_device_refused(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    commands_response_t response;
    size_t len;

    len = build_command(fixture, frame, TEST_HOME_BASE_ID, 4, "{\"id\":4,\"cmd\":\"device_revoke\",\"device\":\"door\"}");
    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 200);
    assert_int_equal(registry_find(&home->registry, "door"), -1);

    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "door", TEST_NOW, 1, "{\"battery\":70}",
                           &home->devices[1], home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50),
                     CORE_FRAME_UNKNOWN_DEVICE);

    len = build_command(fixture, frame, "door", 1, "{\"id\":1,\"cmd\":\"identify\"}");
    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 404);
    assert_string_equal(response.code, "FRAME_UNKNOWN_DEVICE");
}

static void device_command_relayed_and_acknowledged(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    uint8_t command[TEST_FRAME_MAX];
    commands_response_t response;
    size_t command_len;
    size_t len;

    /* The device is heard once, so the home base knows its address. */
    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "porch-cam", TEST_NOW, 1, "{\"battery\":70}",
                           &home->devices[0], home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50), CORE_OK);

    command_len = build_command(fixture, command, "porch-cam", 17, "{\"id\":17,\"cmd\":\"reboot\",\"delay_sec\":5}");
    post_frame(fixture, command, command_len, &response);
    assert_int_equal(response.http_status, 202);
    assert_string_equal(response.json, "{\"id\":17,\"state\":\"relayed\"}");
    assert_int_equal(fixture->relay_count, 1);
    assert_int_equal(fixture->relayed_len, command_len);
    assert_memory_equal(fixture->relayed, command, command_len);
    assert_memory_equal(fixture->relayed_mac, s_device_mac, INTAKE_MAC_LEN);

    /* A repeat while waiting is relayed again and answered in_progress. */
    post_frame(fixture, command, command_len, &response);
    assert_int_equal(response.http_status, 202);
    assert_string_equal(response.json, "{\"id\":17,\"state\":\"in_progress\"}");
    assert_int_equal(fixture->relay_count, 2);

    len = test_frame_build(frame, FRAME_TYPE_ACK, "porch-cam", TEST_NOW, 2,
                           "{\"id\":17,\"result\":\"ok\"}", &home->devices[0], home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50), CORE_OK);
    assert_int_equal(fixture->results.outbox.count, 1);
    assert_string_equal(fixture->results.entries[0].result, "ok");
    assert_int_equal(strlen(fixture->results.entries[0].ack_hex), 2 * len);

    /* The final result is stored for repeats. */
    post_frame(fixture, command, command_len, &response);
    assert_int_equal(response.http_status, 200);
    assert_string_equal(response.json, "{\"id\":17,\"state\":\"done\",\"result\":\"ok\"}");
    assert_int_equal(fixture->relay_count, 2);
}

static void request_checks_answer_401(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    test_signed_request_t request = { .key_id = TEST_NETWORK_ID };
    commands_response_t response;
    test_key_t other;

    snprintf(request.body, sizeof request.body, "{\"frame\":\"00\"}");
    test_key_from_fill(&other, 0x77);
    sign_request(fixture, &request, &other);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 401);
    assert_string_equal(response.code, "SIGNATURE_INVALID");

    request.key_id = TEST_NETWORK_ID "/homebase";
    sign_request(fixture, &request, &home->network);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 401);
    assert_string_equal(response.code, "UNKNOWN_KEY");

    request.key_id = TEST_NETWORK_ID;
    sign_request(fixture, &request, &home->network);
    request.signature[0] = 'x';
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 401);
    assert_string_equal(response.code, "SIGNATURE_REQUIRED");

    sign_request(fixture, &request, &home->network);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 400);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 401);
    assert_string_equal(response.code, "NONCE_REUSED");
}

static void malformed_bodies_answer_400(void **state)
{
    fixture_t *fixture = *state;
    test_signed_request_t request = { .key_id = TEST_NETWORK_ID };
    commands_response_t response;

    snprintf(request.body, sizeof request.body, "{\"frame\":");
    sign_request(fixture, &request, &fixture->home->network);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 400);
    assert_string_equal(response.code, "BAD_JSON");

    snprintf(request.body, sizeof request.body, "{\"frame\":\"0g\"}");
    sign_request(fixture, &request, &fixture->home->network);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 400);
    assert_string_equal(response.code, "VALIDATION_FAILED");

    snprintf(request.body, sizeof request.body, "{\"frame\":\"0104\"}");
    sign_request(fixture, &request, &fixture->home->network);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 400);
    assert_string_equal(response.code, "FRAME_TOO_SHORT");
}

static void config_command_to_device_answers_409(void **state)
{
    fixture_t *fixture = *state;
    uint8_t frame[TEST_FRAME_MAX];
    commands_response_t response;
    size_t len = build_command(fixture, frame, "porch-cam", 5,
                               "{\"id\":5,\"cmd\":\"device_revoke\",\"device\":\"door\"}");

    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 409);
    assert_string_equal(response.code, "COMMAND_WRONG_TARGET");
}

static void unset_clock_answers_503(void **state)
{
    fixture_t *fixture = *state;
    test_signed_request_t request = { .key_id = TEST_NETWORK_ID };
    commands_response_t response;

    fixture->home->clock_state.now = 1000;
    snprintf(request.body, sizeof request.body, "{\"frame\":\"00\"}");
    sign_request(fixture, &request, &fixture->home->network);
    post(fixture, &request, &response);
    assert_int_equal(response.http_status, 503);
    assert_string_equal(response.code, "TIME_NOT_SET");
}

static bool read_time_synchronised(void *ctx)
{
    const fixture_t *fixture = ctx;

    return fixture->time_synchronised;
}

/* The port's clock reads a valid time (an RTC kept across a restart, say), but SNTP has not
 * responded yet. The command is rejected before any other check, and runs once the time is set. */
static void unsynchronised_clock_responds_503(void **state)
{
    fixture_t *fixture = *state;
    test_key_t garage;
    uint8_t frame[TEST_FRAME_MAX];
    char payload[200];
    commands_response_t response;
    size_t len;

    commands_set_time_check(&fixture->commands, read_time_synchronised, fixture);
    test_key_from_fill(&garage, 0x55);
    device_add_payload(payload, sizeof payload, 12, "garage", garage.public_key);
    len = build_command(fixture, frame, TEST_HOME_BASE_ID, 12, payload);

    fixture->time_synchronised = false;
    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 503);
    assert_string_equal(response.code, "TIME_NOT_SET");
    assert_non_null(strstr(response.detail, "not synchronised"));
    assert_int_equal(registry_find(&fixture->home->registry, "garage"), -1);
    assert_int_equal(fixture->results.outbox.count, 0);

    fixture->time_synchronised = true;
    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 200);
    assert_int_equal(registry_find(&fixture->home->registry, "garage"), 2);
}

static void command_before_restart_refused_after(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    commands_response_t response;
    char error[REGISTRY_ERROR_LEN];
    size_t len = build_command(fixture, frame, TEST_HOME_BASE_ID, 7,
                               "{\"id\":7,\"cmd\":\"device_revoke\",\"device\":\"door\"}");

    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 200);

    /* At start the stored registry replaces the provisioning file's devices, then the replay state. */
    test_home_restart(home);
    assert_int_equal(registry_store_load(&home->registry, home->spool_dir, error), 1);
    assert_int_equal(registry_find(&home->registry, "door"), -1);
    start_commands(fixture);

    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 409);
    assert_string_equal(response.code, "REPLAY_BELOW_FLOOR");
}

static void results_reported_and_removed_after_200(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    command_results_t reloaded;

    assert_int_equal(command_results_add(&fixture->results, "homebase", 9, "ok", "", NULL, 0), 0);

    home->transport.unreachable = 1;
    assert_int_equal(command_results_flush(&fixture->results), -1);
    assert_int_equal(fixture->results.outbox.count, 1);
    /* Backoff: no attempt before the delay ends. */
    assert_int_equal(command_results_flush(&fixture->results), 0);
    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 1);

    home->transport.unreachable = 0;
    home->clock_state.now += COMMAND_RESULTS_RETRY_FIRST_SEC;
    assert_int_equal(command_results_flush(&fixture->results), 1);
    assert_int_equal(fixture->results.outbox.count, 0);
    assert_string_equal(home->transport.url, "http://127.0.0.1:18080/commands/results");
    assert_string_equal(home->transport.key_id, TEST_NETWORK_ID "/homebase");
    assert_non_null(strstr(home->transport.body, "\"results\":[{\"device_id\":\"homebase\",\"id\":9,\"result\":\"ok\"}]"));
    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 0);
}

/* Regression: a corrupted command-results.json stopped the home base from starting. */
static void malformed_results_file_moved_aside(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    static const uint8_t garbage[] = { 0x5b, 0x00, 0xff, 0x7b, 0x22 };
    command_results_t reloaded;
    char aside[HB_FILE_PATH_LEN];
    char kept[16];

    assert_int_equal(hb_file_write_atomic(home->spool_dir, COMMAND_RESULTS_FILE, garbage, sizeof garbage), 0);
    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 1);
    snprintf(aside, sizeof aside, "command-results.json.corrupt-%u", TEST_NOW);
    assert_int_equal(hb_file_read(home->spool_dir, aside, kept, sizeof kept), (long)sizeof garbage);

    /* A new result is kept in a fresh file. */
    assert_int_equal(command_results_add(&reloaded, "homebase", 3, "ok", "", NULL, 0), 0);
    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 1);
}

/* Regression: an array with entries that are not results started silently with the file
 * unchanged; the entry that parses is kept. */
static void bad_result_entries_moved_aside(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    static const char mixed[] = "[1,{\"device_id\":\"homebase\",\"id\":4,\"result\":\"ok\"},"
                                "{\"x\":null},\"s\"]";
    command_results_t reloaded;
    char aside[HB_FILE_PATH_LEN];
    char kept[128];

    assert_int_equal(hb_file_write_atomic(home->spool_dir, COMMAND_RESULTS_FILE, mixed, strlen(mixed)), 0);
    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 1);
    assert_int_equal(reloaded.outbox.files_set_aside, 1);
    snprintf(aside, sizeof aside, "command-results.json.corrupt-%u", TEST_NOW);
    assert_int_equal(hb_file_read(home->spool_dir, aside, kept, sizeof kept), (long)strlen(mixed));

    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.files_set_aside, 0);
    assert_int_equal(reloaded.outbox.count, 1);
}

static void rotated_key_replaces_old_one(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    test_key_t rotated;
    uint8_t frame[TEST_FRAME_MAX];
    char base64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    char payload[200];
    commands_response_t response;
    registry_t reloaded = { 0 };
    char error[REGISTRY_ERROR_LEN];
    size_t len;

    test_key_from_fill(&rotated, 0x66);
    sodium_bin2base64(base64, sizeof base64, rotated.public_key, 32, sodium_base64_VARIANT_ORIGINAL);
    snprintf(payload, sizeof payload, "{\"id\":8,\"cmd\":\"device_rotate_key\",\"device\":\"porch-cam\",\"key\":\"%s\"}", base64);
    len = build_command(fixture, frame, TEST_HOME_BASE_ID, 8, payload);
    post_frame(fixture, frame, len, &response);
    assert_int_equal(response.http_status, 200);
    assert_true(home->registry.devices[0].has_next_key);

    /* The old key still works until the first frame under the new one. */
    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "porch-cam", TEST_NOW, 1, "{\"battery\":70}",
                           &home->devices[0], home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50), CORE_OK);
    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "porch-cam", TEST_NOW, 2, "{\"battery\":70}",
                           &rotated, home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50), CORE_OK);

    assert_false(home->registry.devices[0].has_next_key);
    assert_memory_equal(home->registry.devices[0].public_key, rotated.public_key, 32);
    assert_int_equal(registry_store_load(&reloaded, home->spool_dir, error), 1);
    assert_memory_equal(reloaded.devices[0].public_key, rotated.public_key, 32);
    assert_false(reloaded.devices[0].has_next_key);

    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "porch-cam", TEST_NOW, 3, "{\"battery\":70}",
                           &home->devices[0], home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, s_device_mac, -50),
                     CORE_SIGNATURE_INVALID);
}

static void dashboard_token_stored(void **state)
{
    fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t digest[32];
    uint8_t frame[TEST_FRAME_MAX];
    char base64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
    char payload[200];
    commands_response_t response;
    registry_t reloaded = { 0 };
    char error[REGISTRY_ERROR_LEN];
    size_t len;

    crypto_hash_sha256(digest, (const uint8_t *)"local-token", 11);
    sodium_bin2base64(base64, sizeof base64, digest, 32, sodium_base64_VARIANT_ORIGINAL);
    snprintf(payload, sizeof payload, "{\"id\":9,\"cmd\":\"set_dashboard_token\",\"sha256\":\"%s\"}", base64);
    len = build_command(fixture, frame, TEST_HOME_BASE_ID, 9, payload);
    post_frame(fixture, frame, len, &response);

    assert_int_equal(response.http_status, 200);
    assert_true(home->registry.has_dashboard_token);
    assert_memory_equal(home->registry.dashboard_token_sha256, digest, 32);
    assert_int_equal(registry_store_load(&reloaded, home->spool_dir, error), 1);
    assert_memory_equal(reloaded.dashboard_token_sha256, digest, 32);
}

#define COMMAND_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        COMMAND_TEST(device_add_applied_and_persisted),
        COMMAND_TEST(repeated_config_command_not_run_twice),
        COMMAND_TEST(revoked_device_refused),
        COMMAND_TEST(device_command_relayed_and_acknowledged),
        COMMAND_TEST(request_checks_answer_401),
        COMMAND_TEST(malformed_bodies_answer_400),
        COMMAND_TEST(malformed_results_file_moved_aside),
        COMMAND_TEST(bad_result_entries_moved_aside),
        COMMAND_TEST(config_command_to_device_answers_409),
        COMMAND_TEST(unset_clock_answers_503),
        COMMAND_TEST(unsynchronised_clock_responds_503),
        COMMAND_TEST(command_before_restart_refused_after),
        COMMAND_TEST(results_reported_and_removed_after_200),
        COMMAND_TEST(rotated_key_replaces_old_one),
        COMMAND_TEST(dashboard_token_stored),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("commands", tests, NULL, NULL);
}
