/* The local dashboard token: reading endpoints of the local API take it as
 * `Authorization: Bearer <token>`. The central server provisions only its SHA-256 (the
 * `set_dashboard_token` config command, docs/protocol.md section 6.2), so the home base never
 * stores the token itself.
 *
 * NOTE: a minimal version for GET /api/v1/media; the local API's own token module replaces it. */
#ifndef DASHBOARD_TOKEN_H
#define DASHBOARD_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

/* The longest token accepted, in characters. */
#define HB_DASHBOARD_TOKEN_MAX_LEN 256

/* Sets the SHA-256 of the token that from now on is the only one accepted. */
void hb_dashboard_token_set_sha256(const uint8_t sha256[32]);

/* Forgets the token: every check fails until one is set again. */
void hb_dashboard_token_clear(void);

/* True when `header` (the Authorization header's value, or NULL when absent) is "Bearer " and a
 * token whose SHA-256 equals the provisioned one. Compares in constant time. */
bool hb_dashboard_token_check(const char *header);

#endif
