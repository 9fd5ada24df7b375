/* The Linux ports on 127.0.0.1: civetweb's local API and the plain-socket uplink client. Ports come
 * from test_local_port, so parallel runs rarely meet. */
#include "support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_api.h"
#include "http_client.h"

#define RESPONSE_MAX 8192

/* Sends `request` and reads the whole response (the server closes the connection). */
static void exchange(uint16_t port, const char *request, char *response)
{
    int fd = test_connect_local(port);
    size_t len = 0;
    ssize_t received;

    assert_int_equal(send(fd, request, strlen(request), 0), (ssize_t)strlen(request));
    while (len + 1 < RESPONSE_MAX && (received = recv(fd, response + len, RESPONSE_MAX - 1 - len, 0)) > 0) {
        len += (size_t)received;
    }
    response[len] = '\0';
    close(fd);
}

static void api_serves_status_and_devices(void **state)
{
    test_home_t *home = *state;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    uint16_t port = test_local_port(1);
    http_api_t *api = http_api_start("127.0.0.1", port, &home->homebase, &lock);
    static char response[RESPONSE_MAX];

    assert_non_null(api);
    test_set_dashboard_token();
    exchange(port, "GET /api/v1/status HTTP/1.1\r\nHost: x\r\n" TEST_AUTHORIZATION "Connection: close\r\n\r\n", response);
    assert_memory_equal(response, "HTTP/1.1 200 OK", 15);
    assert_non_null(strstr(response, "Content-Type: application/json"));
    assert_non_null(strstr(response, "\"home_base_id\":\"" TEST_HOME_BASE_ID "\""));

    exchange(port, "GET /api/v1/devices HTTP/1.1\r\nHost: x\r\n" TEST_AUTHORIZATION "Connection: close\r\n\r\n", response);
    assert_memory_equal(response, "HTTP/1.1 200 OK", 15);
    assert_non_null(strstr(response, "{\"items\":[{\"device_id\":\"porch-cam\""));

    exchange(port, "POST /api/v1/status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n", response);
    assert_memory_equal(response, "HTTP/1.1 405", 12);
    assert_non_null(strstr(response, "\r\nAllow: GET\r\n"));

    /* RFC 9110 section 9.3.2: no content in a response to HEAD, so the head ends the response. */
    exchange(port, "HEAD /api/v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", response);
    assert_memory_equal(response, "HTTP/1.1 405", 12);
    assert_non_null(strstr(response, "\r\nAllow: GET\r\n"));
    assert_null(strstr(response, "Content-Length"));
    assert_non_null(strstr(response, "\r\n\r\n"));
    assert_string_equal(strstr(response, "\r\n\r\n"), "\r\n\r\n");

    exchange(port, "GET /api/v1/logs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", response);
    assert_memory_equal(response, "HTTP/1.1 405", 12);
    assert_non_null(strstr(response, "\r\nAllow: POST\r\n"));

    /* civetweb 1.15 rejects a Content-Length that is not a non-negative integer before any handler
     * runs. Its http_error callback (http_api.c) turns that 411 into the problem the P4 sends. */
    exchange(port, "POST /api/v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: -1\r\nConnection: close\r\n\r\n", response);
    assert_memory_equal(response, "HTTP/1.1 400", 12);
    assert_non_null(strstr(response, "\"code\":\"BAD_REQUEST\""));

    exchange(port, "GET /api/v1/status/extra HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
             response);
    assert_memory_equal(response, "HTTP/1.1 404", 12);
    http_api_stop(api);
}

/* Regression: requests civetweb cannot parse got its plain-text 400 instead of a problem. */
static void unparsable_requests_get_problem(void **state)
{
    static const char *const bad_requests[] = {
        "BREW / HTTP/1.1\r\nHost: x\r\n\r\n",
        "TRACE / HTTP/1.1\r\nHost: x\r\n\r\n",
        "get /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /healthz\r\n\r\n",
    };
    static char response[RESPONSE_MAX];
    static char long_head[HTTP_API_MAX_HEAD_LEN + 200];
    test_home_t *home = *state;
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    uint16_t port = test_local_port(4);
    http_api_t *api = http_api_start("127.0.0.1", port, &home->homebase, &lock);

    assert_non_null(api);
    for (size_t i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++) {
        exchange(port, bad_requests[i], response);
        if (strncmp(response, "HTTP/1.1 400", 12) != 0 ||
            strstr(response, "Content-Type: application/problem+json") == NULL ||
            strstr(response, "\"code\":\"BAD_REQUEST\"") == NULL) {
            fail_msg("request %zu got: %.80s", i, response);
        }
    }

    /* A head over max_request_size (docs/homebase-api.yaml's bounds). */
    snprintf(long_head, sizeof long_head, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: %0*d\r\n\r\n",
             HTTP_API_MAX_HEAD_LEN, 0);
    exchange(port, long_head, response);
    assert_memory_equal(response, "HTTP/1.1 400", 12);
    assert_non_null(strstr(response, "\"code\":\"BAD_REQUEST\""));

    /* These keep civetweb's own response, as the bounds table says: a plain-text 505, and a closed
     * connection without a byte. */
    exchange(port, "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", response);
    assert_non_null(strstr(response, " 505 "));
    exchange(port, "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", response);
    assert_string_equal(response, "");
    snprintf(long_head, sizeof long_head, "GET http://127.0.0.1:%u/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
             (unsigned)port);
    exchange(port, long_head, response);
    assert_string_equal(response, "");
    http_api_stop(api);
}

