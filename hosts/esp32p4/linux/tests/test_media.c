/* Media reassembly through the home base and the real core.wasm: a signed manifest opens a
 * transfer, chunk frames built here by hand fill it, and the content lands on a small card. The
 * manifest's SHA-256 is computed here with libsodium, never by the code under test. */
#include "support.h"

#include <cJSON.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "homebase.h"
#include "media.h"
#include "media_path.h"
#include "remove_tree.h"
#include "status.h"
#include "storage.h"

#define FRAME_TYPE_MANIFEST 0x07
#define FRAME_TYPE_CHUNK 0x08
#define CONTENT_LEN 1000
#define CHUNK_DATA_LEN 200
#define CHUNK_COUNT (CONTENT_LEN / CHUNK_DATA_LEN)

typedef struct {
    test_home_t *home;
    char card_dir[256];
    storage_t storage;
    media_t media;
    uint8_t content[CONTENT_LEN];
    unsigned stored_calls;
    media_stored_t last_stored;
    /* Frames go through homebase_receive (cheap checks, verify queue) instead of homebase_frame. */
    bool through_queue;
} media_fixture_t;

static void record_stored(void *ctx, const media_stored_t *stored)
{
    media_fixture_t *fixture = ctx;

    fixture->stored_calls++;
    fixture->last_stored = *stored;
}

static int media_setup(void **state)
{
    media_fixture_t *fixture = calloc(1, sizeof *fixture);
    storage_limits_t limits = { .capacity_bytes = 64 * 1024, .cluster_bytes = 512 };
    char error[STORAGE_ERROR_LEN] = "";
    void *home_state = NULL;

    assert_non_null(fixture);
    test_home_setup(&home_state);
    fixture->home = home_state;
    test_make_temp_dir(fixture->card_dir);
    if (storage_open(&fixture->storage, fixture->card_dir, &limits, error) != 0) {
        fail_msg("storage_open failed: %s", error);
    }
    media_init(&fixture->media, &fixture->storage);
    media_set_stored_callback(&fixture->media, record_stored, fixture);
    homebase_attach_media(&fixture->home->homebase, &fixture->media);

    for (size_t i = 0; i < CONTENT_LEN; i++) {
        fixture->content[i] = (uint8_t)(i * 7 + 3);
    }
    *state = fixture;
    return 0;
}

static int media_teardown(void **state)
{
    media_fixture_t *fixture = *state;
    void *home_state = fixture->home;

    media_free(&fixture->media);
    test_remove_tree(fixture->card_dir);
    test_home_teardown(&home_state);
    free(fixture);
    return 0;
}

static int32_t send(media_fixture_t *fixture, const uint8_t *frame, size_t len)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x35 };

    if (fixture->through_queue) {
        return homebase_receive(&fixture->home->homebase, frame, len, mac, -50);
    }
    return homebase_frame(&fixture->home->homebase, frame, len, mac, -50);
}

/* Sends a manifest for `size` bytes whose SHA-256 is that of `content` (`content_len` bytes). */
static int32_t send_manifest(media_fixture_t *fixture, uint32_t seq, uint32_t size,
                             const uint8_t *content, size_t content_len)
{
    test_home_t *home = fixture->home;
    uint8_t digest[crypto_hash_sha256_BYTES];
    char digest_base64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
                                                 sodium_base64_VARIANT_ORIGINAL)];
    char payload[160];
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    crypto_hash_sha256(digest, content, content_len);
    sodium_bin2base64(digest_base64, sizeof digest_base64, digest, sizeof digest,
                      sodium_base64_VARIANT_ORIGINAL);
    snprintf(payload, sizeof payload, "{\"size\":%u,\"sha256\":\"%s\",\"media\":\"image/jpeg\"}",
             (unsigned)size, digest_base64);
    len = test_frame_build(frame, FRAME_TYPE_MANIFEST, test_device_ids[0],
                           home->clock_state.now, seq, payload, &home->devices[0],
                           home->network.public_key);
    return send(fixture, frame, len);
}

static void put_u32_le(uint8_t *out, uint32_t value)
{
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(value >> (8 * i));
    }
}

/* A chunk frame of docs/protocol.md section 1.7: header, content id, offset, total, data; no
 * signature. */
