/* Shared pieces of the C tests. Frames are built by hand from docs/protocol.md section 1, never by
 * the core. A manual clock, a temporary spool folder and a recording transport in place of the
 * central server complete a test home base on the engine named on the command line. */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core_api.h"
#include "homebase.h"
#include "registry.h"
#include "spool.h"
#include "uplink.h"
#include "vector_run.h"

#define TEST_NETWORK_ID "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11"
#define TEST_HOME_BASE_ID "homebase"
#define TEST_NOW 1764871200u
#define TEST_FRAME_MAX 250

#define FRAME_TYPE_HEARTBEAT 0x01
#define FRAME_TYPE_MOTION 0x02
#define FRAME_TYPE_LOG 0x03

/* The engine named by argv[1] ("wasm2c" when absent); call first in main. */
void test_select_engine(int argc, char **argv);
const char *test_engine_name(void);

typedef struct {
    uint8_t public_key[32];
    uint8_t secret_key[64];
    uint8_t seed[32];
} test_key_t;

/* A key pair from a seed of 32 bytes equal to `fill`. */
void test_key_from_fill(test_key_t *key, uint8_t fill);

/* Builds and signs a frame: header, payload and an Ed25519 signature by `signer` over the context
 * string, `network_key` and the bytes before the signature. Returns the frame length. */
size_t test_frame_build(uint8_t out[TEST_FRAME_MAX], uint8_t type, const char *device_id,
                        uint32_t timestamp, uint32_t seq, const char *payload,
                        const test_key_t *signer, const uint8_t network_key[32]);

typedef struct {
    uint32_t now;
} test_clock_state_t;

uint32_t test_clock_now(void *ctx);

#define TEST_MAX_BODIES 16

/* A recording replacement for the central server. It responds `answer_status`, or fails to
 * connect when `unreachable` is set, and keeps a copy of every body. */
typedef struct {
    int answer_status;
    int unreachable;
    unsigned post_count;
    char url[512];
    char key_id[64];
    char timestamp[16];
    char nonce[40];
    char signature[136];
    char *body;
    size_t body_len;
    /* Every body that got a response, in order (the first TEST_MAX_BODIES). */
    char *bodies[TEST_MAX_BODIES];
    unsigned body_count;
} test_transport_t;

int test_transport_post(void *ctx, const char *url, const uplink_header_t *headers,
                        size_t header_count, const char *body, size_t body_len, int *http_status);

/* The test card's size and FAT cluster: room for everything the tests store. */
#define TEST_CARD_CAPACITY_BYTES (64u * 1024u * 1024u)
#define TEST_CARD_CLUSTER_BYTES 4096

/* A whole home base on the chosen engine: two devices (porch-cam, door), a temporary card, the
 * manual clock at TEST_NOW and the recording transport responding 200. */
typedef struct {
    test_clock_state_t clock_state;
    hb_clock_t clock;
    test_key_t network;
    test_key_t home_base;
    test_key_t devices[2];
    registry_t registry;
    engine_t *engine;
    core_t core;
    /* The SD card: a temporary folder with TEST_CARD_CAPACITY_BYTES unless a test sets
     * card_capacity_bytes before test_home_restart. */
    storage_t card;
    char card_dir[256];
    uint64_t card_capacity_bytes;
    spool_t spool;
    /* The card's spool folder, where the state files live. */
    char spool_dir[300];
    test_transport_t transport;
    uplink_t uplink;
    homebase_t homebase;
} test_home_t;

extern const char *const test_device_ids[2];

/* Writes a provisioning file's JSON for the keys of `home` into `out` (`cap` bytes). `extra` is
 * inserted as more top-level members (e.g. "\"network_private_key\":\"00\","), or "". */
void test_registry_json(const test_home_t *home, const char *extra, char *out, size_t cap);

/* Group setup and teardown for cmocka: *state becomes a test_home_t. */
int test_home_setup(void **state);
int test_home_teardown(void **state);

/* Sends what the home base spooled, up to HOMEBASE_SEND_MAX_PER_ROUND batches, as one round of the
 * uplink sender would, without a lock: these tests run on one thread. */
void test_home_send(test_home_t *home);

/* homebase_tick, then test_home_send. */
void test_home_tick(test_home_t *home);

/* Restarts the home base over the same card, as after a power cut. */
void test_home_restart(test_home_t *home);

/* Opens the chosen engine and the core on it; fails the test when either does not load. */
engine_t *test_open_engine(core_t *core);

/* test_open_engine as the open function of vector_run.h (`ctx` unused). */
engine_t *test_open_engine_for_run(core_t *core, void *ctx);

/* Runs core/vectors/`file` through one set of hosts/esp32p4/vector_runs on the chosen engine,
 * prints its counts, and fails the test on any mismatch or when fewer than `at_least` vectors ran. */
void test_vector_set(const char *file, void (*run_set)(vector_run_t *, const cJSON *), int at_least);

/* A TCP port from 18000-18999, offset by the process id and `slot`, so parallel runs rarely meet. */
uint16_t test_local_port(unsigned slot);

/* Connects a TCP socket to 127.0.0.1:`port`; fails the test when the connection is refused. */
int test_connect_local(uint16_t port);

/* The local dashboard token of the API tests, and its SHA-256 from FIPS 180-2's example "abc", so
 * the hash does not come from the code under test. */
#define TEST_DASHBOARD_TOKEN "abc"
#define TEST_DASHBOARD_TOKEN_SHA256_HEX "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define TEST_AUTHORIZATION "Authorization: Bearer " TEST_DASHBOARD_TOKEN "\r\n"

/* Provisions TEST_DASHBOARD_TOKEN in memory only, as set_dashboard_token would. */
void test_set_dashboard_token(void);

void test_make_temp_dir(char out[256]);
void test_remove_dir(const char *path);

#endif
