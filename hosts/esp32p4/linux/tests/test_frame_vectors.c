/* Runs core/vectors/frames.json through this engine. Every vector gets the status of frame_decode
 * and frame_verify checked, and each frame that decodes OK its header and typed payload getters
 * (the shared checks of hosts/esp32p4/vector_runs); frame_build must rebuild it to the same bytes
 * and signed message. The
 * file's `builds` must fail frame_build with their status. The expected values come from the
 * independent generator (core/vectors/generate.ts), the same file the Node runners read. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"
#include "vector_file.h"
#include "vector_run.h"

#define FRAME_MAX 256
/* Vector frames may exceed the frame buffer (a frame of 1000 bytes must be FRAME_TOO_LONG). */
#define VECTOR_FRAME_MAX 2048
#define MESSAGE_MAX 1024
#define FRAME_TYPE_CHUNK 0x08

/* Runs `check` on every frame vector that has `member` (all when NULL), after setting the
 * vector's network key. Returns how many ran. */
typedef void (*frame_check_fn)(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len);

static int for_each_frame(const char *member, frame_check_fn check)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("frames.json");
    const cJSON *vector;
    uint8_t frame[VECTOR_FRAME_MAX];
    uint8_t network_key[CORE_KEY_LEN];
    int count = 0;

    cJSON_ArrayForEach(vector, vector_array(root, "vectors")) {
        size_t len = vector_bytes(vector, "frame", frame, sizeof frame);

        if (member != NULL && !vector_has(vector, member)) {
            continue;
        }
        vector_bytes_exact(vector, "network_public_key", network_key, sizeof network_key);
        core_set_network_key(&core, network_key);
        check(&core, vector, frame, len);
        count++;
    }
    cJSON_Delete(root);
    engine_destroy(engine);
    return count;
}

/* ---- frame_build ---- */

/* The file's `keys` member (seeds and public keys), set while frame_build_round_trip runs. */
static const cJSON *s_keys;

/* Writes the seed of the key in s_keys whose public key is `public_key`. */
static void seed_of(const uint8_t public_key[CORE_KEY_LEN], uint8_t seed[32])
{
    const cJSON *key;

    cJSON_ArrayForEach(key, s_keys) {
        uint8_t candidate[CORE_KEY_LEN];

        vector_bytes_exact(key, "public_key", candidate, sizeof candidate);
        if (memcmp(candidate, public_key, sizeof candidate) == 0) {
            vector_bytes_exact(key, "seed", seed, 32);
            return;
        }
    }
    fail_msg("no seed in the file's keys for a signer public key");
}

static void check_build(core_t *core, const cJSON *vector, const uint8_t *frame, size_t len)
{
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(vector, "fields");
    const char *label = vector_string(vector, "name");
    uint8_t payload[FRAME_MAX];
    size_t payload_len = vector_bytes(fields, "payload", payload, sizeof payload);
    uint32_t type = vector_u32(fields, "type");
    uint8_t built[FRAME_MAX];
    uint8_t unsigned_frame[FRAME_MAX];
    uint8_t message[MESSAGE_MAX];
    int32_t built_len;
    int32_t message_len;

    built_len = core_frame_build(core, (uint8_t)type, vector_string(fields, "device_id"),
                                 vector_u32(fields, "timestamp"), vector_u32(fields, "seq"), payload,
                                 payload_len, built, sizeof built);
    if (built_len < 0) {
        vector_assert_status(core, built_len, "OK", label);
    }
    assert_int_equal((size_t)built_len, len);
    message_len = core_frame_build_message(core, message, sizeof message);

    if (type == FRAME_TYPE_CHUNK) {
        const uint8_t no_signature[CORE_SIGNATURE_LEN] = { 0 };

        assert_memory_equal(built, frame, len);
        assert_int_equal(message_len, 0);
        assert_int_equal(core_frame_set_signature(core, no_signature, built, sizeof built),
                         CORE_FRAME_NOT_SIGNED);
        return;
    }

    /* Before the signature: the vector's bytes with 64 zero bytes in its place. */
    memcpy(unsigned_frame, frame, len);
    memset(unsigned_frame + len - CORE_SIGNATURE_LEN, 0, CORE_SIGNATURE_LEN);
    assert_memory_equal(built, unsigned_frame, len);
    if (vector_has(vector, "signed_message")) {
        uint8_t expected[MESSAGE_MAX];
        size_t expected_len = vector_bytes(vector, "signed_message", expected, sizeof expected);

        assert_int_equal((size_t)message_len, expected_len);
        assert_memory_equal(message, expected, expected_len);
    }

    /* Signed by the host with the signer's seed: Ed25519 is deterministic, so the frame equals the
     * vector byte for byte. */
    if (strcmp(vector_string(vector, "verify"), "OK") == 0) {
        uint8_t signer_key[CORE_KEY_LEN];
        uint8_t seed[32];
        uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
        uint8_t secret_key[crypto_sign_SECRETKEYBYTES];
        uint8_t signature[CORE_SIGNATURE_LEN];

        vector_bytes_exact(vector, "signer_public_key", signer_key, sizeof signer_key);
        seed_of(signer_key, seed);
        crypto_sign_seed_keypair(public_key, secret_key, seed);
        crypto_sign_detached(signature, NULL, message, (size_t)message_len, secret_key);
        assert_int_equal(core_frame_set_signature(core, signature, built, sizeof built), (int32_t)len);
        assert_memory_equal(built, frame, len);
    }
}

/* ---- Tests ---- */

/* Decode and verify statuses, header getters, signed messages and typed getters, through the shared
 * checks of hosts/esp32p4/vector_runs/vector_frames.c (also run on rv32 under QEMU). */
static void frame_statuses_and_getters(void **state)
{
    (void)state;
    test_vector_set("frames.json", vector_run_frames, 1);
}

static void frame_build_round_trip(void **state)
{
    cJSON *root = vector_load("frames.json");
    int count;

    (void)state;
    s_keys = cJSON_GetObjectItemCaseSensitive(root, "keys");
    assert_non_null(s_keys);
    count = for_each_frame("fields", check_build);
    printf("frame_build rebuilt %d frames\n", count);
    assert_true(count > 0);
    s_keys = NULL;
    cJSON_Delete(root);
}

static void frame_build_rejects(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);
    cJSON *root = vector_load("frames.json");
    const cJSON *build;
    int count = 0;

    (void)state;
    cJSON_ArrayForEach(build, vector_array(root, "builds")) {
        uint8_t payload[FRAME_MAX];
        uint8_t built[FRAME_MAX];
        size_t payload_len = vector_bytes(build, "payload", payload, sizeof payload);
        int32_t status = core_frame_build(&core, (uint8_t)vector_u32(build, "type"),
                                          vector_string(build, "device_id"),
                                          vector_u32(build, "timestamp"), vector_u32(build, "seq"),
                                          payload, payload_len, built, sizeof built);

        vector_assert_status(&core, status < 0 ? status : CORE_OK, vector_string(build, "status"),
                             vector_string(build, "name"));
        count++;
    }
    printf("frame_build rejected %d builds\n", count);
    assert_true(count > 0);
    cJSON_Delete(root);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frame_statuses_and_getters),
        cmocka_unit_test(frame_build_round_trip),
        cmocka_unit_test(frame_build_rejects),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("frame vectors", tests, NULL, NULL);
}
