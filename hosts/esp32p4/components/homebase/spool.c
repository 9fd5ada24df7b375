#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NEXT_SEQ_FILE "next-seq"
/* A spooled batch is one sealed core batch, at most the core's 64 KiB batch buffer. */
#define SPOOL_FILE_MAX_BYTES (64 * 1024)

static void batch_path(const spool_t *spool, uint32_t seq, char out[SPOOL_PATH_LEN + 32])
{
    snprintf(out, SPOOL_PATH_LEN + 32, "%s/batch-%u.json", spool->dir, (unsigned)seq);
}

int spool_open(spool_t *spool, const char *dir, char *error)
{
    struct stat info;

    if (strlen(dir) >= SPOOL_PATH_LEN) {
        snprintf(error, SPOOL_ERROR_LEN, "spool path is longer than %d characters",
                 SPOOL_PATH_LEN - 1);
        return -1;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(error, SPOOL_ERROR_LEN, "cannot create spool folder %s: %s", dir, strerror(errno));
        return -1;
    }
    if (stat(dir, &info) != 0 || !S_ISDIR(info.st_mode)) {
        snprintf(error, SPOOL_ERROR_LEN, "spool path %s is not a folder", dir);
        return -1;
    }
    strcpy(spool->dir, dir);
    return 0;
}

/* Flushes the folder itself, so the rename survives a power cut. Some file systems (FAT on
 * ESP-IDF) cannot open a folder; the rename is then as durable as that file system makes it. */
static void sync_dir(const spool_t *spool)
{
    int fd = open(spool->dir, O_RDONLY);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Writes `len` bytes to `path` through a temporary file, fsync and rename. */
static int write_durably(const spool_t *spool, const char *path, const void *bytes, size_t len)
{
    char temporary[SPOOL_PATH_LEN + 40];
    const uint8_t *cursor = bytes;
    size_t left = len;
    int fd;

    snprintf(temporary, sizeof temporary, "%s.tmp", path);
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return -1;
    }

    while (left > 0) {
        ssize_t written = write(fd, cursor, left);

        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            close(fd);
            unlink(temporary);
            return -1;
        }
        cursor += written;
        left -= (size_t)written;
    }

    if (fsync(fd) != 0 || close(fd) != 0 || rename(temporary, path) != 0) {
        unlink(temporary);
        return -1;
    }
    sync_dir(spool);
    return 0;
}

int spool_write(spool_t *spool, uint32_t seq, const char *json, size_t len, char *error)
{
    char path[SPOOL_PATH_LEN + 32];

    batch_path(spool, seq, path);
    if (write_durably(spool, path, json, len) != 0) {
        snprintf(error, SPOOL_ERROR_LEN, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int spool_read(spool_t *spool, uint32_t seq, char **json, size_t *len)
{
    char path[SPOOL_PATH_LEN + 32];
    FILE *file;
    char *buffer;
    size_t read_len;

    batch_path(spool, seq, path);
    file = fopen(path, "rb");
    if (file == NULL) {
        return -1;
    }
    buffer = malloc(SPOOL_FILE_MAX_BYTES + 1);
    if (buffer == NULL) {
        fclose(file);
        return -1;
    }

    read_len = fread(buffer, 1, SPOOL_FILE_MAX_BYTES + 1, file);
    fclose(file);
    if (read_len > SPOOL_FILE_MAX_BYTES) {
        free(buffer);
        return -1;
    }
    buffer[read_len] = '\0';
    *json = buffer;
    *len = read_len;
    return 0;
}

int spool_remove(spool_t *spool, uint32_t seq)
{
    char path[SPOOL_PATH_LEN + 32];

    batch_path(spool, seq, path);
    if (unlink(path) != 0) {
        return -1;
    }
    sync_dir(spool);
    return 0;
}

int spool_set_aside(spool_t *spool, uint32_t seq)
{
    char path[SPOOL_PATH_LEN + 32];
    char aside[SPOOL_PATH_LEN + 48];

    batch_path(spool, seq, path);
    snprintf(aside, sizeof aside, "%s/rejected-batch-%u.json", spool->dir, (unsigned)seq);
    if (rename(path, aside) != 0) {
        return -1;
    }
    sync_dir(spool);
    return 0;
}

/* Parses "batch-<seq>.json" with a decimal seq of at most 10 digits and no leading zeros. */
static bool parse_batch_name(const char *name, uint32_t *seq)
{
    static const char prefix[] = "batch-";
    static const char suffix[] = ".json";
    size_t len = strlen(name);
    size_t digits = len - (sizeof prefix - 1) - (sizeof suffix - 1);
    uint64_t value = 0;

    if (len <= sizeof prefix - 1 + sizeof suffix - 1 || strncmp(name, prefix, sizeof prefix - 1) != 0 ||
        strcmp(name + len - (sizeof suffix - 1), suffix) != 0 || digits > 10) {
        return false;
    }
    for (size_t i = 0; i < digits; i++) {
        char c = name[sizeof prefix - 1 + i];

        if (c < '0' || c > '9' || (i == 0 && c == '0' && digits > 1)) {
            return false;
        }
        value = value * 10 + (uint64_t)(c - '0');
    }
    if (value > UINT32_MAX) {
        return false;
    }
    *seq = (uint32_t)value;
    return true;
}

static int compare_seq(const void *a, const void *b)
{
    uint32_t left = *(const uint32_t *)a;
    uint32_t right = *(const uint32_t *)b;

    return left < right ? -1 : left > right;
}

size_t spool_list(spool_t *spool, uint32_t *seqs, size_t cap)
{
    DIR *dir = opendir(spool->dir);
    struct dirent *entry;
    size_t count = 0;

    if (dir == NULL) {
        return 0;
    }
    while ((entry = readdir(dir)) != NULL) {
        uint32_t seq;

        if (!parse_batch_name(entry->d_name, &seq)) {
            continue;
        }
        if (count < cap) {
            seqs[count] = seq;
        }
        count++;
    }
    closedir(dir);

    qsort(seqs, count < cap ? count : cap, sizeof seqs[0], compare_seq);
    return count;
}

uint32_t spool_load_next_seq(spool_t *spool)
{
    char path[SPOOL_PATH_LEN + 32];
    FILE *file;
    unsigned long stored = 0;
    uint32_t next_seq;
    DIR *dir;
    struct dirent *entry;

    snprintf(path, sizeof path, "%s/%s", spool->dir, NEXT_SEQ_FILE);
    file = fopen(path, "r");
    if (file != NULL) {
        if (fscanf(file, "%lu", &stored) != 1 || stored > UINT32_MAX) {
            stored = 0;
        }
        fclose(file);
    }
    next_seq = (uint32_t)stored;

    /* A crash between writing a batch and storing the next seq leaves the batch as the record. */
    dir = opendir(spool->dir);
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        uint32_t seq;

        if (parse_batch_name(entry->d_name, &seq) && seq != UINT32_MAX && seq + 1 > next_seq) {
            next_seq = seq + 1;
        }
    }
    if (dir != NULL) {
        closedir(dir);
    }
    return next_seq;
}

int spool_store_next_seq(spool_t *spool, uint32_t next_seq)
{
    char path[SPOOL_PATH_LEN + 32];
    char text[16];
    int len = snprintf(text, sizeof text, "%u\n", (unsigned)next_seq);

    snprintf(path, sizeof path, "%s/%s", spool->dir, NEXT_SEQ_FILE);
    return write_durably(spool, path, text, (size_t)len);
}
