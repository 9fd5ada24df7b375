#include "http_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hb_log.h"

#define HOST_MAX_LEN 256
#define PORT_MAX_LEN 6
#define REQUEST_HEAD_MAX_LEN 2048
#define STATUS_LINE_MAX_LEN 256

typedef struct {
    char host[HOST_MAX_LEN];
    char port[PORT_MAX_LEN];
    const char *target;
} http_url_t;

/* Splits http://host[:port][/target]. Returns 0, or -1 for another scheme or a malformed URL. */
static int parse_url(const char *url, http_url_t *out)
{
    static const char scheme[] = "http://";
    const char *authority = url + sizeof scheme - 1;
    const char *target;
    const char *colon;
    size_t host_len;

    if (strncmp(url, scheme, sizeof scheme - 1) != 0) {
        return -1;
    }
    target = strchr(authority, '/');
    out->target = target != NULL ? target : "/";
    if (target == NULL) {
        target = authority + strlen(authority);
    }

    colon = memchr(authority, ':', (size_t)(target - authority));
    host_len = (size_t)((colon != NULL ? colon : target) - authority);
    if (host_len == 0 || host_len >= HOST_MAX_LEN) {
        return -1;
    }
    memcpy(out->host, authority, host_len);
    out->host[host_len] = '\0';

    if (colon == NULL) {
        strcpy(out->port, "80");
        return 0;
    }
    if ((size_t)(target - colon - 1) == 0 || (size_t)(target - colon - 1) >= PORT_MAX_LEN) {
        return -1;
    }
    memcpy(out->port, colon + 1, (size_t)(target - colon - 1));
    out->port[target - colon - 1] = '\0';
    return 0;
}

static int wait_for(int fd, short events)
{
    struct pollfd entry = { .fd = fd, .events = events };
    int ready;

    do {
        ready = poll(&entry, 1, HTTP_CLIENT_TIMEOUT_MS);
    } while (ready < 0 && errno == EINTR);
    return ready == 1 ? 0 : -1;
}

/* Connects without blocking longer than the timeout. Returns the socket, or -1. */
static int connect_to(const http_url_t *url)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *found = NULL;
    int fd = -1;

    if (getaddrinfo(url->host, url->port, &hints, &found) != 0) {
        return -1;
    }
    fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        int connect_error = 0;
        socklen_t error_len = sizeof connect_error;

        if (errno != EINPROGRESS || wait_for(fd, POLLOUT) != 0 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &connect_error, &error_len) != 0 ||
            connect_error != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(found);
    return fd;
}

static int send_all(int fd, const char *bytes, size_t len)
{
    while (len > 0) {
        ssize_t sent;

        if (wait_for(fd, POLLOUT) != 0) {
            return -1;
        }
        sent = send(fd, bytes, len, MSG_NOSIGNAL);
        if (sent < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (sent <= 0) {
            return -1;
        }
        bytes += sent;
        len -= (size_t)sent;
    }
    return 0;
}

/* Reads the status line into *http_status. The rest of the response is drained and ignored,
 * because the home base acts on the status alone. */
static int read_status(int fd, int *http_status)
{
    char line[STATUS_LINE_MAX_LEN];
    size_t len = 0;
    char drain[1024];
    int major;
    int minor;

    while (len + 1 < sizeof line && memchr(line, '\n', len) == NULL) {
        ssize_t received;

        if (wait_for(fd, POLLIN) != 0) {
            return -1;
        }
        received = recv(fd, line + len, sizeof line - 1 - len, 0);
        if (received < 0 && (errno == EAGAIN || errno == EINTR)) {
            continue;
        }
        if (received <= 0) {
            break;
        }
        len += (size_t)received;
    }
    line[len] = '\0';
    if (sscanf(line, "HTTP/%d.%d %3d", &major, &minor, http_status) != 3) {
        return -1;
    }

    while (wait_for(fd, POLLIN) == 0 && recv(fd, drain, sizeof drain, 0) > 0) {
    }
    return 0;
}

static int format_head(char *head, const http_url_t *url, const uplink_header_t *headers,
                       size_t header_count, size_t body_len)
{
    int len = snprintf(head, REQUEST_HEAD_MAX_LEN,
                       "POST %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n"
                       "Content-Length: %zu\r\n", url->target, url->host, url->port, body_len);

    for (size_t i = 0; i < header_count && len > 0 && len < REQUEST_HEAD_MAX_LEN; i++) {
        len += snprintf(head + len, REQUEST_HEAD_MAX_LEN - (size_t)len, "%s: %s\r\n",
                        headers[i].name, headers[i].value);
    }
    if (len > 0 && len < REQUEST_HEAD_MAX_LEN) {
        len += snprintf(head + len, REQUEST_HEAD_MAX_LEN - (size_t)len, "\r\n");
    }
    return len > 0 && len < REQUEST_HEAD_MAX_LEN ? len : -1;
}

int http_client_post(void *ctx, const char *url, const uplink_header_t *headers,
                     size_t header_count, const char *body, size_t body_len, int *http_status)
{
    http_url_t parsed;
    char head[REQUEST_HEAD_MAX_LEN];
    int head_len;
    int fd;
    int result;

    (void)ctx;
    if (parse_url(url, &parsed) != 0) {
        hb_log(HB_LOG_ERROR, "http post failed: url %s is not http://host[:port][/path] "
               "(https is not supported)", url);
        return -1;
    }
    head_len = format_head(head, &parsed, headers, header_count, body_len);
    if (head_len < 0) {
        return -1;
    }

    fd = connect_to(&parsed);
    if (fd < 0) {
        return -1;
    }
    result = send_all(fd, head, (size_t)head_len);
    if (result == 0) {
        result = send_all(fd, body, body_len);
    }
    if (result == 0) {
        result = read_status(fd, http_status);
    }
    close(fd);
    return result;
}
