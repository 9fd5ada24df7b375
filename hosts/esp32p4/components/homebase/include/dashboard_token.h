/* The local dashboard token: reading endpoints of the local API take it as
 * `Authorization: Bearer <token>`. The central server provisions only its SHA-256 (the
 * `set_dashboard_token` config command, docs/protocol.md section 6.2), so the home base never
 * stores the token itself.
 *
 * NOTE: a minimal in-memory version for GET /api/v1/media, with the same functions and results as
 * the local API's token module, which also persists the hash and replaces this file.
 * Callers hold the home base's lock around every call. */
#ifndef DASHBOARD_TOKEN_H
#define DASHBOARD_TOKEN_H

#include <stdint.h>

#define HB_DASHBOARD_TOKEN_SHA256_LEN 32
/* The longest token taken from an Authorization header, in characters. */
#define HB_DASHBOARD_TOKEN_MAX_LEN 128

/* Results of hb_dashboard_token_check. */
#define HB_DASHBOARD_TOKEN_OK 0
/* No token provisioned yet: 503 DASHBOARD_TOKEN_NOT_SET. */
#define HB_DASHBOARD_TOKEN_NOT_SET (-1)
/* No Authorization header, another scheme than Bearer, or an empty or overlong token:
 * 401 AUTH_REQUIRED. */
#define HB_DASHBOARD_TOKEN_MISSING (-2)
/* A bearer token that is not the provisioned one: 401 AUTH_FAILED. */
#define HB_DASHBOARD_TOKEN_WRONG (-3)

/* Checks an Authorization header value (NULL when the request has none). The token's SHA-256 is
 * compared in constant time. Returns one of the HB_DASHBOARD_TOKEN_* results. */
int hb_dashboard_token_check(const char *authorization_header);

/* Stores `sha` as the hash of the only accepted token. Returns 0. */
int hb_dashboard_token_set_sha256(const uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN]);

/* 1 when a token hash is set. */
int hb_dashboard_token_is_set(void);

/* Forgets the hash. */
void hb_dashboard_token_reset(void);

#endif