static size_t build_chunk(uint8_t frame[TEST_FRAME_MAX], const char *device_id, uint32_t content_id,
                          uint32_t offset, uint32_t total, const uint8_t *data, size_t data_len)
{
    memset(frame, 0, TEST_FRAME_MAX);
    frame[0] = 1;
    frame[1] = FRAME_TYPE_CHUNK;
    memcpy(frame + 2, device_id, strlen(device_id));
    put_u32_le(frame + 18, TEST_NOW);
    put_u32_le(frame + 22, offset / CHUNK_DATA_LEN);
    frame[26] = (uint8_t)(12 + data_len);
    put_u32_le(frame + 27, content_id);
    put_u32_le(frame + 31, offset);
    put_u32_le(frame + 35, total);
    memcpy(frame + 39, data, data_len);
    return 39 + data_len;
}

static void send_chunk(media_fixture_t *fixture, uint32_t content_id, unsigned index)
{
    uint8_t frame[TEST_FRAME_MAX];
    uint32_t offset = index * CHUNK_DATA_LEN;
    size_t len = build_chunk(frame, test_device_ids[0], content_id, offset, CONTENT_LEN,
                             fixture->content + offset, CHUNK_DATA_LEN);

    assert_int_equal(send(fixture, frame, len), CORE_OK);
}

static bool stored_file_equals(media_fixture_t *fixture, const char *path, const uint8_t *bytes,
                               size_t len)
{
    uint8_t *read_back = NULL;
    size_t read_len = 0;
    bool equal;

    if (storage_read(&fixture->storage, STORAGE_AREA_MEDIA, path, &read_back, &read_len, 1u << 20) !=
        STORAGE_OK) {
        return false;
    }
    equal = read_len == len && memcmp(read_back, bytes, len) == 0;
    free(read_back);
    return equal;
}

static void out_of_order_chunks_stored(void **state)
{
    media_fixture_t *fixture = *state;
    static const unsigned order[CHUNK_COUNT] = { 4, 1, 3, 0, 2 };

    assert_int_equal(send_manifest(fixture, 10, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    assert_int_equal(media_open_count(&fixture->media), 1);
    for (unsigned i = 0; i < CHUNK_COUNT; i++) {
        assert_int_equal(fixture->stored_calls, 0);
        send_chunk(fixture, 10, order[i]);
    }

    assert_int_equal(fixture->stored_calls, 1);
    assert_int_equal(media_open_count(&fixture->media), 0);
    assert_string_equal(fixture->last_stored.device_id, "porch-cam");
    assert_int_equal(fixture->last_stored.content_id, 10);
    /* TEST_NOW is 2025-12-04 18:00:00 UTC. */
    assert_string_equal(fixture->last_stored.path, "2025-12/04/18/0000-porch-cam-10.jpg");
    assert_true(stored_file_equals(fixture, fixture->last_stored.path, fixture->content, CONTENT_LEN));
}

/* Frames as the simulator receives them. The manifest waits in the verify queue until the tick that
 * follows verifies it. The chunks carry no signature, so they skip the queue. */
static void received_frames_verified_through_queue(void **state)
{
    media_fixture_t *fixture = *state;
    verify_budget_t *budget = &fixture->home->homebase.intake.budget;

    fixture->through_queue = true;
    assert_int_equal(send_manifest(fixture, 10, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    assert_int_equal(budget->queued, 1);
    assert_int_equal(budget->served, 1);
    assert_int_equal(media_open_count(&fixture->media), 1);
    for (unsigned i = 0; i < CHUNK_COUNT; i++) {
        send_chunk(fixture, 10, i);
    }

    assert_int_equal(budget->queued, 1);
    assert_int_equal(fixture->stored_calls, 1);
    assert_true(stored_file_equals(fixture, fixture->last_stored.path, fixture->content, CONTENT_LEN));
}

static void status_reports_card_and_media(void **state)
{
    media_fixture_t *fixture = *state;
    char *json;
    cJSON *root;
    cJSON *storage;

    assert_int_equal(send_manifest(fixture, 10, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    for (unsigned i = 0; i < CHUNK_COUNT; i++) {
        send_chunk(fixture, 10, i);
    }
    json = status_render(&fixture->home->homebase);
    assert_non_null(json);
    root = cJSON_Parse(json);
    free(json);
    storage = cJSON_GetObjectItem(root, "storage");
    assert_non_null(storage);

    /* 1000 bytes take two 512-byte clusters of the 64 KiB card. */
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(storage, "sd_card"), "media_bytes")->valueint, 1024);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(storage, "sd_card"), "capacity_bytes")->valueint,
                     64 * 1024);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(storage, "sd_card"), "nearly_full")));
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(storage, "media"), "stored")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(storage, "media"), "transfers_open")->valueint, 0);
    cJSON_Delete(root);
}

