/* Benchmark of the home base's frame intake: frames per second of core_frame_accept (decode, replay
 * window and Ed25519 verify through the engine's libsodium import) on each engine of this build,
 * next to bare libsodium crypto_sign_verify_detached of the same signed messages.
 *
 * Usage: bench_core [rounds]
 * Every side runs in alternating blocks of BLOCK_FRAMES frames in one process, and the order rotates
 * per block, because a shared machine's speed drifts within seconds. Each engine's overhead is the
 * median over rounds of its time ratio to the bare verify. Built only by `make bench-core`. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_api.h"
#include "engine.h"
#include "engine_select.h"

#define FRAME_COUNT 4000
#define BLOCK_FRAMES 100
#define DEFAULT_ROUNDS 9
#define MAX_ROUNDS 99
#define NOW 1764871200u

#define HEADER_LEN 27
#define SIGNATURE_LEN 64
#define PAYLOAD_MAX 159
#define FRAME_MAX (HEADER_LEN + PAYLOAD_MAX + SIGNATURE_LEN)
#define CONTEXT_LEN 18
#define MESSAGE_MAX (CONTEXT_LEN + 32 + HEADER_LEN + PAYLOAD_MAX)
#define TYPE_LOG 0x03
#define DEVICE_ID "bench-device"
#define DEVICE_SLOT 0

/* An engine's side of the run, with its goal (bench/README.md): wasm2c at most 10% over the bare
 * verify, wasm3 at most 25%. */
typedef struct {
    const char *name;
    double goal_percent;
    engine_t *engine;
    core_t core;
    double seconds[MAX_ROUNDS];
} engine_side_t;

typedef struct {
    uint8_t frame[FRAME_MAX];
    size_t frame_len;
    uint8_t message[MESSAGE_MAX];
    size_t message_len;
} signed_frame_t;

static signed_frame_t frames[FRAME_COUNT];
static uint8_t device_public[crypto_sign_PUBLICKEYBYTES];
static uint8_t network_public[crypto_sign_PUBLICKEYBYTES];

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put_u32_le(uint8_t *out, uint32_t value)
{
    for (int i = 0; i < 4; i++) {
        out[i] = (uint8_t)(value >> (8 * i));
    }
}

/* Builds FRAME_COUNT distinct log frames (docs/protocol.md section 1) with seqs 1 to FRAME_COUNT,
 * signed by a fresh device key under a fresh network key. */
static void build_frames(void)
{
    static const uint8_t context[CONTEXT_LEN] = "homemesh/frame/v1";
    uint8_t device_secret[crypto_sign_SECRETKEYBYTES];
    uint8_t network_secret[crypto_sign_SECRETKEYBYTES];

    crypto_sign_keypair(device_public, device_secret);
    crypto_sign_keypair(network_public, network_secret);

    for (uint32_t i = 0; i < FRAME_COUNT; i++) {
        signed_frame_t *item = &frames[i];
        char payload[PAYLOAD_MAX + 1];
        int payload_len = snprintf(payload, sizeof payload,
                                   "{\"level\":\"info\",\"category\":\"bench\",\"message\":\"frame %u\"}",
                                   (unsigned)(i + 1));
        uint8_t *frame = item->frame;

        memset(frame, 0, HEADER_LEN);
        frame[0] = 1;
        frame[1] = TYPE_LOG;
        memcpy(frame + 2, DEVICE_ID, strlen(DEVICE_ID));
        put_u32_le(frame + 18, NOW);
        put_u32_le(frame + 22, i + 1);
        frame[26] = (uint8_t)payload_len;
        memcpy(frame + HEADER_LEN, payload, (size_t)payload_len);

        size_t body_len = HEADER_LEN + (size_t)payload_len;
        memcpy(item->message, context, CONTEXT_LEN);
        memcpy(item->message + CONTEXT_LEN, network_public, 32);
        memcpy(item->message + CONTEXT_LEN + 32, frame, body_len);
        item->message_len = CONTEXT_LEN + 32 + body_len;

        crypto_sign_detached(frame + body_len, NULL, item->message, item->message_len, device_secret);
        item->frame_len = body_len + SIGNATURE_LEN;
    }
    sodium_memzero(device_secret, sizeof device_secret);
    sodium_memzero(network_secret, sizeof network_secret);
}

/* The bare verify reads its inputs from one fixed receive buffer, as the core reads them from its
 * own fixed buffers. Verifying each message in place across the 2 MB frame pool measured about 3%
 * slower here (cold cache lines on a loaded machine), which would flatter the core. */
static double time_reference(size_t first, size_t count)
{
    static uint8_t message[MESSAGE_MAX];
    static uint8_t signature[SIGNATURE_LEN];
    static uint8_t key[crypto_sign_PUBLICKEYBYTES];
    double start = now_seconds();

    for (size_t i = first; i < first + count; i++) {
        const signed_frame_t *item = &frames[i];
        memcpy(message, item->message, item->message_len);
        memcpy(signature, item->frame + item->frame_len - SIGNATURE_LEN, SIGNATURE_LEN);
        memcpy(key, device_public, sizeof key);
        if (crypto_sign_verify_detached(signature, message, item->message_len, key) != 0) {
            fprintf(stderr, "bench_core: bare verify rejected frame %zu\n", i);
            exit(1);
        }
    }
    return now_seconds() - start;
}

static double time_core(engine_side_t *side, size_t first, size_t count)
{
    double start = now_seconds();

    for (size_t i = first; i < first + count; i++) {
        int32_t status = core_frame_accept(&side->core, frames[i].frame, frames[i].frame_len, NOW);
        if (status != CORE_OK) {
            char name[CORE_STATUS_NAME_MAX + 1];
            fprintf(stderr, "bench_core: %s frame_accept of frame %zu returned %s\n", side->name, i,
                    core_status_name(&side->core, status, name));
            exit(1);
        }
    }
    return now_seconds() - start;
}

