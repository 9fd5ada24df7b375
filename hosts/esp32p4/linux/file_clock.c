#include "file_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static uint32_t file_clock_now(void *ctx)
{
    file_clock_t *file_clock = ctx;

    return atomic_load(&file_clock->now_sec);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int file_clock_parse(const char *text, size_t len, uint32_t *out, char reason[FILE_CLOCK_REASON_LEN])
{
    uint64_t value = 0;
    size_t end = len;

    /* Trailing white space is allowed, so `echo 1767225600 > FILE` works; nothing else is. */
    while (end > 0 && is_space(text[end - 1])) {
        end--;
    }
    if (end == 0) {
        snprintf(reason, FILE_CLOCK_REASON_LEN, "is empty; expected Unix seconds as decimal digits");
        return -1;
    }
    for (size_t i = 0; i < end; i++) {
        if (text[i] < '0' || text[i] > '9') {
            snprintf(reason, FILE_CLOCK_REASON_LEN, "contains \"%.*s\"; expected Unix seconds as "
                     "decimal digits", (int)end, text);
            return -1;
        }
        /* Stops growing once past the limit, so a long run of digits cannot overflow. */
        if (value <= UINT32_MAX) {
            value = value * 10 + (uint64_t)(text[i] - '0');
        }
    }
    if (value == 0 || value > UINT32_MAX) {
        snprintf(reason, FILE_CLOCK_REASON_LEN, "value %.*s is outside 1 to %u Unix seconds", (int)end,
                 text, (unsigned)UINT32_MAX);
        return -1;
    }
    *out = (uint32_t)value;
    return 0;
}

/* Reads and parses the whole file. Returns 0 with the seconds in `out`, or -1 with the reason. */
static int read_clock_file(const char *path, uint32_t *out, char error[FILE_CLOCK_ERROR_LEN])
{
    char text[FILE_CLOCK_TEXT_MAX_LEN + 1];
    char reason[FILE_CLOCK_REASON_LEN];
    size_t len = 0;
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        snprintf(error, FILE_CLOCK_ERROR_LEN, "clock file %s not readable: %s", path, strerror(errno));
        return -1;
    }
    /* Up to one byte more than the maximum is read, so a file that is too long can be detected. */
    while (len < sizeof text && (got = read(fd, text + len, sizeof text - len)) != 0) {
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            snprintf(error, FILE_CLOCK_ERROR_LEN, "clock file %s not readable: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        len += (size_t)got;
    }
    close(fd);

    if (len > FILE_CLOCK_TEXT_MAX_LEN) {
        snprintf(error, FILE_CLOCK_ERROR_LEN, "clock file %s is longer than %d bytes; expected Unix "
                 "seconds as decimal digits", path, FILE_CLOCK_TEXT_MAX_LEN);
        return -1;
    }
    if (file_clock_parse(text, len, out, reason) != 0) {
        snprintf(error, FILE_CLOCK_ERROR_LEN, "clock file %s %s", path, reason);
        return -1;
    }
    return 0;
}

int file_clock_open(file_clock_t *file_clock, const char *path, char error[FILE_CLOCK_ERROR_LEN])
{
    uint32_t now = 0;

    memset(file_clock, 0, sizeof *file_clock);
    if (strlen(path) >= sizeof file_clock->path) {
        snprintf(error, FILE_CLOCK_ERROR_LEN, "clock file path is %zu bytes; max %d", strlen(path),
                 FILE_CLOCK_PATH_LEN - 1);
        return -1;
    }
    if (read_clock_file(path, &now, error) != 0) {
        return -1;
    }
    memcpy(file_clock->path, path, strlen(path) + 1);
    atomic_store(&file_clock->now_sec, now);
    file_clock->clock = (hb_clock_t){ .now = file_clock_now, .ctx = file_clock };
    return 0;
}

int file_clock_refresh(file_clock_t *file_clock, char error[FILE_CLOCK_ERROR_LEN])
{
    uint32_t now = 0;

    if (read_clock_file(file_clock->path, &now, error) != 0) {
        return -1;
    }
    atomic_store(&file_clock->now_sec, now);
    return 0;
}
