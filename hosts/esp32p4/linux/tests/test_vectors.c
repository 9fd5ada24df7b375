/* The shared vectors of core/vectors through this engine: Ed25519 (RFC 8032, Wycheproof) through
 * signature_verify, and the accept and batch vectors written by the independent generator in
 * core/vectors/generate.ts. Every host runs the same files; frames, requests, scenarios and sealed
 * keys have their own test files. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_hex.h"
#include "vector_file.h"
#include "vector_run.h"

#define VECTOR_BYTES_MAX 2048

static void ed25519_rfc8032_vectors(void **state)
{
    (void)state;
    test_vector_set("ed25519-rfc8032.json", vector_run_ed25519_rfc8032, 5);
}

static void ed25519_wycheproof_vectors(void **state)
{
    (void)state;
    test_vector_set("ed25519-wycheproof.json", vector_run_ed25519_wycheproof, 151);
}

static void accept_vectors_in_order(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("accept.json");
    const cJSON *item;
    uint8_t bytes[VECTOR_BYTES_MAX];

    (void)state;
    vector_bytes(root, "network_public_key", bytes, 32);
    core_set_network_key(&core, bytes);
    cJSON_ArrayForEach(item, vector_array(root, "devices")) {
        vector_bytes(item, "public_key", bytes, 32);
        assert_int_equal(core_device_set(&core, (uint32_t)vector_number(item, "slot"),
                                         vector_string(item, "device_id"), bytes), CORE_OK);
    }

    cJSON_ArrayForEach(item, vector_array(root, "steps")) {
        size_t len = vector_bytes(item, "frame", bytes, sizeof bytes);
        int32_t status = core_frame_accept(&core, bytes, len, (uint32_t)vector_number(item, "now"));
        uint32_t slot;

        vector_assert_status(&core, status, vector_string(item, "status"), vector_string(item, "name"));
        if (status != CORE_OK) {
            continue;
        }
        slot = core_frame_slot(&core);
        assert_int_equal(slot, (uint32_t)vector_number(item, "slot"));
        assert_int_equal(core_frame_came_online(&core), vector_number(item, "came_online") == 1);
        assert_int_equal(core_device_highest_seq(&core, slot), (uint32_t)vector_number(item, "highest_seq"));
    }
    cJSON_Delete(root);
    engine_destroy(engine);
}

static void batch_vectors_byte_for_byte(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("batch.json");
    const cJSON *item;
    uint8_t bytes[VECTOR_BYTES_MAX];
    char *json = malloc(core_batch_max_len(&core) + 1);

    (void)state;
    assert_non_null(json);
    cJSON_ArrayForEach(item, vector_array(root, "devices")) {
        vector_bytes(item, "public_key", bytes, 32);
        assert_int_equal(core_device_set(&core, (uint32_t)vector_number(item, "slot"),
                                         vector_string(item, "device_id"), bytes), CORE_OK);
    }
    assert_int_equal(core_batch_configure(&core, vector_string(root, "key_id"),
                                          (uint32_t)vector_number(root, "interval_sec"),
                                          (uint32_t)vector_number(root, "next_seq")), CORE_OK);

    cJSON_ArrayForEach(item, vector_array(root, "steps")) {
        const char *op = vector_string(item, "op");
        uint32_t now = (uint32_t)vector_number(item, "now");

        if (strcmp(op, "add_frame") == 0) {
            size_t len = vector_bytes(item, "frame", bytes, sizeof bytes);

            /* The vector puts the frame in the frame buffer directly, without frame_accept. */
            memcpy(engine_bytes(engine, core.frame.ptr, (uint32_t)len), bytes, len);
            vector_assert_status(&core, core_batch_add_frame(&core, len, (int32_t)vector_number(item, "rssi"), now),
                          vector_string(item, "status"), op);
        } else if (strcmp(op, "add_status") == 0) {
            vector_assert_status(&core, core_batch_add_status(&core, (uint32_t)vector_number(item, "slot"),
                                                       vector_number(item, "online") == 1, now),
                          vector_string(item, "status"), op);
        } else {
            assert_string_equal(op, "seal");
            assert_true(core_batch_seal(&core, now, json, core_batch_max_len(&core) + 1) > 0);
            assert_string_equal(json, vector_string(item, "batch"));
            assert_int_equal(core_batch_sealed_seq(&core), (uint32_t)vector_number(item, "sealed_seq"));
            assert_int_equal(core_batch_next_seq(&core), (uint32_t)vector_number(item, "next_seq"));
        }
    }
    free(json);
    cJSON_Delete(root);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ed25519_rfc8032_vectors),
        cmocka_unit_test(ed25519_wycheproof_vectors),
        cmocka_unit_test(accept_vectors_in_order),
        cmocka_unit_test(batch_vectors_byte_for_byte),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("vectors", tests, NULL, NULL);
}
