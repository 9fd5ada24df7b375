#include "media_post.h"

#include <stdio.h>
#include <string.h>

#include "hb_hex.h"
#include "hb_log.h"

#define FRAME_TYPE_MANIFEST 0x07
#define FRAME_MAX_LEN 250
#define MEDIA_TYPE_MAX 64

static void set_problem(media_post_result_t *out, int http_status, const char *code,
                        const char *detail)
{
    out->http_status = http_status;
    snprintf(out->code, sizeof out->code, "%s", code);
    snprintf(out->detail, sizeof out->detail, "%s", detail);
}

/* The HTTP status of a frame that frame_accept rejected, as POST /api/v1/command maps them. */
static int status_for_frame(int32_t status)
{
    switch (status) {
    case CORE_FRAME_UNKNOWN_DEVICE:
        return 404;
    case CORE_SIGNATURE_INVALID:
    case CORE_SIGNATURE_NONCANONICAL:
        return 401;
    case CORE_FRAME_TIMESTAMP_SKEW:
    case CORE_REPLAY_DUPLICATE:
    case CORE_REPLAY_TOO_OLD:
    case CORE_REPLAY_BELOW_FLOOR:
        return 409;
    case CORE_ENGINE_FAILED:
        return 503;
    default:
        return 400;
    }
}

static void reject_frame(homebase_t *homebase, int32_t status, media_post_result_t *out)
{
    char name[CORE_STATUS_NAME_MAX + 1];

    core_status_name(homebase->core, status, name);
    set_problem(out, status_for_frame(status), name, "the manifest frame was rejected");
}

/* Decodes the header into `frame` and returns its length, or 0 after a problem. Only a manifest
 * may go on to frame_accept, so a captured frame of another type cannot have its seq used up here. */
static size_t decode_manifest(homebase_t *homebase, const char *manifest_hex,
                              uint8_t frame[FRAME_MAX_LEN], media_post_result_t *out)
{
    size_t hex_len = manifest_hex == NULL ? 0 : strnlen(manifest_hex, MEDIA_POST_MANIFEST_HEX_MAX + 1);
    int32_t status;

    if (hex_len == 0 || hex_len > MEDIA_POST_MANIFEST_HEX_MAX || hex_len % 2 != 0 ||
        hb_hex_decode(manifest_hex, frame, hex_len / 2) != 0) {
        set_problem(out, 400, "VALIDATION_FAILED", "X-Mesh-Manifest must be the manifest frame in "
                    "hex, 2 to 500 hex characters");
        return 0;
    }
    status = core_frame_decode(homebase->core, frame, hex_len / 2);
    if (status == CORE_OK && core_frame_type(homebase->core) != FRAME_TYPE_MANIFEST) {
        /* The local API's code for a frame of another type, as POST /api/v1/logs uses it. */
        set_problem(out, 400, "FRAME_KIND_MISMATCH",
                    "X-Mesh-Manifest must be a manifest frame (type 0x07)");
        return 0;
    }
    if (status != CORE_OK) {
        reject_frame(homebase, status, out);
        return 0;
    }
    return hex_len / 2;
}

/* Batches the device_status entry of a device that the manifest brought online. */
static void note_came_online(homebase_t *homebase, uint32_t now)
{
    uint32_t slot = core_frame_slot(homebase->core);

    if (core_frame_came_online(homebase->core) &&
        core_batch_add_status(homebase->core, slot, true, now) == CORE_BATCH_FULL &&
        homebase_seal_for_entry(homebase) == 0) {
        core_batch_add_status(homebase->core, slot, true, now);
    }
}

static void store_body(homebase_t *homebase, const uint8_t *body, size_t body_len, uint32_t now,
                       media_post_result_t *out)
{
    core_t *core = homebase->core;
    char device_id[CORE_DEVICE_ID_LEN];
    char media_type[MEDIA_TYPE_MAX];
    core_manifest_t manifest;
    int result;

    if (!core_frame_device_id(core, CORE_OK, device_id) || !core_manifest_read(core, &manifest) ||
        !core_frame_span(core, manifest.media, (uint8_t *)media_type, sizeof media_type)) {
        set_problem(out, 500, "INTERNAL", "the core failed");
        return;
    }
    result = media_store_whole(homebase->media, device_id, core_frame_seq(core), manifest.size,
                               manifest.sha256, media_type, manifest.media.len, body, body_len, now,
                               &out->stored);
    switch (result) {
    case MEDIA_COMPLETE:
        out->http_status = 201;
        return;
    case MEDIA_TOO_LARGE:
        set_problem(out, 413, "BODY_TOO_LARGE", "the content exceeds the home base's media limit");
        return;
    case MEDIA_SIZE_MISMATCH:
        snprintf(out->detail, sizeof out->detail, "body is %zu bytes but the manifest's size is %u",
                 body_len, (unsigned)manifest.size);
        out->http_status = 400;
        snprintf(out->code, sizeof out->code, "VALIDATION_FAILED");
        return;
    case MEDIA_DIGEST_MISMATCH:
        set_problem(out, 400, "VALIDATION_FAILED", "the body's SHA-256 differs from the manifest's");
        return;
    default:
        set_problem(out, 507, "STORAGE_FULL", "the sd card could not store the content");
        return;
    }
}

void media_post(homebase_t *homebase, const char *manifest_hex, const uint8_t *body,
                size_t body_len, media_post_result_t *out)
{
    uint8_t frame[FRAME_MAX_LEN];
    uint32_t now = hb_clock_now(homebase->clock);
    size_t frame_len;
    int32_t status;

    memset(out, 0, sizeof *out);
    if (homebase->media == NULL) {
        set_problem(out, 503, "STORAGE_FAILED", "the home base runs without an sd card");
        return;
    }
    if (body_len > MEDIA_CONTENT_MAX_BYTES) {
        set_problem(out, 413, "BODY_TOO_LARGE", "the content exceeds the home base's media limit");
        return;
    }
    frame_len = decode_manifest(homebase, manifest_hex, frame, out);
    if (frame_len == 0) {
        return;
    }

    status = core_frame_accept(homebase->core, frame, frame_len, now);
    if (status != CORE_OK) {
        reject_frame(homebase, status, out);
        return;
    }
    /* docs/protocol.md section 10.3: a raised floor is on the card before the content is stored. */
    if (homebase->replay_store != NULL && replay_store_save_if_due(homebase->replay_store, now) != 0) {
        set_problem(out, 503, "STORAGE_FAILED", "replay state could not be written; retry later");
        return;
    }
    store_body(homebase, body, body_len, now, out);
    note_came_online(homebase, now);
}
