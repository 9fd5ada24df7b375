/* libFuzzer target: random bytes as a frame heard over the air, through the home base's intake
 * (intake_frame, which runs the core's frame_accept) on the wasm2c engine.
 *
 * The first input byte picks the mode. Even: the rest goes in as it is. Odd: the rest fills a frame
 * behind a plausible header (version 1, a type, a registered device id, a timestamp near the
 * clock, a seq). Random bytes almost never pass the header checks, and the checks behind them
 * (payload length, JSON payloads, replay) are where the core parses most.
 *
 * The registry has two devices with fixed keys and the clock stands still, so runs repeat. The
 * target aborts when the core traps or returns a status outside its documented range. Replay
 * state carries over from one input to the next, as it does on the air.
 * NOTE: random bytes never carry a valid signature, so the accepted path is not reached here; the
 * cmocka tests with signed frames cover it. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_select.h"
#include "hb_log.h"
#include "intake.h"
#include "registry.h"

#define FUZZ_NOW 1764871200u

static registry_t s_registry;
static engine_t *s_engine;
static core_t s_core;
static intake_t s_intake;
static hb_clock_t s_clock;

static uint32_t fixed_now(void *ctx)
{
    (void)ctx;
    return FUZZ_NOW;
}

static int fail_batch_full(void *ctx)
{
    (void)ctx;
    return -1;
}

static void add_device(const char *device_id, uint8_t fill)
{
    registry_device_t *device = &s_registry.devices[s_registry.device_count++];
    uint8_t seed[crypto_sign_SEEDBYTES];
    uint8_t secret_key[crypto_sign_SECRETKEYBYTES];

    memset(seed, fill, sizeof seed);
    crypto_sign_seed_keypair(device->public_key, secret_key, seed);
    snprintf(device->device_id, sizeof device->device_id, "%s", device_id);
}

static void set_up(void)
{
    char error[ENGINE_ERROR_LEN] = "";
    uint8_t seed[crypto_sign_SEEDBYTES];
    uint8_t secret_key[crypto_sign_SECRETKEYBYTES];

    if (sodium_init() < 0) {
        abort();
    }
    hb_log_set_sink(NULL, HB_LOG_ERROR);
    memset(seed, 0x11, sizeof seed);
    crypto_sign_seed_keypair(s_registry.network_public_key, secret_key, seed);
    /* registry_apply gives the core these ids: the target of config commands, and the key id of
     * requests signed by the network key. */
    snprintf(s_registry.home_base_id, sizeof s_registry.home_base_id, "homebase");
    snprintf(s_registry.network_id, sizeof s_registry.network_id, "4b1e2f3a-5c6d-4e7f-8a9b-0c1d2e3f4a5b");
    add_device("porch-cam", 0x22);
    add_device("door", 0x33);

    s_engine = engine_select_open("wasm2c", error);
    if (s_engine == NULL || core_open(&s_core, s_engine) != 0 ||
        registry_apply(&s_registry, &s_core, error) != 0) {
        fprintf(stderr, "fuzz_frame_intake: set-up failed: %s\n", error);
        abort();
    }
    s_clock = (hb_clock_t){ .now = fixed_now, .ctx = NULL };
    intake_init(&s_intake, &s_core, &s_registry, &s_clock, fail_batch_full, NULL);
}

/* Offsets of docs/protocol.md section 1. */
#define HEADER_DEVICE_ID_AT 2
#define HEADER_TIMESTAMP_AT 18
#define HEADER_SEQ_AT 22
#define HEADER_PAYLOAD_LEN_AT 26
/* The simulator's UDP air passes datagrams up to 512 bytes; the link passes up to 250. */
#define FRAME_INPUT_MAX 512

static void put_u32(uint8_t *out, uint32_t value)
{
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(value >> (8 * i));
    }
}

/* Builds a frame from `data` (type, device choice, timestamp offset, seq, then the bytes from the
 * payload length on). Returns its length. */
static size_t build_frame(const uint8_t *data, size_t size, uint8_t frame[FRAME_INPUT_MAX])
{
    static const char *const device_ids[] = { "porch-cam", "door" };
    size_t rest;

    if (size < 7) {
        return 0;
    }
    memset(frame, 0, HEADER_PAYLOAD_LEN_AT);
    frame[0] = 1;
    frame[1] = (uint8_t)(data[0] % 9);
    memcpy(frame + HEADER_DEVICE_ID_AT, device_ids[data[1] & 1], strlen(device_ids[data[1] & 1]));
    put_u32(frame + HEADER_TIMESTAMP_AT, FUZZ_NOW + (uint32_t)(int32_t)(int8_t)data[2]);
    memcpy(frame + HEADER_SEQ_AT, data + 3, 4);

    rest = size - 7;
    if (rest > FRAME_INPUT_MAX - HEADER_PAYLOAD_LEN_AT) {
        rest = FRAME_INPUT_MAX - HEADER_PAYLOAD_LEN_AT;
    }
    memcpy(frame + HEADER_PAYLOAD_LEN_AT, data + 7, rest);
    return HEADER_PAYLOAD_LEN_AT + rest;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0x00, 0x00, 0x00, 0x12, 0x34 };
    static uint8_t frame[FRAME_INPUT_MAX];
    const uint8_t *input = data + 1;
    size_t len = size > 0 ? size - 1 : 0;
    int32_t status;

    if (s_engine == NULL) {
        set_up();
    }
    if (size == 0 || len > FRAME_INPUT_MAX) {
        return -1;
    }
    if ((data[0] & 1) != 0) {
        len = build_frame(input, len, frame);
        input = frame;
    }

    status = intake_frame(&s_intake, input, len, mac, -50);
    if (s_engine->trapped) {
        fprintf(stderr, "fuzz_frame_intake: the core trapped: %s\n", engine_error(s_engine));
        abort();
    }
    /* A frame longer than the core's buffer is the host's CORE_INPUT_TOO_LONG, not a core code. */
    if (status > 0 || (status <= -INTAKE_REASON_SLOTS && status != CORE_INPUT_TOO_LONG)) {
        fprintf(stderr, "fuzz_frame_intake: status %d outside the core's range\n", (int)status);
        abort();
    }
    return 0;
}
