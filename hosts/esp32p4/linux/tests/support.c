#include "support.h"

#include "remove_tree.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dashboard_token.h"
#include "engine_select.h"
#include "hb_hex.h"
#include "hb_log.h"
#include "vector_file.h"

const char *const test_device_ids[2] = { "porch-cam", "door" };

static const char *s_engine_name = "wasm2c";

void test_select_engine(int argc, char **argv)
{
    if (argc > 1) {
        s_engine_name = argv[1];
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "libsodium did not initialise\n");
        exit(1);
    }
    hb_log_set_sink(NULL, HB_LOG_WARN);
    printf("engine: %s\n", s_engine_name);
}

const char *test_engine_name(void)
{
    return s_engine_name;
}

void test_key_from_fill(test_key_t *key, uint8_t fill)
{
    memset(key->seed, fill, sizeof key->seed);
    crypto_sign_seed_keypair(key->public_key, key->secret_key, key->seed);
}

static void put_u32_le(uint8_t *out, uint32_t value)
{
    out[0] = (uint8_t)value;
    out[1] = (uint8_t)(value >> 8);
    out[2] = (uint8_t)(value >> 16);
    out[3] = (uint8_t)(value >> 24);
}

size_t test_frame_build(uint8_t out[TEST_FRAME_MAX], uint8_t type, const char *device_id,
                        uint32_t timestamp, uint32_t seq, const char *payload,
                        const test_key_t *signer, const uint8_t network_key[32])
{
    static const char context[] = "homemesh/frame/v1";
    uint8_t message[18 + 32 + TEST_FRAME_MAX];
    size_t payload_len = strlen(payload);
    size_t body_len = 27 + payload_len;

    /* Header: version, type, device id NUL-padded to 16, timestamp, seq, payload length. */
    memset(out, 0, TEST_FRAME_MAX);
    out[0] = 1;
    out[1] = type;
    memcpy(out + 2, device_id, strlen(device_id));
    put_u32_le(out + 18, timestamp);
    put_u32_le(out + 22, seq);
    out[26] = (uint8_t)payload_len;
    memcpy(out + 27, payload, payload_len);

    /* Signed message: the 18-byte context (with its NUL), the network key, the frame so far. */
    memcpy(message, context, sizeof context);
    memcpy(message + sizeof context, network_key, 32);
    memcpy(message + sizeof context + 32, out, body_len);
    crypto_sign_detached(out + body_len, NULL, message, sizeof context + 32 + body_len,
                         signer->secret_key);
    return body_len + 64;
}

uint32_t test_clock_now(void *ctx)
{
    return ((test_clock_state_t *)ctx)->now;
}

static const char *find_header(const uplink_header_t *headers, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(headers[i].name, name) == 0) {
            return headers[i].value;
        }
    }
    return "";
}

int test_transport_post(void *ctx, const char *url, const uplink_header_t *headers,
                        size_t header_count, const char *body, size_t body_len, int *http_status)
{
    test_transport_t *transport = ctx;

    transport->post_count++;
    if (transport->unreachable) {
        return -1;
    }
    snprintf(transport->url, sizeof transport->url, "%s", url);
    snprintf(transport->key_id, sizeof transport->key_id, "%s",
             find_header(headers, header_count, "X-Mesh-Key-Id"));
    snprintf(transport->timestamp, sizeof transport->timestamp, "%s",
             find_header(headers, header_count, "X-Mesh-Timestamp"));
    snprintf(transport->nonce, sizeof transport->nonce, "%s",
             find_header(headers, header_count, "X-Mesh-Nonce"));
    snprintf(transport->signature, sizeof transport->signature, "%s",
             find_header(headers, header_count, "X-Mesh-Signature"));

    /* A body past the first TEST_MAX_BODIES is kept only until the next one. */
    if (transport->body_count >= TEST_MAX_BODIES &&
        transport->body != transport->bodies[TEST_MAX_BODIES - 1]) {
        free(transport->body);
    }
    transport->body = malloc(body_len + 1);
    assert_non_null(transport->body);
    memcpy(transport->body, body, body_len);
    transport->body[body_len] = '\0';
    transport->body_len = body_len;
    if (transport->body_count < TEST_MAX_BODIES) {
        transport->bodies[transport->body_count++] = transport->body;
    }
    *http_status = transport->answer_status;
    return 0;
}

void test_home_send(test_home_t *home)
{
    homebase_send_spooled(&home->homebase, NULL, HOMEBASE_SEND_MAX_PER_ROUND);
}

void test_home_tick(test_home_t *home)
{
    homebase_tick(&home->homebase);
    test_home_send(home);
}

void test_registry_json(const test_home_t *home, const char *extra, char *out, size_t cap)
{
    char seed[65];
    char network[65];
    char device_keys[2][65];

    hb_hex_encode(home->home_base.seed, 32, seed);
    hb_hex_encode(home->network.public_key, 32, network);
    hb_hex_encode(home->devices[0].public_key, 32, device_keys[0]);
    hb_hex_encode(home->devices[1].public_key, 32, device_keys[1]);
    snprintf(out, cap,
             "{%s\"network_id\":\"" TEST_NETWORK_ID "\",\"home_base_id\":\"" TEST_HOME_BASE_ID "\","
             "\"private_key\":\"%s\",\"network_public_key\":\"%s\","
             "\"central_url\":\"http://127.0.0.1:18080\",\"batch_interval_sec\":60,"
             "\"offline_after_sec\":90,\"devices\":["
             "{\"device_id\":\"%s\",\"public_key\":\"%s\"},"
             "{\"device_id\":\"%s\",\"public_key\":\"%s\"}]}",
             extra, seed, network, test_device_ids[0], device_keys[0], test_device_ids[1],
             device_keys[1]);
}

