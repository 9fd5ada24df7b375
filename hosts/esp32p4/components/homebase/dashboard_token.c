#include "dashboard_token.h"

#include <sodium.h>
#include <stdbool.h>
#include <string.h>

static const char s_scheme[] = "Bearer ";

static uint8_t s_sha256[HB_DASHBOARD_TOKEN_SHA256_LEN];
static bool s_is_set;

int hb_dashboard_token_set_sha256(const uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN])
{
    memcpy(s_sha256, sha, sizeof s_sha256);
    s_is_set = true;
    return 0;
}

int hb_dashboard_token_is_set(void)
{
    return s_is_set ? 1 : 0;
}

void hb_dashboard_token_reset(void)
{
    sodium_memzero(s_sha256, sizeof s_sha256);
    s_is_set = false;
}

int hb_dashboard_token_check(const char *authorization_header)
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    const char *token;
    size_t len;

    if (!s_is_set) {
        return HB_DASHBOARD_TOKEN_NOT_SET;
    }
    if (authorization_header == NULL ||
        strncmp(authorization_header, s_scheme, sizeof s_scheme - 1) != 0) {
        return HB_DASHBOARD_TOKEN_MISSING;
    }
    token = authorization_header + sizeof s_scheme - 1;
    len = strnlen(token, HB_DASHBOARD_TOKEN_MAX_LEN + 1);
    if (len == 0 || len > HB_DASHBOARD_TOKEN_MAX_LEN) {
        return HB_DASHBOARD_TOKEN_MISSING;
    }
    crypto_hash_sha256(digest, (const uint8_t *)token, len);
    return sodium_memcmp(digest, s_sha256, sizeof digest) == 0 ? HB_DASHBOARD_TOKEN_OK
                                                              : HB_DASHBOARD_TOKEN_WRONG;
}
