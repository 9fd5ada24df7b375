/* The provisioning file: a good file loads, a file with the network's private key or broken JSON
 * is rejected with a message naming the problem. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hb_hex.h"

static char s_json[4096];
static char s_error[REGISTRY_ERROR_LEN];

/* Only the keys of a test home are needed here, no engine. */
static void make_keys(test_home_t *home)
{
    memset(home, 0, sizeof *home);
    test_key_from_fill(&home->network, 0x11);
    test_key_from_fill(&home->home_base, 0x22);
    test_key_from_fill(&home->devices[0], 0x33);
    test_key_from_fill(&home->devices[1], 0x44);
}

static void good_file_loads(void **state)
{
    test_home_t home;
    registry_t registry;

    (void)state;
    make_keys(&home);
    test_registry_json(&home, "", s_json, sizeof s_json);
    assert_int_equal(registry_parse(&registry, s_json, s_error), 0);

    assert_string_equal(registry.network_id, TEST_NETWORK_ID);
    assert_string_equal(registry.home_base_id, TEST_HOME_BASE_ID);
    assert_string_equal(registry.key_id, TEST_NETWORK_ID "/" TEST_HOME_BASE_ID);
    assert_string_equal(registry.central_url, "http://127.0.0.1:18080");
    assert_int_equal(registry.batch_interval_sec, 60);
    assert_int_equal(registry.offline_after_sec, 90);
    assert_memory_equal(registry.network_public_key, home.network.public_key, 32);
    assert_memory_equal(registry.public_key, home.home_base.public_key, 32);
    assert_memory_equal(registry.secret_key, home.home_base.secret_key, 64);
    assert_int_equal(registry.device_count, 2);
    assert_string_equal(registry.devices[1].device_id, "door");
    assert_memory_equal(registry.devices[1].public_key, home.devices[1].public_key, 32);
    assert_string_equal(registry_device_id(&registry, 0), "porch-cam");
    assert_string_equal(registry_device_id(&registry, 5), "?");
    registry_wipe(&registry);
}

/* The shrunk file of docs/provisioning.md: identity, own key, network public key, central server. */
static void file_without_devices_loads(void **state)
{
    test_home_t home;
    registry_t registry;
    char seed[65];
    char network[65];

    (void)state;
    make_keys(&home);
    hb_hex_encode(home.home_base.seed, 32, seed);
    hb_hex_encode(home.network.public_key, 32, network);
    snprintf(s_json, sizeof s_json,
             "{\"network_id\":\"%s\",\"home_base_id\":\"homebase\",\"private_key\":\"%s\","
             "\"network_public_key\":\"%s\",\"central_url\":\"http://127.0.0.1:8080\","
             "\"batch_interval_sec\":60,\"offline_after_sec\":90}", TEST_NETWORK_ID, seed, network);
    assert_int_equal(registry_parse(&registry, s_json, s_error), 0);
    assert_int_equal(registry.device_count, 0);
    assert_memory_equal(registry.public_key, home.home_base.public_key, 32);
    registry_wipe(&registry);
}

static void network_private_key_rejected(void **state)
{
    test_home_t home;
    registry_t registry;
    static const uint8_t zero[64];

    (void)state;
    make_keys(&home);
    test_registry_json(&home, "\"network_private_key\":\"1111111111111111111111111111111111111111"
                       "111111111111111111111111\",", s_json, sizeof s_json);
    assert_int_equal(registry_parse(&registry, s_json, s_error), -1);
    assert_non_null(strstr(s_error, "network_private_key"));

    /* Nothing secret stays behind in a rejected registry. */
    assert_memory_equal(registry.secret_key, zero, sizeof zero);
}

static void malformed_json_rejected(void **state)
{
    registry_t registry;

    (void)state;
    assert_int_equal(registry_parse(&registry, "{\"network_id\": ", s_error), -1);
    assert_string_equal(s_error, "provisioning file is not valid JSON");
    assert_int_equal(registry_parse(&registry, "[1,2]", s_error), -1);
    assert_string_equal(s_error, "provisioning file is not a JSON object");
}

