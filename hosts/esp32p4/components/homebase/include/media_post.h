/* POST /api/v1/media without the HTTP: an IP device's image with its signed manifest frame
 * (docs/protocol.md section 1.8). The manifest goes through the core's frame_accept, as a manifest
 * from the radio does, then the body is checked against its size and SHA-256 and stored. */
#ifndef MEDIA_POST_H
#define MEDIA_POST_H

#include <stddef.h>
#include <stdint.h>

#include "homebase.h"

/* The manifest frame in hex: at most the 250-byte frame limit. */
#define MEDIA_POST_MANIFEST_HEX_MAX 500
#define MEDIA_POST_DETAIL_LEN 160

typedef struct {
    /* 201 when stored; otherwise the problem's status. */
    int http_status;
    /* The problem's code ("" on success): a frame status of the core, or one of the local API's. */
    char code[CORE_STATUS_NAME_MAX + 1];
    char detail[MEDIA_POST_DETAIL_LEN];
    media_stored_t stored;
} media_post_result_t;

/* Takes one posted content. `manifest_hex` is the X-Mesh-Manifest header (NULL when absent).
 * Fills `out`; never fails otherwise. The caller holds the home base's lock. */
void media_post(homebase_t *homebase, const char *manifest_hex, const uint8_t *body,
                size_t body_len, media_post_result_t *out);

#endif
