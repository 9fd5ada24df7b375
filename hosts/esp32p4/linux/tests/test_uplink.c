/* Signed requests: the canonical text of docs/protocol.md section 2, rebuilt here, and the
 * signature checked with libsodium under the home base's public key. */
#include "support.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_hex.h"

/* Rebuilds the signed message from what was sent and verifies the signature over it. */
static void assert_request_verifies(const test_home_t *home, const char *target, const char *body,
                                    size_t body_len)
{
    static const char context[] = "homemesh/request/v1";
    const test_transport_t *sent = &home->transport;
    uint8_t digest[crypto_hash_sha256_BYTES];
    char digest_hex[65];
    char text[600];
    uint8_t message[sizeof context + sizeof text];
    uint8_t signature[64];
    int text_len;

    crypto_hash_sha256(digest, (const uint8_t *)body, body_len);
    hb_hex_encode(digest, sizeof digest, digest_hex);
    text_len = snprintf(text, sizeof text, "POST\n%s\n%s\n%s\n%s\n%s", target, sent->key_id,
                        sent->timestamp, sent->nonce, digest_hex);

    memcpy(message, context, sizeof context);
    memcpy(message + sizeof context, text, (size_t)text_len);
    assert_int_equal(hb_hex_decode(sent->signature, signature, sizeof signature), 0);
    assert_int_equal(crypto_sign_verify_detached(signature, message, sizeof context + (size_t)text_len,
                                                 home->home_base.public_key), 0);
}

static void batch_post_signed(void **state)
{
    test_home_t *home = *state;
    const char body[] = "{\"batch_seq\":0,\"entries\":[]}";
    int http_status = 0;

    assert_int_equal(uplink_post_batch(&home->uplink, body, strlen(body), &http_status), 0);
    assert_int_equal(http_status, 200);
    assert_string_equal(home->transport.url, "http://127.0.0.1:18080/logs/ingest");
    assert_string_equal(home->transport.key_id, TEST_NETWORK_ID "/" TEST_HOME_BASE_ID);
    assert_string_equal(home->transport.timestamp, "1764871200");
    assert_int_equal(strlen(home->transport.nonce), 32);
    assert_int_equal(strlen(home->transport.signature), 128);
    assert_string_equal(home->transport.body, body);
    assert_request_verifies(home, "/logs/ingest", body, strlen(body));
}

static void changed_body_fails_signature(void **state)
{
    test_home_t *home = *state;
    const char body[] = "{\"batch_seq\":1}";
    const char changed[] = "{\"batch_seq\":2}";
    static const char context[] = "homemesh/request/v1";
    uint8_t digest[crypto_hash_sha256_BYTES];
    char digest_hex[65];
    char text[600];
    uint8_t message[sizeof context + sizeof text];
    uint8_t signature[64];
    int http_status = 0;
    int text_len;

    assert_int_equal(uplink_post_batch(&home->uplink, body, strlen(body), &http_status), 0);
    crypto_hash_sha256(digest, (const uint8_t *)changed, strlen(changed));
    hb_hex_encode(digest, sizeof digest, digest_hex);
    text_len = snprintf(text, sizeof text, "POST\n/logs/ingest\n%s\n%s\n%s\n%s",
                        home->transport.key_id, home->transport.timestamp, home->transport.nonce,
                        digest_hex);
    memcpy(message, context, sizeof context);
    memcpy(message + sizeof context, text, (size_t)text_len);
    assert_int_equal(hb_hex_decode(home->transport.signature, signature, sizeof signature), 0);
    assert_int_not_equal(crypto_sign_verify_detached(signature, message,
                                                     sizeof context + (size_t)text_len,
                                                     home->home_base.public_key), 0);
}

static void each_attempt_fresh(void **state)
{
    test_home_t *home = *state;
    const char body[] = "{}";
    char first_nonce[40];
    char first_signature[136];
    int http_status = 0;

    assert_int_equal(uplink_post_batch(&home->uplink, body, 2, &http_status), 0);
    strcpy(first_nonce, home->transport.nonce);
    strcpy(first_signature, home->transport.signature);

    home->clock_state.now += 7;
    assert_int_equal(uplink_post_batch(&home->uplink, body, 2, &http_status), 0);
    assert_string_equal(home->transport.timestamp, "1764871207");
    assert_string_not_equal(home->transport.nonce, first_nonce);
    assert_string_not_equal(home->transport.signature, first_signature);
    assert_request_verifies(home, "/logs/ingest", body, 2);
}

static void url_path_prefix_signed(void **state)
{
    test_home_t *home = *state;
    uplink_transport_t transport = { .post = test_transport_post, .ctx = &home->transport };
    const char body[] = "{}";
    int http_status = 0;

    strcpy(home->registry.central_url, "http://127.0.0.1:18080/mesh/");
    assert_int_equal(uplink_init(&home->uplink, &home->core, &home->registry, &home->clock, transport), 0);
    assert_string_equal(home->uplink.ingest_target, "/mesh/logs/ingest");
    assert_int_equal(uplink_post_batch(&home->uplink, body, 2, &http_status), 0);
    assert_string_equal(home->transport.url, "http://127.0.0.1:18080/mesh/logs/ingest");
    assert_request_verifies(home, "/mesh/logs/ingest", body, 2);

    strcpy(home->registry.central_url, "127.0.0.1:18080");
    assert_int_equal(uplink_init(&home->uplink, &home->core, &home->registry, &home->clock, transport), -1);
}

static void canonical_text_has_six_lines(void **state)
{
    test_home_t *home = *state;
    uplink_signature_t signed_request;
    char expected[600];
    const uint8_t body[] = "";

    assert_int_equal(uplink_sign(&home->uplink, "POST", "/logs/ingest", body, 0, &signed_request),
                     CORE_OK);
    /* SHA-256 of the empty string (FIPS 180-2 test vector). */
    snprintf(expected, sizeof expected,
             "POST\n/logs/ingest\n" TEST_NETWORK_ID "/" TEST_HOME_BASE_ID "\n1764871200\n%s\n"
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
             signed_request.nonce);
    assert_string_equal(signed_request.canonical, expected);
}

static void bad_form_not_signed(void **state)
{
    test_home_t *home = *state;
    uplink_signature_t signed_request;

    /* A target must start with "/" (docs/protocol.md section 2); the core rejects the form. */
    assert_int_equal(uplink_sign(&home->uplink, "POST", "logs", (const uint8_t *)"", 0,
                                 &signed_request), -20);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(batch_post_signed),
        HOME_TEST(changed_body_fails_signature),
        HOME_TEST(each_attempt_fresh),
        HOME_TEST(url_path_prefix_signed),
        HOME_TEST(canonical_text_has_six_lines),
        HOME_TEST(bad_form_not_signed),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("uplink", tests, NULL, NULL);
}
