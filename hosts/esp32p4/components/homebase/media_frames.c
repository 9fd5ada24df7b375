/* The core's side of media: chunk and manifest frames described by the core's getters, so the C
 * never reads a frame's bytes itself. */
#include "media.h"

#define FRAME_TYPE_MANIFEST 0x07
#define FRAME_TYPE_CHUNK 0x08
/* docs/protocol.md section 1.7: at most 211 bytes of data in a chunk, 64 characters of media type. */
#define CHUNK_DATA_MAX 211
#define MEDIA_TYPE_MAX 64

bool media_take_chunk(media_t *media, core_t *core, const uint8_t *frame, size_t len, uint32_t now,
                      int *result)
{
    char device_id[CORE_DEVICE_ID_LEN];
    uint8_t data[CHUNK_DATA_MAX];
    core_chunk_t chunk;

    /* A frame that fails decode goes to the intake, which rejects and counts it. */
    if (core_frame_decode(core, frame, len) != CORE_OK || core_frame_type(core) != FRAME_TYPE_CHUNK) {
        return false;
    }
    if (!core_frame_device_id(core, CORE_OK, device_id) || !core_chunk_read(core, &chunk) ||
        !core_frame_span(core, chunk.data, data, sizeof data)) {
        *result = CORE_ENGINE_FAILED;
        return true;
    }
    *result = media_chunk(media, device_id, chunk.content, chunk.offset, chunk.total, data,
                          chunk.data.len, now, NULL);
    return true;
}

int media_take_manifest(media_t *media, core_t *core, uint32_t now)
{
    char device_id[CORE_DEVICE_ID_LEN];
    char media_type[MEDIA_TYPE_MAX];
    core_manifest_t manifest;

    if (core_frame_type(core) != FRAME_TYPE_MANIFEST || !core_frame_device_id(core, CORE_OK, device_id) ||
        !core_manifest_read(core, &manifest) || manifest.sha256_len != CORE_SHA256_LEN ||
        !core_frame_span(core, manifest.media, (uint8_t *)media_type, sizeof media_type)) {
        return CORE_ENGINE_FAILED;
    }
    return media_open(media, device_id, core_frame_seq(core), manifest.size, manifest.sha256,
                      media_type, manifest.media.len, now);
}