static void manifest_not_batched_as_entry(void **state)
{
    media_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x35 };
    char payload[160];
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    /* Straight to the intake, so no tick seals the batch before it is counted. */
    snprintf(payload, sizeof payload, "{\"size\":10,\"sha256\":\"%s\",\"media\":\"image/png\"}",
             "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    len = test_frame_build(frame, FRAME_TYPE_MANIFEST, test_device_ids[0], TEST_NOW, 9, payload,
                           &home->devices[0], home->network.public_key);
    assert_int_equal(intake_frame(&home->homebase.intake, frame, len, mac, -50), CORE_OK);

    /* Only the device_status entry of the device coming online; the manifest itself is no entry. */
    assert_int_equal(core_batch_entry_count(&home->core), 1);
    assert_int_equal(home->homebase.intake.accepted, 1);
    assert_int_equal(media_open_count(&fixture->media), 1);
}

static void duplicate_chunks_counted_once(void **state)
{
    media_fixture_t *fixture = *state;

    assert_int_equal(send_manifest(fixture, 11, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    send_chunk(fixture, 11, 0);
    send_chunk(fixture, 11, 0);
    send_chunk(fixture, 11, 1);
    send_chunk(fixture, 11, 1);
    send_chunk(fixture, 11, 2);
    send_chunk(fixture, 11, 3);
    assert_int_equal(fixture->stored_calls, 0);
    send_chunk(fixture, 11, 4);
    assert_int_equal(fixture->stored_calls, 1);

    /* A late repeat after completion finds no transfer and stores nothing twice. */
    send_chunk(fixture, 11, 4);
    assert_int_equal(fixture->stored_calls, 1);
    assert_int_equal(fixture->media.contents_stored, 1);
    assert_int_equal(fixture->media.chunks_dropped, 1);
}

static void forged_chunk_spoils_transfer(void **state)
{
    media_fixture_t *fixture = *state;
    uint8_t forged[CHUNK_DATA_LEN];
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    assert_int_equal(send_manifest(fixture, 12, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    for (unsigned i = 0; i < CHUNK_COUNT - 1; i++) {
        send_chunk(fixture, 12, i);
    }
    memcpy(forged, fixture->content + 4 * CHUNK_DATA_LEN, CHUNK_DATA_LEN);
    forged[17] ^= 0x01;
    len = build_chunk(frame, test_device_ids[0], 12, 4 * CHUNK_DATA_LEN, CONTENT_LEN, forged,
                      CHUNK_DATA_LEN);
    assert_int_equal(send(fixture, frame, len), CORE_OK);

    /* The digest differs: the transfer is discarded, nothing stored, the true chunk comes too late. */
    assert_int_equal(fixture->media.digest_mismatches, 1);
    assert_int_equal(fixture->stored_calls, 0);
    assert_int_equal(media_open_count(&fixture->media), 0);
    send_chunk(fixture, 12, 4);
    assert_int_equal(fixture->stored_calls, 0);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_MEDIA], 0);
}

static void chunk_with_other_total_dropped(void **state)
{
    media_fixture_t *fixture = *state;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    assert_int_equal(send_manifest(fixture, 13, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    len = build_chunk(frame, test_device_ids[0], 13, 0, CONTENT_LEN + 1, fixture->content,
                      CHUNK_DATA_LEN);
    assert_int_equal(send(fixture, frame, len), CORE_OK);
    assert_int_equal(fixture->media.chunks_dropped, 1);

    /* A chunk of another device or content id is dropped as well. */
    len = build_chunk(frame, test_device_ids[1], 13, 0, CONTENT_LEN, fixture->content, CHUNK_DATA_LEN);
    assert_int_equal(send(fixture, frame, len), CORE_OK);
    len = build_chunk(frame, test_device_ids[0], 14, 0, CONTENT_LEN, fixture->content, CHUNK_DATA_LEN);
    assert_int_equal(send(fixture, frame, len), CORE_OK);
    assert_int_equal(fixture->media.chunks_dropped, 3);
    assert_int_equal(fixture->media.transfers[0].written_count, 0);
}

static void too_large_manifest_opens_nothing(void **state)
{
    media_fixture_t *fixture = *state;

    assert_int_equal(send_manifest(fixture, 15, MEDIA_CONTENT_MAX_BYTES + 1, fixture->content,
                                   CONTENT_LEN), CORE_OK);
    assert_int_equal(media_open_count(&fixture->media), 0);
    assert_int_equal(fixture->media.contents_refused, 1);

    assert_int_equal(send_manifest(fixture, 16, MEDIA_CONTENT_MAX_BYTES, fixture->content,
                                   CONTENT_LEN), CORE_OK);
    assert_int_equal(media_open_count(&fixture->media), 1);
}

static void content_larger_than_card_not_stored(void **state)
{
    media_fixture_t *fixture = *state;
    static uint8_t big[70 * 1024];
    uint8_t digest[32];
    media_stored_t stored;

    crypto_hash_sha256(digest, big, sizeof big);
    assert_int_equal(media_store_whole(&fixture->media, "porch-cam", 20, sizeof big, digest,
                                       "image/png", 9, big, sizeof big, TEST_NOW, &stored),
                     MEDIA_NOT_STORED);
    assert_int_equal(fixture->storage.used_bytes[STORAGE_AREA_MEDIA], 0);
}

static void idle_transfer_expires_after_60_seconds(void **state)
{
    media_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;

    assert_int_equal(send_manifest(fixture, 17, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    home->clock_state.now += 30;
    send_chunk(fixture, 17, 0);

    /* 59 seconds after the last chunk the transfer is still open; at 60 the tick discards it. */
    home->clock_state.now += 59;
    homebase_tick(&home->homebase);
    assert_int_equal(media_open_count(&fixture->media), 1);
    home->clock_state.now += 1;
    homebase_tick(&home->homebase);
    assert_int_equal(media_open_count(&fixture->media), 0);
    assert_int_equal(fixture->media.transfers_expired, 1);

    for (unsigned i = 1; i < CHUNK_COUNT; i++) {
        send_chunk(fixture, 17, i);
    }
    assert_int_equal(fixture->stored_calls, 0);
}

static void open_transfers_bounded_oldest_dropped(void **state)
{
    media_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;

    for (uint32_t seq = 21; seq < 21 + MEDIA_TRANSFERS_MAX + 1; seq++) {
        assert_int_equal(send_manifest(fixture, seq, CONTENT_LEN, fixture->content, CONTENT_LEN),
                         CORE_OK);
        home->clock_state.now += 1;
    }
    assert_int_equal(media_open_count(&fixture->media), MEDIA_TRANSFERS_MAX);
    assert_int_equal(fixture->media.transfers_dropped, 1);

    /* The first one (seq 21) is gone; the newest (seq 25) completes. */
    send_chunk(fixture, 21, 0);
    assert_int_equal(fixture->media.chunks_dropped, 1);
    for (unsigned i = 0; i < CHUNK_COUNT; i++) {
        send_chunk(fixture, 21 + MEDIA_TRANSFERS_MAX, i);
    }
    assert_int_equal(fixture->stored_calls, 1);
}

static void forged_manifest_opens_nothing(void **state)
{
    media_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_MANIFEST, test_device_ids[0], TEST_NOW, 30,
                                  "{\"size\":1000,\"sha256\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\","
                                  "\"media\":\"image/jpeg\"}",
                                  &home->devices[1], home->network.public_key);

    assert_int_equal(send(fixture, frame, len), CORE_SIGNATURE_INVALID);
    assert_int_equal(media_open_count(&fixture->media), 0);
}

static void motion_event_names_media_path(void **state)
{
    media_fixture_t *fixture = *state;
    test_home_t *home = fixture->home;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_MOTION, test_device_ids[0], TEST_NOW, 40,
                                  "{\"zone\":\"porch\",\"confidence\":0.9}", &home->devices[0],
                                  home->network.public_key);

    assert_int_equal(send(fixture, frame, len), CORE_OK);
    assert_null(media_path_for_motion(&fixture->media, "porch-cam", 40));
    home->clock_state.now += 5;
    assert_int_equal(send_manifest(fixture, 41, CONTENT_LEN, fixture->content, CONTENT_LEN), CORE_OK);
    for (unsigned i = 0; i < CHUNK_COUNT; i++) {
        send_chunk(fixture, 41, i);
    }

    assert_int_equal(fixture->last_stored.motion_seq, 40);
    assert_non_null(media_path_for_motion(&fixture->media, "porch-cam", 40));
    assert_string_equal(media_path_for_motion(&fixture->media, "porch-cam", 40),
                        "2025-12/04/18/0005-porch-cam-41.jpg");
}

static void motion_too_old_not_linked(void **state)
{
    media_fixture_t *fixture = *state;

    media_note_motion(&fixture->media, "porch-cam", 50, TEST_NOW);
    assert_int_equal(media_link_motion(&fixture->media, "porch-cam", TEST_NOW + MEDIA_MOTION_LINK_SEC + 1,
                                       "x.jpg"), 0);
    assert_int_equal(media_link_motion(&fixture->media, "door", TEST_NOW + 1, "x.jpg"), 0);
    assert_int_equal(media_link_motion(&fixture->media, "porch-cam", TEST_NOW + MEDIA_MOTION_LINK_SEC,
                                       "x.jpg"), 50);
}

static void media_path_parse_rejects_escapes(void **state)
{
    static const char *const bad[] = {
        "../homebase.json", "2025-12/04/18/../../homebase.json", "/etc/passwd",
        "%2e%2e/2025-12/04/18/0000-cam-1.jpg", "2025-12/04/18/0000-cam-1.jpg/..",
        "2025-12/04/18/0000-cam-01.jpg", "2025-12/04/18/0000-cam-1.exe", "2025-12/04/18/0000-cam-1",
        "2025-13/04/18/0000-cam-1.jpg", "2025-12/04/24/0000-cam-1.jpg", "2025-12/04/18/0000-c.m-1.jpg",
        "2025-12/04/18/0000--1.jpg", "2025-12/04/18/0000-cam-4294967296.jpg", "2025-12%2f04/18/x",
        "2025-12/04/18/0000-a23456789012345x-1.jpg", "",
    };
    char path[MEDIA_PATH_LEN];
    const char *extension = NULL;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(media_path_parse(bad[i], &extension));
    }
    assert_true(media_path_format(path, TEST_NOW, "porch-cam", 4294967295u, "webp"));
    assert_string_equal(path, "2025-12/04/18/0000-porch-cam-4294967295.webp");
    assert_true(media_path_parse(path, &extension));
    assert_string_equal(extension, "webp");
    assert_true(storage_path_valid(path));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(out_of_order_chunks_stored, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(manifest_not_batched_as_entry, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(received_frames_verified_through_queue, media_setup,
                                        media_teardown),
        cmocka_unit_test_setup_teardown(status_reports_card_and_media, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(duplicate_chunks_counted_once, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(forged_chunk_spoils_transfer, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(chunk_with_other_total_dropped, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(too_large_manifest_opens_nothing, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(content_larger_than_card_not_stored, media_setup,
                                        media_teardown),
        cmocka_unit_test_setup_teardown(idle_transfer_expires_after_60_seconds, media_setup,
                                        media_teardown),
        cmocka_unit_test_setup_teardown(open_transfers_bounded_oldest_dropped, media_setup,
                                        media_teardown),
        cmocka_unit_test_setup_teardown(forged_manifest_opens_nothing, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(motion_event_names_media_path, media_setup, media_teardown),
        cmocka_unit_test_setup_teardown(motion_too_old_not_linked, media_setup, media_teardown),
        cmocka_unit_test(media_path_parse_rejects_escapes),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
