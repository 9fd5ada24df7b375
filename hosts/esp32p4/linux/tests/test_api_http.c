/* The portable HTTP layer (api_http.h, api_ws_protocol.h) without an HTTP server: a fake binding
 * records what a handler sends. Percent-encoding cases follow RFC 3986 section 2.1, and the close
 * payloads RFC 6455 section 5.5.1 (the code in network order, 4401 = 0x11 0x31). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_http.h"
#include "api_ws_protocol.h"
#include "dashboard_token.h"

typedef struct {
    const char *authorization;
    const char *body;
    size_t body_at;
    int status;
    api_response_head_t head;
    char sent[1024];
} fake_binding_t;

static const char *fake_header(void *binding, const char *name)
{
    fake_binding_t *fake = binding;

    return strcmp(name, "Authorization") == 0 ? fake->authorization : NULL;
}

static int fake_read(void *binding, void *bytes, size_t cap)
{
    fake_binding_t *fake = binding;
    size_t left = strlen(fake->body) - fake->body_at;
    size_t len = left < cap ? left : cap;

    memcpy(bytes, fake->body + fake->body_at, len);
    fake->body_at += len;
    return (int)len;
}

static int fake_send(void *binding, const api_response_head_t *head, const void *body, size_t len)
{
    fake_binding_t *fake = binding;

    fake->head = *head;
    fake->status = head->status;
    snprintf(fake->sent, sizeof fake->sent, "%.*s", (int)len, (const char *)body);
    return 0;
}

static void no_lock(void *ctx)
{
    (void)ctx;
}

/* Sends `method` `path` through api_http_dispatch and returns the status the handler sent. */
static int dispatch(fake_binding_t *fake, const char *method, const char *path)
{
    api_context_t context = { .lock = { .acquire = no_lock, .release = no_lock } };
    api_request_t request = { .method = method, .path = path, .content_length = -1,
                              .header = fake_header, .read = fake_read, .binding = fake,
                              .query = NULL };
    api_responder_t responder = { .send = fake_send, .binding = fake };
    int returned;

    if (fake->body == NULL) {
        fake->body = "";
    }
    returned = api_http_dispatch(&context, &request, &responder);
    assert_int_equal(returned, fake->status);
    return returned;
}

static void dispatch_serves_healthz(void **state)
{
    fake_binding_t fake = { 0 };

    (void)state;
    assert_int_equal(dispatch(&fake, "GET", "/healthz"), 200);
    assert_string_equal(fake.sent, "{\"status\":\"ok\"}");
    assert_string_equal(fake.head.content_type, "application/json");
}

static void dispatch_unknown_path_is_404(void **state)
{
    fake_binding_t fake = { 0 };

    (void)state;
    assert_int_equal(dispatch(&fake, "GET", "/api/v1/statusx"), 404);
    assert_string_equal(fake.head.content_type, "application/problem+json");
    assert_non_null(strstr(fake.sent, "\"code\":\"NOT_FOUND\""));
}

static void dispatch_wrong_method_is_405(void **state)
{
    fake_binding_t fake = { 0 };

    (void)state;
    assert_int_equal(dispatch(&fake, "DELETE", "/healthz"), 405);
    assert_int_equal(dispatch(&fake, "PUT", "/api/v1/media/x"), 405);
    assert_int_equal(dispatch(&fake, "GET", "/api/v1/logs"), 405);
}

static void command_before_setup_is_404(void **state)
{
    fake_binding_t fake = { 0 };

    (void)state;
    assert_int_equal(dispatch(&fake, "POST", "/api/v1/command"), 404);
}

static void status_without_token_is_401_with_challenge(void **state)
{
    fake_binding_t fake = { 0 };

    (void)state;
    test_set_dashboard_token();
    assert_int_equal(dispatch(&fake, "GET", "/api/v1/status"), 401);
    assert_string_equal(fake.head.www_authenticate, "Bearer");
    assert_non_null(strstr(fake.sent, "\"code\":\"AUTH_REQUIRED\""));
    hb_dashboard_token_reset();
    assert_int_equal(dispatch(&fake, "GET", "/api/v1/status"), 503);
}

static void decode_path_follows_rfc3986(void **state)
{
    char out[32];

    (void)state;
    assert_true(api_http_decode_path("/a%20b", 6, out, sizeof out));
    assert_string_equal(out, "/a b");
    assert_true(api_http_decode_path("/%7Euser%2fx", 12, out, sizeof out));
    assert_string_equal(out, "/~user/x");
    assert_true(api_http_decode_path("/a+b", 4, out, sizeof out));
    assert_string_equal(out, "/a+b");
}

static void decode_path_rejects_bad_escapes(void **state)
{
    char out[8];

    (void)state;
    assert_false(api_http_decode_path("/a%2", 4, out, sizeof out));
    assert_false(api_http_decode_path("/a%zz", 5, out, sizeof out));
    assert_false(api_http_decode_path("/a%00b", 6, out, sizeof out));
    assert_false(api_http_decode_path("/12345678", 9, out, sizeof out));
}

static void query_value_decodes_the_named_pair(void **state)
{
    char out[8];

    (void)state;
    assert_true(api_http_query_value("a=1&scale=%32", "scale", out, sizeof out));
    assert_string_equal(out, "2");
    assert_true(api_http_query_value("x=a+b", "x", out, sizeof out));
    assert_string_equal(out, "a b");
    assert_false(api_http_query_value("scalex=2&xscale=3", "scale", out, sizeof out));
    assert_false(api_http_query_value("scale=123456789", "scale", out, sizeof out));
}

