/* The home base's wiring of media: chunk frames before the intake (they carry no signature, so
 * frame_accept would reject them), manifests and motion frames through the intake's accepted hook. */
#include "homebase.h"

#include "hb_log.h"

#define FRAME_TYPE_MOTION 0x02
#define FRAME_TYPE_MANIFEST 0x07

static bool take_accepted(void *ctx, size_t len, uint32_t now)
{
    homebase_t *homebase = ctx;
    core_t *core = homebase->core;
    char device_id[CORE_DEVICE_ID_LEN];
    uint32_t type = core_frame_type(core);

    (void)len;
    if (type == FRAME_TYPE_MOTION && core_frame_device_id(core, CORE_OK, device_id)) {
        media_note_motion(homebase->media, device_id, core_frame_seq(core), now);
        return false;
    }
    if (type != FRAME_TYPE_MANIFEST) {
        return false;
    }
    /* A manifest is no log entry: it opens a transfer and is not batched. */
    media_take_manifest(homebase->media, core, now);
    return true;
}

void homebase_attach_media(homebase_t *homebase, media_t *media)
{
    homebase->media = media;
    intake_set_accepted_hook(&homebase->intake, media != NULL ? take_accepted : NULL, homebase);
}

bool homebase_media_frame(homebase_t *homebase, const uint8_t *frame, size_t len, int32_t *status)
{
    uint32_t now = hb_clock_now(homebase->clock);
    int result = MEDIA_OK;

    if (homebase->media == NULL ||
        !media_take_chunk(homebase->media, homebase->core, frame, len, now, &result)) {
        return false;
    }
    *status = result == CORE_ENGINE_FAILED ? CORE_ENGINE_FAILED : CORE_OK;
    if (result < 0 && result != CORE_ENGINE_FAILED) {
        hb_log(HB_LOG_DEBUG, "chunk not used: result=%d", result);
    }
    return true;
}