/* Returns the microseconds per frame of frame_decode alone (checks 1 to 10, JSON included), the
 * core's share of frame_accept besides the verify and the replay window. */
static double decode_microseconds(engine_side_t *side)
{
    double start = now_seconds();

    for (size_t i = 0; i < FRAME_COUNT; i++) {
        uint8_t *buffer = engine_bytes(side->engine, side->core.frame.ptr, (uint32_t)frames[i].frame_len);
        uint32_t args[ENGINE_MAX_ARGS] = { (uint32_t)frames[i].frame_len };
        uint32_t status = 1;

        memcpy(buffer, frames[i].frame, frames[i].frame_len);
        if (engine_call(side->engine, ENGINE_FN_frame_decode, args, 1, &status) != 0 || status != 0) {
            fprintf(stderr, "bench_core: %s frame_decode of frame %zu failed\n", side->name, i);
            exit(1);
        }
    }
    return (now_seconds() - start) * 1e6 / FRAME_COUNT;
}

/* Registers the device afresh, so every seq is new to the replay window again. */
static void reset_device(engine_side_t *side)
{
    if (core_device_set(&side->core, DEVICE_SLOT, DEVICE_ID, device_public) != CORE_OK) {
        fprintf(stderr, "bench_core: %s device_set failed\n", side->name);
        exit(1);
    }
}

static int open_side(engine_side_t *side)
{
    char error[ENGINE_ERROR_LEN];

    side->engine = engine_select_open(side->name, error);
    if (side->engine == NULL) {
        fprintf(stderr, "bench_core: cannot open engine %s: %s\n", side->name, error);
        return -1;
    }
    if (core_open(&side->core, side->engine) != 0) {
        fprintf(stderr, "bench_core: core_open on %s failed: %s\n", side->name, engine_error(side->engine));
        return -1;
    }
    core_set_network_key(&side->core, network_public);
    return 0;
}

/* One round: every frame once through the bare verify and through each engine, in blocks whose
 * order rotates, so a change in load hits every side alike. */
static double run_round(engine_side_t *sides, size_t side_count, int round)
{
    double reference = 0;

    for (size_t s = 0; s < side_count; s++) {
        reset_device(&sides[s]);
        if (round >= 0) {
            sides[s].seconds[round] = 0;
        }
    }
    for (size_t first = 0, block = 0; first < FRAME_COUNT; first += BLOCK_FRAMES, block++) {
        for (size_t step = 0; step <= side_count; step++) {
            size_t side_index = (block + step) % (side_count + 1);
            if (side_index == side_count) {
                reference += time_reference(first, BLOCK_FRAMES);
                continue;
            }
            double seconds = time_core(&sides[side_index], first, BLOCK_FRAMES);
            if (round >= 0) {
                sides[side_index].seconds[round] += seconds;
            }
        }
    }
    return reference;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a;
    double y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int count)
{
    qsort(values, (size_t)count, sizeof *values, compare_doubles);
    return count % 2 == 1 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : DEFAULT_ROUNDS;
    if (rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "usage: bench_core [rounds]: rounds is 1 to %d, got %s\n", MAX_ROUNDS, argv[1]);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "bench_core: sodium_init failed\n");
        return 1;
    }
    build_frames();

    engine_side_t sides[2] = { { .name = "wasm2c", .goal_percent = 10 }, { .name = "wasm3", .goal_percent = 25 } };
    size_t side_count = engine_select_available("wasm3") ? 2 : 1;
    for (size_t s = 0; s < side_count; s++) {
        if (open_side(&sides[s]) != 0) {
            return 1;
        }
    }

    /* An untimed round warms caches and the branch predictors of every side. */
    run_round(sides, side_count, -1);

    double reference_seconds[MAX_ROUNDS];
    for (int round = 0; round < rounds; round++) {
        reference_seconds[round] = run_round(sides, side_count, round);
    }

    printf("home base (C): %d frames x %d rounds, medians\n", FRAME_COUNT, rounds);
    double reference_rates[MAX_ROUNDS];
    for (int round = 0; round < rounds; round++) {
        reference_rates[round] = FRAME_COUNT / reference_seconds[round];
    }
    printf("  bare libsodium verify          %8.0f frames/s\n", median(reference_rates, rounds));

    for (size_t s = 0; s < side_count; s++) {
        engine_side_t *side = &sides[s];
        double rates[MAX_ROUNDS];
        double ratios[MAX_ROUNDS];
        for (int round = 0; round < rounds; round++) {
            rates[round] = FRAME_COUNT / side->seconds[round];
            ratios[round] = side->seconds[round] / reference_seconds[round] - 1;
        }
        double overhead = median(ratios, rounds) * 100;
        printf("  core frame_accept (%-6s)     %8.0f frames/s\n", side->name, median(rates, rounds));
        printf("  %s overhead %.1f%% (median of the rounds' time ratios; goal at most %.0f%%: %s)\n",
               side->name, overhead, side->goal_percent, overhead <= side->goal_percent ? "met" : "missed");
        printf("  %s frame_decode alone: %.2f us/frame (bare verify: %.1f us/frame)\n", side->name,
               decode_microseconds(side), 1e6 * time_reference(0, FRAME_COUNT) / FRAME_COUNT);
        engine_destroy(side->engine);
    }
    if (side_count == 1) {
        printf("  wasm3: not in this build (set WASM3_SOURCE_DIR to a wasm3 source tree)\n");
    }
    return 0;
}
