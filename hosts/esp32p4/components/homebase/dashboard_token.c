#include "dashboard_token.h"

#include <sodium.h>
#include <string.h>

static const char s_scheme[] = "Bearer ";

static uint8_t s_sha256[crypto_hash_sha256_BYTES];
static bool s_is_set;

void hb_dashboard_token_set_sha256(const uint8_t sha256[32])
{
    memcpy(s_sha256, sha256, sizeof s_sha256);
    s_is_set = true;
}

void hb_dashboard_token_clear(void)
{
    sodium_memzero(s_sha256, sizeof s_sha256);
    s_is_set = false;
}

bool hb_dashboard_token_check(const char *header)
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    const char *token;
    size_t len;

    if (!s_is_set || header == NULL || strncmp(header, s_scheme, sizeof s_scheme - 1) != 0) {
        return false;
    }
    token = header + sizeof s_scheme - 1;
    len = strnlen(token, HB_DASHBOARD_TOKEN_MAX_LEN + 1);
    if (len == 0 || len > HB_DASHBOARD_TOKEN_MAX_LEN) {
        return false;
    }
    crypto_hash_sha256(digest, (const uint8_t *)token, len);
    return sodium_memcmp(digest, s_sha256, sizeof digest) == 0;
}
