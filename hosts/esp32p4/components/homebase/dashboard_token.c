#include "dashboard_token.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BEARER_PREFIX "Bearer "
#define BEARER_PREFIX_LEN 7
#define BASE64_SHA256_LEN 44

static struct {
    bool set;
    uint8_t sha256[HB_DASHBOARD_TOKEN_SHA256_LEN];
    char path[HB_DASHBOARD_TOKEN_PATH_LEN];
} s_token;

/* token68 of RFC 7235 section 2.1: the characters a bearer token may have (RFC 6750 section 2.1). */
static bool is_token68_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

/* Returns the token's length, or 0 when `token` is not 1 to HB_DASHBOARD_TOKEN_MAX_LEN token68
 * characters (trailing '=' padding allowed) up to the end of the string. */
static size_t token_length(const char *token)
{
    size_t len = 0;

    while (len <= HB_DASHBOARD_TOKEN_MAX_LEN && is_token68_char(token[len])) {
        len++;
    }
    if (len == 0) {
        return 0;
    }
    while (len <= HB_DASHBOARD_TOKEN_MAX_LEN && token[len] == '=') {
        len++;
    }
    return len <= HB_DASHBOARD_TOKEN_MAX_LEN && token[len] == '\0' ? len : 0;
}

int hb_dashboard_token_check(const char *authorization_header)
{
    uint8_t digest[HB_DASHBOARD_TOKEN_SHA256_LEN];
    const char *token;
    size_t len;
    int equal;

    if (!s_token.set) {
        return HB_DASHBOARD_TOKEN_NOT_SET;
    }

    /* The scheme name is case-insensitive (RFC 7235 section 2.1). */
    if (authorization_header == NULL ||
        strncasecmp(authorization_header, BEARER_PREFIX, BEARER_PREFIX_LEN) != 0) {
        return HB_DASHBOARD_TOKEN_MISSING;
    }
    token = authorization_header + BEARER_PREFIX_LEN;
    len = token_length(token);
    if (len == 0) {
        return HB_DASHBOARD_TOKEN_MISSING;
    }

    /* Hashing first gives a fixed-length comparison, whatever the token's length. */
    crypto_hash_sha256(digest, (const unsigned char *)token, len);
    equal = sodium_memcmp(digest, s_token.sha256, sizeof digest) == 0;
    sodium_memzero(digest, sizeof digest);
    return equal ? HB_DASHBOARD_TOKEN_OK : HB_DASHBOARD_TOKEN_WRONG;
}

/* Writes the state file through a temporary file, fsync and rename, so a power cut leaves either
 * the old hash or the new one. */
static int write_state(const char *path, const uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN])
{
    char text[BASE64_SHA256_LEN + 2];
    char temporary[HB_DASHBOARD_TOKEN_PATH_LEN + 8];
    size_t len;
    int fd;
    bool written;

    sodium_bin2base64(text, BASE64_SHA256_LEN + 1, sha, HB_DASHBOARD_TOKEN_SHA256_LEN,
                      sodium_base64_VARIANT_ORIGINAL);
    strcat(text, "\n");
    len = strlen(text);

    snprintf(temporary, sizeof temporary, "%s.tmp", path);
    fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        return -1;
    }
    written = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    if (close(fd) != 0 || !written || rename(temporary, path) != 0) {
        unlink(temporary);
        return -1;
    }
    return 0;
}

int hb_dashboard_token_set_sha256(const uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN])
{
    if (s_token.path[0] != '\0' && write_state(s_token.path, sha) != 0) {
        return -1;
    }
    memcpy(s_token.sha256, sha, HB_DASHBOARD_TOKEN_SHA256_LEN);
    s_token.set = true;
    return 0;
}

/* Reads exactly HB_DASHBOARD_TOKEN_FILE_LEN bytes: canonical base64 of 32 bytes and a newline. */
static int read_state(const char *path, uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN])
{
    char text[HB_DASHBOARD_TOKEN_FILE_LEN + 2];
    size_t decoded_len = 0;
    FILE *file = fopen(path, "rb");
    size_t len;

    if (file == NULL) {
        return errno == ENOENT ? 1 : -1;
    }
    len = fread(text, 1, sizeof text, file);
    fclose(file);
    if (len != HB_DASHBOARD_TOKEN_FILE_LEN || text[BASE64_SHA256_LEN] != '\n') {
        return -1;
    }
    text[BASE64_SHA256_LEN] = '\0';
    if (sodium_base642bin(sha, HB_DASHBOARD_TOKEN_SHA256_LEN, text, BASE64_SHA256_LEN, NULL,
                          &decoded_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        decoded_len != HB_DASHBOARD_TOKEN_SHA256_LEN) {
        return -1;
    }
    return 0;
}

int hb_dashboard_token_open(const char *path)
{
    uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN];
    int result;

    hb_dashboard_token_reset();
    if (strlen(path) >= HB_DASHBOARD_TOKEN_PATH_LEN) {
        return -1;
    }
    strcpy(s_token.path, path);

    result = read_state(path, sha);
    if (result == 0) {
        memcpy(s_token.sha256, sha, sizeof sha);
        s_token.set = true;
    }
    return result < 0 ? -1 : 0;
}

int hb_dashboard_token_is_set(void)
{
    return s_token.set ? 1 : 0;
}

void hb_dashboard_token_reset(void)
{
    sodium_memzero(&s_token, sizeof s_token);
}