typedef struct {
    int listen_fd;
    char request[RESPONSE_MAX];
} fake_central_t;

/* Accepts one connection, reads until the body named by Content-Length is in, responds 200. */
static void *serve_one(void *arg)
{
    fake_central_t *central = arg;
    int fd = accept(central->listen_fd, NULL, NULL);
    size_t len = 0;
    const char answer[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";

    while (fd >= 0 && len + 1 < sizeof central->request) {
        ssize_t received = recv(fd, central->request + len, sizeof central->request - 1 - len, 0);
        const char *end;
        unsigned long body_len;

        if (received <= 0) {
            break;
        }
        len += (size_t)received;
        central->request[len] = '\0';
        end = strstr(central->request, "\r\n\r\n");
        if (end != NULL && sscanf(strstr(central->request, "Content-Length: ") + 16, "%lu", &body_len) == 1 &&
            len >= (size_t)(end + 4 - central->request) + body_len) {
            break;
        }
    }
    if (fd >= 0) {
        send(fd, answer, sizeof answer - 1, 0);
        close(fd);
    }
    return NULL;
}

static int listen_local(uint16_t port)
{
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int reuse = 1;

    assert_true(fd >= 0);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse);
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    assert_int_equal(bind(fd, (struct sockaddr *)&address, sizeof address), 0);
    assert_int_equal(listen(fd, 1), 0);
    return fd;
}

static void client_posts_signed_batch(void **state)
{
    test_home_t *home = *state;
    static fake_central_t central;
    uint16_t port = test_local_port(2);
    uplink_transport_t transport = { .post = http_client_post, .ctx = NULL };
    pthread_t thread;
    const char body[] = "{\"batch_seq\":3}";
    int http_status = 0;

    snprintf(home->registry.central_url, sizeof home->registry.central_url, "http://127.0.0.1:%u",
             (unsigned)port);
    assert_int_equal(uplink_init(&home->uplink, &home->core, &home->registry, &home->clock, transport), 0);
    central.listen_fd = listen_local(port);
    assert_int_equal(pthread_create(&thread, NULL, serve_one, &central), 0);

    assert_int_equal(uplink_post_batch(&home->uplink, body, strlen(body), &http_status), 0);
    pthread_join(thread, NULL);
    close(central.listen_fd);

    assert_int_equal(http_status, 200);
    assert_memory_equal(central.request, "POST /logs/ingest HTTP/1.1\r\n", 28);
    assert_non_null(strstr(central.request, "X-Mesh-Key-Id: " TEST_NETWORK_ID "/" TEST_HOME_BASE_ID "\r\n"));
    assert_non_null(strstr(central.request, "X-Mesh-Timestamp: 1764871200\r\n"));
    assert_non_null(strstr(central.request, "X-Mesh-Nonce: "));
    assert_non_null(strstr(central.request, "X-Mesh-Signature: "));
    assert_non_null(strstr(central.request, "Content-Length: 15\r\n"));
    assert_string_equal(strstr(central.request, "\r\n\r\n") + 4, body);
}

static void client_reports_refused_connection(void **state)
{
    uint16_t port = test_local_port(3);
    int http_status = 0;
    char url[64];

    (void)state;
    snprintf(url, sizeof url, "http://127.0.0.1:%u/logs/ingest", (unsigned)port);
    assert_int_equal(http_client_post(NULL, url, NULL, 0, "{}", 2, &http_status), -1);
    assert_int_equal(http_client_post(NULL, "https://127.0.0.1/logs/ingest", NULL, 0, "{}", 2,
                                      &http_status), -1);
}

#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, test_home_setup, test_home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        HOME_TEST(api_serves_status_and_devices),
        HOME_TEST(unparsable_requests_get_problem),
        HOME_TEST(client_posts_signed_batch),
        cmocka_unit_test(client_reports_refused_connection),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