engine_t *test_open_engine(core_t *core)
{
    char error[ENGINE_ERROR_LEN] = "";
    engine_t *engine = engine_select_open(s_engine_name, error);

    if (engine == NULL) {
        fail_msg("engine %s not opened: %s", s_engine_name, error);
    }
    if (core_open(core, engine) != 0) {
        fail_msg("core not opened on %s: %s", s_engine_name, engine_error(engine));
    }
    return engine;
}

engine_t *test_open_engine_for_run(core_t *core, void *ctx)
{
    (void)ctx;
    return test_open_engine(core);
}

void test_vector_set(const char *file, void (*run_set)(vector_run_t *, const cJSON *), int at_least)
{
    cJSON *root = vector_load(file);
    vector_run_t run;

    vector_run_init(&run, test_open_engine_for_run, NULL);
    run_set(&run, root);
    printf("%s: %d vectors matched, %d mismatched\n", file, run.passed, run.failed);
    assert_int_equal(run.failed, 0);
    assert_true(run.passed >= at_least);
    cJSON_Delete(root);
}

static void start_home(test_home_t *home)
{
    char error[STORAGE_ERROR_LEN] = "";
    storage_limits_t limits;
    uplink_transport_t transport = { .post = test_transport_post, .ctx = &home->transport };

    home->engine = test_open_engine(&home->core);
    assert_int_equal(registry_apply(&home->registry, &home->core, error), 0);
    storage_default_limits(&limits, home->card_capacity_bytes, TEST_CARD_CLUSTER_BYTES);
    if (storage_open(&home->card, home->card_dir, &limits, error) != 0) {
        fail_msg("test card not opened: %s", error);
    }
    if (spool_open(&home->spool, &home->card, error) != 0) {
        fail_msg("spool not opened: %s", error);
    }
    assert_int_equal(uplink_init(&home->uplink, &home->core, &home->registry, &home->clock, transport), 0);
    if (homebase_init(&home->homebase, &home->registry, &home->core, &home->spool, &home->uplink,
                      &home->clock, home->registry.batch_interval_sec, error) != 0) {
        fail_msg("homebase_init failed: %s", error);
    }
}

static void stop_home(test_home_t *home)
{
    homebase_free(&home->homebase);
    engine_destroy(home->engine);
    home->engine = NULL;
}

int test_home_setup(void **state)
{
    test_home_t *home = calloc(1, sizeof *home);
    char json[2048];
    char error[REGISTRY_ERROR_LEN];

    assert_non_null(home);
    home->clock_state.now = TEST_NOW;
    home->clock = (hb_clock_t){ .now = test_clock_now, .ctx = &home->clock_state };
    test_key_from_fill(&home->network, 0x11);
    test_key_from_fill(&home->home_base, 0x22);
    test_key_from_fill(&home->devices[0], 0x33);
    test_key_from_fill(&home->devices[1], 0x44);
    home->transport.answer_status = 200;

    test_registry_json(home, "", json, sizeof json);
    if (registry_parse(&home->registry, json, error) != 0) {
        fail_msg("test registry rejected: %s", error);
    }
    test_make_temp_dir(home->card_dir);
    snprintf(home->spool_dir, sizeof home->spool_dir, "%s/spool", home->card_dir);
    home->card_capacity_bytes = TEST_CARD_CAPACITY_BYTES;
    start_home(home);
    *state = home;
    return 0;
}

int test_home_teardown(void **state)
{
    test_home_t *home = *state;

    stop_home(home);
    test_remove_tree(home->card_dir);
    if (home->transport.body_count >= TEST_MAX_BODIES &&
        home->transport.body != home->transport.bodies[TEST_MAX_BODIES - 1]) {
        free(home->transport.body);
    }
    for (unsigned i = 0; i < home->transport.body_count; i++) {
        free(home->transport.bodies[i]);
    }
    registry_wipe(&home->registry);
    free(home);
    return 0;
}

void test_home_restart(test_home_t *home)
{
    stop_home(home);
    start_home(home);
}

uint16_t test_local_port(unsigned slot)
{
    return (uint16_t)(18000 + ((unsigned)getpid() * 7 + slot * 101) % 1000);
}

int test_connect_local(uint16_t port)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    assert_int_equal(connect(fd, (struct sockaddr *)&address, sizeof address), 0);
    return fd;
}

void test_make_temp_dir(char out[256])
{
    snprintf(out, 256, "%s/homebase-test-XXXXXX", getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(out) == NULL) {
        fail_msg("mkdtemp %s failed", out);
    }
}

void test_remove_dir(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    char file[512];

    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") != 0 && strcmp(entry->d_name, "..") != 0) {
            snprintf(file, sizeof file, "%s/%s", path, entry->d_name);
            unlink(file);
        }
    }
    if (dir != NULL) {
        closedir(dir);
    }
    rmdir(path);
}

void test_set_dashboard_token(void)
{
    uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN];

    hb_dashboard_token_reset();
    assert_int_equal(hb_hex_decode(TEST_DASHBOARD_TOKEN_SHA256_HEX, sha, sizeof sha), 0);
    assert_int_equal(hb_dashboard_token_set_sha256(sha), 0);
}
