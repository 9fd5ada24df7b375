/* The local dashboard token (docs/protocol.md section 6.2, `set_dashboard_token`).
 *
 * The central server provisions the token with a signed config command that carries only its
 * SHA-256, so the home base never stores the token itself. Every reading endpoint of the local API
 * passes the request's Authorization header to hb_dashboard_token_check.
 *
 * The module keeps one process-wide hash. Callers hold the home base's lock (the one the main loop
 * and the HTTP handlers share) around every call, so a check never reads a hash half written. */
#ifndef DASHBOARD_TOKEN_H
#define DASHBOARD_TOKEN_H

#include <stdint.h>

#define HB_DASHBOARD_TOKEN_SHA256_LEN 32
/* The longest token taken from an Authorization header, in characters. A token of 32 random bytes
 * in base64url is 43 characters, so the bound leaves room for longer ones. */
#define HB_DASHBOARD_TOKEN_MAX_LEN 128
/* The state file's length: 44 base64 characters of the SHA-256 and a newline. */
#define HB_DASHBOARD_TOKEN_FILE_LEN 45
#define HB_DASHBOARD_TOKEN_PATH_LEN 300

/* Results of hb_dashboard_token_check. */
#define HB_DASHBOARD_TOKEN_OK 0
/* No token provisioned yet: the API responds 503 DASHBOARD_TOKEN_NOT_SET. */
#define HB_DASHBOARD_TOKEN_NOT_SET (-1)
/* No Authorization header, another scheme than Bearer, or a token of a form no issuer makes:
 * 401 AUTH_REQUIRED. */
#define HB_DASHBOARD_TOKEN_MISSING (-2)
/* A well-formed bearer token that is not the provisioned one: 401 AUTH_FAILED. */
#define HB_DASHBOARD_TOKEN_WRONG (-3)

/* Checks an Authorization header value (NULL when the request has none) against the stored hash.
 * The token's SHA-256 is compared in constant time (libsodium's sodium_memcmp). Returns one of the
 * HB_DASHBOARD_TOKEN_* results above. */
int hb_dashboard_token_check(const char *authorization_header);

/* Stores `sha` as the hash of the only accepted token. When a state path is set it first writes the
 * file (temporary file, fsync, rename), and on a write failure returns -1 and keeps the old hash.
 * Returns 0 on success. */
int hb_dashboard_token_set_sha256(const uint8_t sha[HB_DASHBOARD_TOKEN_SHA256_LEN]);

/* Sets where the hash is persisted and loads it from there. A missing file leaves no token set and
 * returns 0. Returns -1 when the path is too long or the file exists but is not a state file
 * (then no token is set, so the API responds 503 until the central server provisions one again). */
int hb_dashboard_token_open(const char *path);

/* 1 when a token hash is set. */
int hb_dashboard_token_is_set(void);

/* Forgets the hash in memory and the state path (the file stays). For tests and shutdown. */
void hb_dashboard_token_reset(void);

#endif
