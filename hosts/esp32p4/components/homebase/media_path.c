#include "media_path.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEVICE_ID_MAX 15
#define CONTENT_ID_DIGITS_MAX 10

typedef struct {
    const char *media_type;
    const char *extension;
} media_kind_t;

static const media_kind_t s_kinds[] = {
    { "image/jpeg", "jpg" },
    { "image/png", "png" },
    { "image/gif", "gif" },
    { "image/webp", "webp" },
    { "video/mp4", "mp4" },
    { "application/octet-stream", "bin" },
};

const char *media_extension_for_type(const char *media_type, size_t len)
{
    for (size_t i = 0; i < sizeof s_kinds / sizeof s_kinds[0]; i++) {
        if (strlen(s_kinds[i].media_type) == len && memcmp(s_kinds[i].media_type, media_type, len) == 0) {
            return s_kinds[i].extension;
        }
    }
    return "bin";
}

const char *media_type_for_extension(const char *extension)
{
    for (size_t i = 0; i < sizeof s_kinds / sizeof s_kinds[0]; i++) {
        if (strcmp(s_kinds[i].extension, extension) == 0) {
            return s_kinds[i].media_type;
        }
    }
    return NULL;
}

static bool is_device_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

static bool is_device_id(const char *text, size_t len)
{
    if (len == 0 || len > DEVICE_ID_MAX) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_device_id_char(text[i])) {
            return false;
        }
    }
    return true;
}

bool media_path_format(char out[MEDIA_PATH_LEN], uint32_t received_at, const char *device_id,
                       uint32_t content_id, const char *extension)
{
    time_t seconds = (time_t)received_at;
    struct tm utc;

    if (!is_device_id(device_id, strlen(device_id)) || media_type_for_extension(extension) == NULL ||
        gmtime_r(&seconds, &utc) == NULL) {
        return false;
    }
    return snprintf(out, MEDIA_PATH_LEN, "%04d-%02d/%02d/%02d/%02d%02d-%s-%u.%s", utc.tm_year + 1900,
                    utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, device_id,
                    (unsigned)content_id, extension) < MEDIA_PATH_LEN;
}

/* True when `text` starts with `count` decimal digits whose value lies in [min, max]. */
static bool digits_in_range(const char *text, size_t count, unsigned min, unsigned max)
{
    unsigned value = 0;

    for (size_t i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        value = value * 10 + (unsigned)(text[i] - '0');
    }
    return value >= min && value <= max;
}

/* Checks "YYYY-MM/DD/HH/MMSS-", the 19 characters every path starts with. */
static bool parse_time_prefix(const char *path)
{
    return digits_in_range(path, 4, 1970, 2106) && path[4] == '-' &&
           digits_in_range(path + 5, 2, 1, 12) && path[7] == '/' &&
           digits_in_range(path + 8, 2, 1, 31) && path[10] == '/' &&
           digits_in_range(path + 11, 2, 0, 23) && path[13] == '/' &&
           digits_in_range(path + 14, 2, 0, 59) && digits_in_range(path + 16, 2, 0, 60) &&
           path[18] == '-';
}

/* Checks a content id of 1 to 10 digits without a leading zero that fits a u32. */
static bool is_content_id(const char *text, size_t len)
{
    unsigned long long value = 0;

    if (len == 0 || len > CONTENT_ID_DIGITS_MAX || (len > 1 && text[0] == '0')) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        value = value * 10 + (unsigned long long)(text[i] - '0');
    }
    return value <= 0xffffffffull;
}

bool media_path_parse(const char *path, const char **extension)
{
    size_t len = strnlen(path, MEDIA_PATH_LEN);
    const char *name;
    const char *dot;
    const char *dash;

    if (len >= MEDIA_PATH_LEN || len < 19 || !parse_time_prefix(path)) {
        return false;
    }

    /* The rest is <device id>-<content id>.<ext>; the device id may hold '-' itself, so the last
     * dash before the dot ends it. */
    name = path + 19;
    dot = strchr(name, '.');
    if (dot == NULL || strchr(dot + 1, '.') != NULL || media_type_for_extension(dot + 1) == NULL) {
        return false;
    }
    dash = NULL;
    for (const char *cursor = name; cursor < dot; cursor++) {
        if (*cursor == '-') {
            dash = cursor;
        }
    }
    if (dash == NULL || !is_device_id(name, (size_t)(dash - name)) ||
        !is_content_id(dash + 1, (size_t)(dot - dash - 1))) {
        return false;
    }
    *extension = dot + 1;
    return true;
}
