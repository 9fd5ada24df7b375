#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */

#include "link_tty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int make_raw(int fd)
{
    struct termios settings;

    if (tcgetattr(fd, &settings) != 0) {
        return -1;
    }
    cfmakeraw(&settings);
    return tcsetattr(fd, TCSANOW, &settings);
}

static void close_keeping_errno(int fd)
{
    int saved = errno;

    close(fd);
    errno = saved;
}

int link_tty_open(const char *path)
{
    int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        return -1;
    }
    if (make_raw(fd) != 0) {
        close_keeping_errno(fd);
        return -1;
    }
    return fd;
}

int link_pty_create(char path[LINK_TTY_PATH_MAX], int *slave_fd)
{
    int master_fd = posix_openpt(O_RDWR | O_NOCTTY);
    const char *name;

    if (master_fd < 0) {
        return -1;
    }
    if (grantpt(master_fd) != 0 || unlockpt(master_fd) != 0 || (name = ptsname(master_fd)) == NULL ||
        strlen(name) >= LINK_TTY_PATH_MAX) {
        close_keeping_errno(master_fd);
        return -1;
    }
    snprintf(path, LINK_TTY_PATH_MAX, "%s", name);

    /* Raw mode on the terminal side too: with the default echo, bytes the co-processor writes
     * before the home base opens the terminal would come straight back to it. */
    *slave_fd = link_tty_open(path);
    if (*slave_fd < 0 || make_raw(master_fd) != 0 ||
        fcntl(master_fd, F_SETFL, fcntl(master_fd, F_GETFL) | O_NONBLOCK) != 0 ||
        fcntl(master_fd, F_SETFD, FD_CLOEXEC) != 0) {
        if (*slave_fd >= 0) {
            close(*slave_fd);
        }
        close_keeping_errno(master_fd);
        return -1;
    }
    return master_fd;
}

int link_tty_write(void *ctx, const uint8_t *bytes, size_t len)
{
    int fd = *(const int *)ctx;
    size_t written = 0;

    while (written < len) {
        ssize_t result = write(fd, bytes + written, len - written);
        struct pollfd entry = { .fd = fd, .events = POLLOUT };

        if (result > 0) {
            written += (size_t)result;
            continue;
        }
        if (result < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return -1;
        }
        if (poll(&entry, 1, LINK_TTY_WRITE_TIMEOUT_MS) <= 0) {
            return -1;
        }
    }
    return 0;
}