static void ws_close_payload_has_code_first(void **state)
{
    uint8_t payload[API_WS_CLOSE_PAYLOAD_MAX];
    char reason[100];

    (void)state;
    assert_int_equal(api_ws_close_payload(4401, "no", payload), 4);
    assert_memory_equal(payload, "\x11\x31no", 4);
    memset(reason, 'r', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    assert_int_equal(api_ws_close_payload(1009, reason, payload), API_WS_CLOSE_PAYLOAD_MAX);
    assert_memory_equal(payload, "\x03\xf1", 2);
}

static void ws_auth_message_gives_bearer_header(void **state)
{
    char header[API_WS_BEARER_HEADER_LEN] = "untouched";
    static const char good[] = "{\"type\":\"auth\",\"token\":\"abc\"}";
    static const char empty[] = "{\"type\":\"auth\",\"token\":\"\"}";
    static const char other[] = "{\"type\":\"hello\",\"token\":\"abc\"}";

    (void)state;
    assert_true(api_ws_auth_header_of(good, sizeof good - 1, header));
    assert_string_equal(header, "Bearer abc");
    strcpy(header, "untouched");
    assert_false(api_ws_auth_header_of(empty, sizeof empty - 1, header));
    assert_false(api_ws_auth_header_of(other, sizeof other - 1, header));
    assert_false(api_ws_auth_header_of("{", 1, header));
    assert_string_equal(header, "untouched");
}

static void ws_read_message_decides_first_message(void **state)
{
    char header[API_WS_BEARER_HEADER_LEN];
    static const char auth[] = "{\"type\":\"auth\",\"token\":\"abc\"}";
    char big[API_WS_MAX_MESSAGE_LEN + 1];

    (void)state;
    memset(big, ' ', sizeof big);
    assert_int_equal(api_ws_read_message(false, API_WS_FRAME_TEXT, auth, sizeof auth - 1, header),
                     API_WS_MESSAGE_CHECK_TOKEN);
    assert_string_equal(header, "Bearer abc");
    assert_int_equal(api_ws_read_message(false, API_WS_FRAME_BINARY, auth, sizeof auth - 1, header),
                     API_WS_MESSAGE_NOT_AUTH);
    assert_int_equal(api_ws_read_message(false, API_WS_FRAME_TEXT, "hello", 5, header),
                     API_WS_MESSAGE_NOT_AUTH);
    assert_int_equal(api_ws_read_message(false, API_WS_FRAME_OTHER, "", 0, header), API_WS_MESSAGE_IGNORE);
    assert_int_equal(api_ws_read_message(true, API_WS_FRAME_TEXT, "hello", 5, header), API_WS_MESSAGE_IGNORE);
    assert_int_equal(api_ws_read_message(true, API_WS_FRAME_TEXT, big, sizeof big, header),
                     API_WS_MESSAGE_TOO_BIG);
    assert_int_equal(api_ws_read_message(false, API_WS_FRAME_TEXT, big, sizeof big - 1, header),
                     API_WS_MESSAGE_NOT_AUTH);
}

static void ws_auth_timeout_at_the_limit(void **state)
{
    (void)state;
    assert_false(api_ws_auth_timed_out(1000, 5999, 5000));
    assert_true(api_ws_auth_timed_out(1000, 6000, 5000));
    assert_false(api_ws_auth_timed_out(1000, 999, 5000));
}

static void ws_upgrade_refusal_codes(void **state)
{
    const char *detail;

    (void)state;
    assert_string_equal(api_ws_upgrade_refusal(HB_DASHBOARD_TOKEN_NOT_SET, false, &detail),
                        "DASHBOARD_TOKEN_NOT_SET");
    assert_string_equal(api_ws_upgrade_refusal(HB_DASHBOARD_TOKEN_WRONG, true, &detail), "AUTH_FAILED");
    assert_string_equal(api_ws_upgrade_refusal(HB_DASHBOARD_TOKEN_MISSING, true, &detail), "AUTH_REQUIRED");
    assert_null(api_ws_upgrade_refusal(HB_DASHBOARD_TOKEN_MISSING, false, &detail));
    assert_null(api_ws_upgrade_refusal(HB_DASHBOARD_TOKEN_OK, true, &detail));
}

static void ws_queue_drops_the_oldest_when_full(void **state)
{
    api_ws_queue_t queue = { 0 };
    api_ws_event_t event;
    char text[16];

    (void)state;
    for (int i = 0; i < API_WS_QUEUE_LEN + 2; i++) {
        snprintf(text, sizeof text, "e%d", i);
        assert_true(api_ws_queue_push(&queue, text, strlen(text)));
    }
    assert_int_equal(queue.count, API_WS_QUEUE_LEN);
    assert_int_equal(queue.dropped, 2);
    assert_true(api_ws_queue_pop(&queue, &event));
    assert_string_equal(event.text, "e2");
    free(event.text);
    api_ws_queue_clear(&queue);
    assert_false(api_ws_queue_pop(&queue, &event));
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dispatch_serves_healthz),
        cmocka_unit_test(dispatch_unknown_path_is_404),
        cmocka_unit_test(dispatch_wrong_method_is_405),
        cmocka_unit_test(command_before_setup_is_404),
        cmocka_unit_test(status_without_token_is_401_with_challenge),
        cmocka_unit_test(decode_path_follows_rfc3986),
        cmocka_unit_test(decode_path_rejects_bad_escapes),
        cmocka_unit_test(query_value_decodes_the_named_pair),
        cmocka_unit_test(ws_close_payload_has_code_first),
        cmocka_unit_test(ws_auth_message_gives_bearer_header),
        cmocka_unit_test(ws_read_message_decides_first_message),
        cmocka_unit_test(ws_auth_timeout_at_the_limit),
        cmocka_unit_test(ws_upgrade_refusal_codes),
        cmocka_unit_test(ws_queue_drops_the_oldest_when_full),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("api_http", tests, NULL, NULL);
}
