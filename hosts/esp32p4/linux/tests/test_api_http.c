/* The portable HTTP layer (api_http.h, api_ws_protocol.h) without an HTTP server: a fake binding
 * records what a handler sends. Percent-encoding cases follow RFC 3986 section 2.1, and the close
 * payloads RFC 6455 section 5.5.1 (the code in network order, 4401 = 0x11 0x31). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_http.h"
#include "api_ws_protocol.h"
#include "dashboard_token.h"

typedef struct {
    const char *authorization;
    const char *content_type;
    const char *body;
    size_t body_at;
    /* With a pause, each read waits this long and returns one byte, as a client that trickles. */
    int trickle_pause_ms;
    unsigned reads;
    int status;
    api_response_head_t head;
    char sent[1024];
} fake_binding_t;

static const char *fake_header(void *binding, const char *name)
{
    fake_binding_t *fake = binding;

    if (strcmp(name, "Content-Type") == 0) {
        return fake->content_type;
    }
    return strcmp(name, "Authorization") == 0 ? fake->authorization : NULL;
}

static int fake_read(void *binding, void *bytes, size_t cap)
{
    fake_binding_t *fake = binding;
    size_t left = strlen(fake->body) - fake->body_at;
    size_t len = left < cap ? left : cap;

    fake->reads++;
    if (fake->trickle_pause_ms > 0) {
        struct timespec pause = { .tv_nsec = (long)fake->trickle_pause_ms * 1000000 };

        nanosleep(&pause, NULL);
        len = len > 0 ? 1 : 0;
    }
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

/* Sends `method` `target` (a path, and a query after '?') through api_http_dispatch with the body
 * deadline `deadline_ms` (0: the default) and returns the status the handler sent. The context has
 * no home base, so only requests rejected before the handler uses it can be sent. */
static int dispatch_with(fake_binding_t *fake, const char *method, const char *target,
                         long long content_length, uint32_t deadline_ms)
{
    api_context_t context = { .lock = { .acquire = no_lock, .release = no_lock },
                              .body_deadline_ms = deadline_ms };
    char path[256];
    const char *query = strchr(target, '?');
    api_request_t request = { .method = method, .path = path, .content_length = content_length,
                              .header = fake_header, .read = fake_read, .binding = fake,
                              .query = query != NULL ? query + 1 : NULL };
    api_responder_t responder = { .send = fake_send, .binding = fake };
    int returned;

    snprintf(path, sizeof path, "%.*s", (int)(query != NULL ? query - target : (long)strlen(target)), target);
    if (fake->body == NULL) {
        fake->body = "";
    }
    returned = api_http_dispatch(&context, &request, &responder);
    assert_int_equal(returned, fake->status);
    return returned;
}

static int dispatch(fake_binding_t *fake, const char *method, const char *target)
{
    return dispatch_with(fake, method, target, -1, 0);
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

/* RFC 9110 section 15.5.6: a 405 response carries Allow with the methods the path takes. */
static void method_not_allowed_lists_allow(void **state)
{
    static const struct {
        const char *method;
        const char *path;
        const char *allow;
    } cases[] = {
        { "DELETE", "/healthz", "GET" },
        { "HEAD", "/api/v1/status", "GET" },
        { "PUT", "/api/v1/media/x", "GET" },
        { "GET", "/api/v1/media", "POST" },
        { "GET", "/api/v1/logs", "POST" },
        { "POST", "/api/v1/oled.png", "GET" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_binding_t fake = { 0 };

        assert_int_equal(dispatch(&fake, cases[i].method, cases[i].path), 405);
        assert_non_null(fake.head.allow);
        assert_string_equal(fake.head.allow, cases[i].allow);
        assert_non_null(strstr(fake.sent, "\"code\":\"METHOD_NOT_ALLOWED\""));
    }
}

/* Regression: a client that declared 16000 bytes and sent one byte per read kept its reader busy for
 * as long as it trickled, because each read returned within its own timeout. */
static void trickled_body_times_out_with_408(void **state)
{
    static char body[16001];
    fake_binding_t fake = { .content_type = "application/json", .trickle_pause_ms = 20 };

    (void)state;
    memset(body, ' ', sizeof body - 1);
    fake.body = body;
    assert_int_equal(dispatch_with(&fake, "POST", "/api/v1/logs", sizeof body - 1, 200), 408);
    assert_string_equal(fake.head.content_type, "application/problem+json");
    assert_non_null(strstr(fake.sent, "\"code\":\"REQUEST_TIMEOUT\""));
    assert_non_null(strstr(fake.sent, "within 200 ms"));
    /* About 200 / 20 reads, far from the 16000 the whole body would take. */
    assert_in_range(fake.reads, 5, 40);
}

static void body_within_deadline_is_read(void **state)
{
    static const char body[] = "{\"entries\":[]}";
    fake_binding_t fake = { .content_type = "application/json", .trickle_pause_ms = 1, .body = body };

    (void)state;
    /* The body arrives whole, so the handler parses it: an empty entries array is 400. */
    assert_int_equal(dispatch_with(&fake, "POST", "/api/v1/logs", sizeof body - 1, 1000), 400);
    assert_non_null(strstr(fake.sent, "\"code\":\"VALIDATION_FAILED\""));
    assert_int_equal(fake.body_at, sizeof body - 1);
}

/* The scale is an integer from 1 to 8 (docs/homebase-api.yaml). Regression: values too long for the
 * parameter buffer, such as 4294967297 (2^32 + 1), were served at the default scale. */
static void oled_scale_outside_1_to_8_is_400(void **state)
{
    static const char *const targets[] = {
        "/api/v1/oled.png?scale=9", "/api/v1/oled.png?scale=100", "/api/v1/oled.png?scale=0",
        "/api/v1/oled.png?scale=99999999999", "/api/v1/oled.png?scale=4294967297",
        "/api/v1/oled.png?scale=00000000004", "/api/v1/oled.png?scale=", "/api/v1/oled.png?scale",
        "/api/v1/oled.png?scale=-1", "/api/v1/oled.png?scale=+4", "/api/v1/oled.png?scale=%204",
        "/api/v1/oled.png?scale=4x", "/api/v1/oled.png?scale=0x4", "/api/v1/oled.png?scale=%zz",
        "/api/v1/oled.png?scale=4%00",
    };

    (void)state;
    test_set_dashboard_token();
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        fake_binding_t fake = { .authorization = "Bearer " TEST_DASHBOARD_TOKEN };

        if (dispatch(&fake, "GET", targets[i]) != 400) {
            fail_msg("%s got %d, not 400", targets[i], fake.status);
        }
        assert_non_null(strstr(fake.sent, "\"code\":\"VALIDATION_FAILED\""));
    }
    hb_dashboard_token_reset();
}

/* cJSON keeps both members of one name, and its look-ups see the first. */
static void logs_duplicate_member_is_bad_json(void **state)
{
    static const char *const bodies[] = {
        "{\"entries\":[{\"frame\":\"00\"}],\"entries\":[]}",
        "{\"entries\":[{\"frame\":\"00\",\"frame\":\"01\"}]}",
        "{\"entries\":[{\"frame\":\"00\"}],\"\\u0065ntries\":[]}",
    };

    (void)state;
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        fake_binding_t fake = { .content_type = "application/json", .body = bodies[i] };

        assert_int_equal(dispatch_with(&fake, "POST", "/api/v1/logs", (long long)strlen(bodies[i]), 0), 400);
        assert_non_null(strstr(fake.sent, "\"code\":\"BAD_JSON\""));
        assert_non_null(strstr(fake.sent, "two members of the same name"));
    }
}

static void logs_frame_not_hex_rejected(void **state)
{
    static const char body[] = "{\"entries\":[{\"frame\":\"zz\"}]}";
    fake_binding_t fake = { .content_type = "application/json", .body = body };

    (void)state;
    assert_int_equal(dispatch_with(&fake, "POST", "/api/v1/logs", sizeof body - 1, 0), 400);
    assert_non_null(strstr(fake.sent, "\"code\":\"VALIDATION_FAILED\""));
    assert_non_null(strstr(fake.sent, "entries[0].frame contains characters that are not hex"));
}

/* Routes match the path as sent on every binding, so an escape never reaches a route. */
static void encoded_paths_match_no_route(void **state)
{
    static const char *const paths[] = {
        "/api/v1/stat%75s", "/healthz%00", "/%68ealthz", "/api/v1/media%2Fx",
    };

    (void)state;
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        fake_binding_t fake = { 0 };

        assert_int_equal(dispatch(&fake, "GET", paths[i]), 404);
        assert_non_null(strstr(fake.sent, "\"code\":\"NOT_FOUND\""));
    }
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

static void query_value_decodes_the_named_pair(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(api_http_query_value("a=1&scale=%32", "scale", out, sizeof out), API_QUERY_FOUND);
    assert_string_equal(out, "2");
    assert_int_equal(api_http_query_value("x=a+b%7E", "x", out, sizeof out), API_QUERY_FOUND);
    assert_string_equal(out, "a b~");
    assert_int_equal(api_http_query_value("scalex=2&xscale=3", "scale", out, sizeof out), API_QUERY_ABSENT);
    assert_int_equal(api_http_query_value(NULL, "scale", out, sizeof out), API_QUERY_ABSENT);
}

static void query_value_rejects_malformed_values(void **state)
{
    char out[8];

    (void)state;
    assert_int_equal(api_http_query_value("scale=123456789", "scale", out, sizeof out), API_QUERY_INVALID);
    assert_int_equal(api_http_query_value("scale=%2", "scale", out, sizeof out), API_QUERY_INVALID);
    assert_int_equal(api_http_query_value("scale=%zz", "scale", out, sizeof out), API_QUERY_INVALID);
    assert_int_equal(api_http_query_value("scale=a%00b", "scale", out, sizeof out), API_QUERY_INVALID);
    assert_int_equal(api_http_query_value("a=1&scale", "scale", out, sizeof out), API_QUERY_INVALID);
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

static void ws_upgrade_rejection_codes(void **state)
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

/* Two waiting clients (opened at 30 and 10) and two authenticated ones fill the four slots. */
static void fill_slots_two_waiting(api_ws_slot_t slots[API_WS_MAX_CLIENTS])
{
    slots[0] = (api_ws_slot_t){ .used = true, .authenticated = true, .opened_ms = 5 };
    slots[1] = (api_ws_slot_t){ .used = true, .authenticated = false, .opened_ms = 30 };
    slots[2] = (api_ws_slot_t){ .used = true, .authenticated = false, .opened_ms = 10 };
    slots[3] = (api_ws_slot_t){ .used = true, .authenticated = true, .opened_ms = 1 };
}

static void ws_third_tokenless_client_rejected(void **state)
{
    api_ws_slot_t slots[API_WS_MAX_CLIENTS];
    bool evict = true;

    (void)state;
    fill_slots_two_waiting(slots);
    slots[3].used = false;

    /* A free slot, but two clients already wait for their auth message. */
    assert_int_equal(api_ws_choose_slot(slots, false, &evict), -1);
    assert_false(evict);

    /* With one waiting, the free slot is taken. */
    slots[1].used = false;
    assert_int_equal(api_ws_choose_slot(slots, false, &evict), 1);
    assert_false(evict);
}

static void ws_client_with_token_evicts_the_oldest_waiting(void **state)
{
    api_ws_slot_t slots[API_WS_MAX_CLIENTS];
    bool evict = false;

    (void)state;
    fill_slots_two_waiting(slots);
    assert_int_equal(api_ws_choose_slot(slots, true, &evict), 2);
    assert_true(evict);

    /* A client without the token never evicts, even when slots are full. */
    assert_int_equal(api_ws_choose_slot(slots, false, &evict), -1);
    assert_false(evict);

    /* Every slot authenticated: 503 for the token holder too. */
    slots[1].authenticated = true;
    slots[2].authenticated = true;
    assert_int_equal(api_ws_choose_slot(slots, true, &evict), -1);
    assert_false(evict);
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
        cmocka_unit_test(method_not_allowed_lists_allow),
        cmocka_unit_test(trickled_body_times_out_with_408),
        cmocka_unit_test(body_within_deadline_is_read),
        cmocka_unit_test(oled_scale_outside_1_to_8_is_400),
        cmocka_unit_test(logs_duplicate_member_is_bad_json),
        cmocka_unit_test(logs_frame_not_hex_rejected),
        cmocka_unit_test(encoded_paths_match_no_route),
        cmocka_unit_test(command_before_setup_is_404),
        cmocka_unit_test(status_without_token_is_401_with_challenge),
        cmocka_unit_test(query_value_decodes_the_named_pair),
        cmocka_unit_test(query_value_rejects_malformed_values),
        cmocka_unit_test(ws_close_payload_has_code_first),
        cmocka_unit_test(ws_auth_message_gives_bearer_header),
        cmocka_unit_test(ws_read_message_decides_first_message),
        cmocka_unit_test(ws_third_tokenless_client_rejected),
        cmocka_unit_test(ws_client_with_token_evicts_the_oldest_waiting),
        cmocka_unit_test(ws_auth_timeout_at_the_limit),
        cmocka_unit_test(ws_upgrade_rejection_codes),
        cmocka_unit_test(ws_queue_drops_the_oldest_when_full),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("api_http", tests, NULL, NULL);
}
