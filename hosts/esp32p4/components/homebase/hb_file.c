#include "hb_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void hb_file_sync_folder_of(const char *path)
{
    char folder[HB_FILE_FULL_PATH_LEN];
    const char *slash = strrchr(path, '/');
    int fd;

    if (slash == NULL || (size_t)(slash - path) >= sizeof folder) {
        return;
    }
    memcpy(folder, path, (size_t)(slash - path));
    folder[slash - path] = '\0';

    /* FAT on ESP-IDF cannot open a folder; there the rename is as durable as FatFs makes it. */
    fd = open(folder[0] != '\0' ? folder : "/", O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int write_all(int fd, const uint8_t *cursor, size_t left)
{
    while (left > 0) {
        ssize_t written = write(fd, cursor, left);

        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return -1;
        }
        cursor += written;
        left -= (size_t)written;
    }
    return 0;
}

int hb_file_write_atomic(const char *dir, const char *name, const void *bytes, size_t len)
{
    char path[HB_FILE_PATH_LEN];

    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return hb_file_write_path_atomic(path, bytes, len);
}

int hb_file_write_path_atomic(const char *path, const void *bytes, size_t len)
{
    char temporary[HB_FILE_FULL_PATH_LEN + 4];
    int fd;

    if (snprintf(temporary, sizeof temporary, "%s.tmp", path) >= (int)sizeof temporary) {
        errno = ENAMETOOLONG;
        return -1;
    }

    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return -1;
    }
    if (write_all(fd, bytes, len) != 0 || fsync(fd) != 0) {
        int saved = errno;

        close(fd);
        unlink(temporary);
        errno = saved;
        return -1;
    }
    if (close(fd) != 0 || rename(temporary, path) != 0) {
        int saved = errno;

        unlink(temporary);
        errno = saved;
        return -1;
    }
    hb_file_sync_folder_of(path);
    return 0;
}

int hb_file_move_aside(const char *dir, const char *name, uint32_t unix_time, char aside[HB_FILE_PATH_LEN])
{
    char path[HB_FILE_PATH_LEN];
    int path_len = snprintf(path, sizeof path, "%s/%s", dir, name);
    int aside_len = snprintf(aside, HB_FILE_PATH_LEN, "%s.corrupt-%u", path, (unsigned)unix_time);

    if (path_len < 0 || (size_t)path_len >= sizeof path || aside_len < 0 ||
        (size_t)aside_len >= HB_FILE_PATH_LEN) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (rename(path, aside) != 0) {
        return -1;
    }
    hb_file_sync_folder_of(aside);
    return 0;
}

long hb_file_read(const char *dir, const char *name, void *out, size_t cap)
{
    char path[HB_FILE_PATH_LEN];
    uint8_t extra;
    FILE *file;
    size_t len;

    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        return -1;
    }
    file = fopen(path, "rb");
    if (file == NULL) {
        return -1;
    }
    len = fread(out, 1, cap, file);
    if (len == cap && fread(&extra, 1, 1, file) == 1) {
        fclose(file);
        return -2;
    }
    if (ferror(file)) {
        fclose(file);
        return -1;
    }
    fclose(file);
    return (long)len;
}