/* Replaces the first `from` in s_json with `to`. */
static void replace_in_json(const char *from, const char *to)
{
    char *at = strstr(s_json, from);
    char rest[4096];

    assert_non_null(at);
    snprintf(rest, sizeof rest, "%s", at + strlen(from));
    snprintf(at, sizeof s_json - (size_t)(at - s_json), "%s%s", to, rest);
}

static void bad_fields_rejected(void **state)
{
    static const struct {
        const char *from;
        const char *to;
        const char *message_part;
    } cases[] = {
        { "\"network_id\":\"6f1c", "\"network_id\":\"xx1c", "network_id" },
        { "\"home_base_id\":\"homebase\"", "\"home_base_id\":\"home base\"", "home_base_id" },
        { "\"private_key\":\"2222", "\"private_key\":\"zz22", "private_key" },
        { "\"batch_interval_sec\":60", "\"batch_interval_sec\":0", "batch_interval_sec" },
        { "\"offline_after_sec\":90", "\"offline_after_sec\":1.5", "offline_after_sec" },
        { "\"device_id\":\"door\"", "\"device_id\":\"porch-cam\"", "listed twice" },
        { "\"device_id\":\"door\"", "\"device_id\":\"door-with-a-long-id\"", "device_id" },
        { "\"central_url\":\"http://127.0.0.1:18080\"", "\"central_url\":7", "central_url" },
    };
    test_home_t home;
    registry_t registry;

    (void)state;
    make_keys(&home);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        test_registry_json(&home, "", s_json, sizeof s_json);
        replace_in_json(cases[i].from, cases[i].to);
        assert_int_equal(registry_parse(&registry, s_json, s_error), -1);
        if (strstr(s_error, cases[i].message_part) == NULL) {
            fail_msg("case %zu: error \"%s\" does not name %s", i, s_error, cases[i].message_part);
        }
    }
}

static void file_loads_from_disk(void **state)
{
    test_home_t home;
    registry_t registry;
    char dir[256];
    char path[300];
    FILE *file;

    (void)state;
    make_keys(&home);
    test_registry_json(&home, "", s_json, sizeof s_json);
    test_make_temp_dir(dir);
    snprintf(path, sizeof path, "%s/homebase.json", dir);
    file = fopen(path, "w");
    assert_non_null(file);
    fputs(s_json, file);
    fclose(file);

    assert_int_equal(registry_load_file(&registry, path, s_error), 0);
    assert_string_equal(registry.home_base_id, TEST_HOME_BASE_ID);
    registry_wipe(&registry);

    unlink(path);
    assert_int_equal(registry_load_file(&registry, path, s_error), -1);
    assert_non_null(strstr(s_error, "cannot open provisioning file"));
    test_remove_dir(dir);
}

static void apply_fills_core_table(void **state)
{
    test_home_t home;
    registry_t registry;
    core_t core;
    engine_t *engine;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len;

    (void)state;
    make_keys(&home);
    test_registry_json(&home, "", s_json, sizeof s_json);
    assert_int_equal(registry_parse(&registry, s_json, s_error), 0);
    engine = test_open_engine(&core);
    assert_int_equal(registry_apply(&registry, &core, s_error), 0);

    /* The door's key sits in slot 1: a frame it signed is accepted there. */
    len = test_frame_build(frame, FRAME_TYPE_HEARTBEAT, "door", TEST_NOW, 1, "{}", &home.devices[1],
                           home.network.public_key);
    assert_int_equal(core_frame_accept(&core, frame, len, TEST_NOW), CORE_OK);
    assert_int_equal(core_frame_slot(&core), 1);
    engine_destroy(engine);
    registry_wipe(&registry);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_file_loads),
        cmocka_unit_test(file_without_devices_loads),
        cmocka_unit_test(network_private_key_rejected),
        cmocka_unit_test(malformed_json_rejected),
        cmocka_unit_test(bad_fields_rejected),
        cmocka_unit_test(file_loads_from_disk),
        cmocka_unit_test(apply_fills_core_table),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
