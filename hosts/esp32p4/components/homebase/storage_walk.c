#include "storage_walk.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WALK_PATH_LEN 512

static bool is_dot_entry(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static bool is_temporary(const char *name)
{
    size_t len = strlen(name);

    return len > 4 && strcmp(name + len - 4, ".tmp") == 0;
}

static uint64_t round_to_clusters(uint64_t len, uint32_t cluster_bytes)
{
    uint64_t cluster = cluster_bytes == 0 ? 1 : cluster_bytes;

    return (len + cluster - 1) / cluster * cluster;
}

static uint64_t usage_at_depth(const char *dir, uint32_t cluster_bytes, bool remove_temporary,
                               unsigned depth)
{
    DIR *folder = opendir(dir);
    struct dirent *entry;
    uint64_t total = 0;

    if (folder == NULL) {
        return 0;
    }
    while ((entry = readdir(folder)) != NULL) {
        char path[WALK_PATH_LEN];
        struct stat info;

        if (is_dot_entry(entry->d_name) ||
            snprintf(path, sizeof path, "%s/%s", dir, entry->d_name) >= (int)sizeof path ||
            stat(path, &info) != 0) {
            continue;
        }
        if (S_ISDIR(info.st_mode)) {
            if (depth < STORAGE_WALK_DEPTH_MAX) {
                total += usage_at_depth(path, cluster_bytes, remove_temporary, depth + 1);
            }
        } else if (remove_temporary && is_temporary(entry->d_name)) {
            unlink(path);
        } else {
            total += round_to_clusters((uint64_t)info.st_size, cluster_bytes);
        }
    }
    closedir(folder);
    return total;
}

uint64_t storage_walk_usage(const char *dir, uint32_t cluster_bytes, bool remove_temporary)
{
    return usage_at_depth(dir, cluster_bytes, remove_temporary, 0);
}

/* Writes the smallest entry name of `dir` into `out`; false when the folder is empty or unreadable. */
static bool smallest_entry(const char *dir, char *out, size_t cap)
{
    DIR *folder = opendir(dir);
    struct dirent *entry;
    bool found = false;

    if (folder == NULL) {
        return false;
    }
    while ((entry = readdir(folder)) != NULL) {
        if (is_dot_entry(entry->d_name) || strlen(entry->d_name) >= cap) {
            continue;
        }
        if (!found || strcmp(entry->d_name, out) < 0) {
            strcpy(out, entry->d_name);
            found = true;
        }
    }
    closedir(folder);
    return found;
}

static bool oldest_at_depth(const char *dir, char *out, size_t cap, unsigned depth)
{
    char name[256];
    char path[WALK_PATH_LEN];
    struct stat info;

    /* Each pass either returns or removes one empty folder, so the loop ends. */
    while (smallest_entry(dir, name, sizeof name)) {
        if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
            stat(path, &info) != 0) {
            return false;
        }
        if (!S_ISDIR(info.st_mode)) {
            if (strlen(path) >= cap) {
                return false;
            }
            strcpy(out, path);
            return true;
        }
        if (depth < STORAGE_WALK_DEPTH_MAX && oldest_at_depth(path, out, cap, depth + 1)) {
            return true;
        }
        if (rmdir(path) != 0) {
            /* A folder that is too deep or cannot be removed would be chosen again forever. */
            return false;
        }
    }
    return false;
}

bool storage_walk_oldest(const char *dir, char *out, size_t cap)
{
    return oldest_at_depth(dir, out, cap, 0);
}

size_t storage_walk_entry_count(const char *dir)
{
    DIR *folder = opendir(dir);
    struct dirent *entry;
    size_t count = 0;

    if (folder == NULL) {
        return 0;
    }
    while ((entry = readdir(folder)) != NULL) {
        if (!is_dot_entry(entry->d_name)) {
            count++;
        }
    }
    closedir(folder);
    return count;
}
