/* media_access_allowed, the decision behind GET /api/v1/media/{path}: the dashboard token, or a
 * request signed by the network key and checked by the real core.wasm. Requests are signed here
 * with libsodium from docs/protocol.md section 2, never by the code under test. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "dashboard_token.h"
#include "hb_hex.h"
#include "media_access.h"

#define MEDIA_TARGET "/api/v1/media/2026-12/05/01/2152-porch-cam-168.png"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct {
    char key_id[64];
    char timestamp[16];
    char nonce[33];
    char signature[129];
    media_access_request_t request;
} signed_get_t;

static unsigned s_nonce_counter;

/* Signs GET `target` with `signer` under `key_id` at `timestamp`, with a fresh nonce. */
static void sign_get(signed_get_t *get, const char *target, const char *key_id, uint32_t timestamp,
                     const test_key_t *signer)
{
    static const char context[] = "homemesh/request/v1";
    char text[512];
    uint8_t message[20 + 512];
    uint8_t signature[64];
    int len;

    snprintf(get->key_id, sizeof get->key_id, "%s", key_id);
    snprintf(get->timestamp, sizeof get->timestamp, "%u", (unsigned)timestamp);
    snprintf(get->nonce, sizeof get->nonce, "%032x", ++s_nonce_counter);
    len = snprintf(text, sizeof text, "GET\n%s\n%s\n%s\n%s\n%s", target, get->key_id,
                   get->timestamp, get->nonce, EMPTY_SHA256);
    memcpy(message, context, 20);
    memcpy(message + 20, text, (size_t)len);
    crypto_sign_detached(signature, NULL, message, 20 + (size_t)len, signer->secret_key);
    hb_hex_encode(signature, 64, get->signature);

    get->request = (media_access_request_t){
        .method = "GET",
        .path = MEDIA_TARGET,
        .key_id = get->key_id,
        .timestamp = get->timestamp,
        .nonce = get->nonce,
        .signature = get->signature,
    };
}

static int setup(void **state)
{
    hb_dashboard_token_reset();
    return test_home_setup(state);
}

static int teardown(void **state)
{
    hb_dashboard_token_reset();
    return test_home_teardown(state);
}

static void expect_refused(test_home_t *home, const media_access_request_t *request, int status,
                           const char *code)
{
    signed_request_problem_t refused;

    assert_false(media_access_allowed(&home->homebase, request, &refused));
    assert_int_equal(refused.http_status, status);
    assert_string_equal(refused.code, code);
}

static void dashboard_token_decides_unsigned(void **state)
{
    test_home_t *home = *state;
    media_access_request_t request = { .method = "GET", .path = MEDIA_TARGET };
    signed_request_problem_t refused;

    expect_refused(home, &request, 503, "DASHBOARD_TOKEN_NOT_SET");
    test_set_dashboard_token();
    expect_refused(home, &request, 401, "AUTH_REQUIRED");
    request.authorization = "Bearer wrong";
    expect_refused(home, &request, 401, "AUTH_FAILED");
    request.authorization = "Bearer " TEST_DASHBOARD_TOKEN;
    assert_true(media_access_allowed(&home->homebase, &request, &refused));
}

static void network_key_request_allowed_once(void **state)
{
    test_home_t *home = *state;
    signed_get_t get;
    signed_request_problem_t refused;

    /* No dashboard token is set: the signature alone is enough. */
    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID, home->clock_state.now, &home->network);
    assert_true(media_access_allowed(&home->homebase, &get.request, &refused));
    expect_refused(home, &get.request, 401, "NONCE_REUSED");
}

static void other_keys_rejected(void **state)
{
    test_home_t *home = *state;
    signed_get_t get;

    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID, home->clock_state.now, &home->home_base);
    expect_refused(home, &get.request, 401, "SIGNATURE_INVALID");
    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID "/homebase", home->clock_state.now, &home->home_base);
    expect_refused(home, &get.request, 401, "UNKNOWN_KEY");
    sign_get(&get, MEDIA_TARGET, "00000000-0000-4000-8000-000000000000", home->clock_state.now,
             &home->network);
    expect_refused(home, &get.request, 401, "UNKNOWN_KEY");
}

static void stale_or_moved_request_rejected(void **state)
{
    test_home_t *home = *state;
    signed_get_t get;

    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID, home->clock_state.now - 301, &home->network);
    expect_refused(home, &get.request, 401, "REQUEST_TIMESTAMP_SKEW");

    /* A signature for one path does not open another. */
    sign_get(&get, "/api/v1/media/2026-12/05/01/2152-porch-cam-169.png", TEST_NETWORK_ID,
             home->clock_state.now, &home->network);
    expect_refused(home, &get.request, 401, "SIGNATURE_INVALID");

    /* A query string is part of the signed target. */
    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID, home->clock_state.now, &home->network);
    get.request.query = "download=1";
    expect_refused(home, &get.request, 401, "SIGNATURE_INVALID");
}

static void partial_headers_rejected(void **state)
{
    test_home_t *home = *state;
    signed_get_t get;

    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID, home->clock_state.now, &home->network);
    get.request.nonce = NULL;
    expect_refused(home, &get.request, 401, "SIGNATURE_REQUIRED");
    get.request.nonce = get.nonce;
    get.request.signature = "00ff";
    expect_refused(home, &get.request, 401, "SIGNATURE_REQUIRED");
}

static void signature_decides_over_token(void **state)
{
    test_home_t *home = *state;
    signed_get_t get;

    test_set_dashboard_token();
    sign_get(&get, MEDIA_TARGET, TEST_NETWORK_ID, home->clock_state.now, &home->home_base);
    get.request.authorization = "Bearer " TEST_DASHBOARD_TOKEN;
    expect_refused(home, &get.request, 401, "SIGNATURE_INVALID");
}

#define ACCESS_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        ACCESS_TEST(dashboard_token_decides_unsigned),
        ACCESS_TEST(network_key_request_allowed_once),
        ACCESS_TEST(other_keys_rejected),
        ACCESS_TEST(stale_or_moved_request_rejected),
        ACCESS_TEST(partial_headers_rejected),
        ACCESS_TEST(signature_decides_over_token),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("media_access", tests, NULL, NULL);
}
