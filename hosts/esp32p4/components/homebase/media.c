#include "media.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_log.h"

void media_init(media_t *media, storage_t *storage)
{
    memset(media, 0, sizeof *media);
    media->storage = storage;
}

void media_set_stored_callback(media_t *media, media_stored_fn on_stored, void *ctx)
{
    media->on_stored = on_stored;
    media->on_stored_ctx = ctx;
}

static void close_transfer(media_transfer_t *transfer)
{
    free(transfer->data);
    free(transfer->written);
    memset(transfer, 0, sizeof *transfer);
}

void media_free(media_t *media)
{
    for (size_t i = 0; i < MEDIA_TRANSFERS_MAX; i++) {
        close_transfer(&media->transfers[i]);
    }
}

size_t media_open_count(const media_t *media)
{
    size_t count = 0;

    for (size_t i = 0; i < MEDIA_TRANSFERS_MAX; i++) {
        count += media->transfers[i].data != NULL;
    }
    return count;
}

/* A free slot, or the slot of the transfer opened first, which is dropped. */
static media_transfer_t *take_slot(media_t *media)
{
    media_transfer_t *oldest = &media->transfers[0];

    for (size_t i = 0; i < MEDIA_TRANSFERS_MAX; i++) {
        media_transfer_t *transfer = &media->transfers[i];

        if (transfer->data == NULL) {
            return transfer;
        }
        if (transfer->received_at < oldest->received_at) {
            oldest = transfer;
        }
    }
    hb_log(HB_LOG_WARN, "media transfer dropped for a newer one: device=%s content=%u "
           "bytes_written=%u of %u", oldest->device_id, (unsigned)oldest->content_id,
           (unsigned)oldest->written_count, (unsigned)oldest->size);
    media->transfers_dropped++;
    close_transfer(oldest);
    return oldest;
}

int media_open(media_t *media, const char *device_id, uint32_t content_id, uint32_t size,
               const uint8_t sha256[CORE_SHA256_LEN], const char *media_type, size_t media_type_len,
               uint32_t now)
{
    media_transfer_t *transfer;

    if (size == 0 || size > MEDIA_CONTENT_MAX_BYTES || strlen(device_id) >= CORE_DEVICE_ID_LEN) {
        hb_log(HB_LOG_WARN, "media refused: device=%s content=%u size=%u exceeds max %u bytes",
               device_id, (unsigned)content_id, (unsigned)size, MEDIA_CONTENT_MAX_BYTES);
        media->contents_refused++;
        return MEDIA_TOO_LARGE;
    }

    transfer = take_slot(media);
    transfer->data = malloc(size);
    transfer->written = calloc((size + 7) / 8, 1);
    if (transfer->data == NULL || transfer->written == NULL) {
        close_transfer(transfer);
        hb_log(HB_LOG_ERROR, "media refused: device=%s content=%u out of memory for %u bytes",
               device_id, (unsigned)content_id, (unsigned)size);
        return MEDIA_NO_MEMORY;
    }
    strcpy(transfer->device_id, device_id);
    transfer->content_id = content_id;
    transfer->size = size;
    memcpy(transfer->sha256, sha256, CORE_SHA256_LEN);
    snprintf(transfer->extension, sizeof transfer->extension, "%s",
             media_extension_for_type(media_type, media_type_len));
    transfer->received_at = now;
    transfer->last_chunk_at = now;
    media->transfers_opened++;
    return MEDIA_OK;
}

static media_transfer_t *find_transfer(media_t *media, const char *device_id, uint32_t content_id)
{
    for (size_t i = 0; i < MEDIA_TRANSFERS_MAX; i++) {
        media_transfer_t *transfer = &media->transfers[i];

        if (transfer->data != NULL && transfer->content_id == content_id &&
            strcmp(transfer->device_id, device_id) == 0) {
            return transfer;
        }
    }
    return NULL;
}

/* Writes the chunk's bytes and counts each byte the first time it is written. */
static void write_range(media_transfer_t *transfer, uint32_t offset, const uint8_t *data, size_t len)
{
    memcpy(transfer->data + offset, data, len);
    for (uint32_t i = offset; i < offset + len; i++) {
        uint8_t bit = (uint8_t)(1u << (i % 8));

        if ((transfer->written[i / 8] & bit) == 0) {
            transfer->written[i / 8] |= bit;
            transfer->written_count++;
        }
    }
}

/* Checks the digest and stores the content under its path; fills `stored`. */
static int finish(media_t *media, const char *device_id, uint32_t content_id,
                  const uint8_t sha256[CORE_SHA256_LEN], const char *extension, uint32_t received_at,
                  const uint8_t *content, size_t len, media_stored_t *stored)
{
    uint8_t digest[crypto_hash_sha256_BYTES];
    char error[STORAGE_ERROR_LEN];
    media_stored_t result = { .content_id = content_id, .size = (uint32_t)len };
    int written;

    crypto_hash_sha256(digest, content, len);
    if (sodium_memcmp(digest, sha256, sizeof digest) != 0) {
        media->digest_mismatches++;
        hb_log(HB_LOG_WARN, "media discarded: device=%s content=%u reason=sha256_mismatch bytes=%zu",
               device_id, (unsigned)content_id, len);
        return MEDIA_DIGEST_MISMATCH;
    }

    snprintf(result.device_id, sizeof result.device_id, "%s", device_id);
    if (!media_path_format(result.path, received_at, device_id, content_id, extension)) {
        media->contents_refused++;
        return MEDIA_NOT_STORED;
    }
    written = storage_write(media->storage, STORAGE_AREA_MEDIA, result.path, content, len, false, error);
    if (written != STORAGE_OK) {
        media->contents_refused++;
        hb_log(HB_LOG_ERROR, "media not stored: device=%s content=%u error=%s", device_id,
               (unsigned)content_id, error);
        return MEDIA_NOT_STORED;
    }

    media->contents_stored++;
    result.motion_seq = media_link_motion(media, device_id, received_at, result.path);
    hb_log(HB_LOG_INFO, "media stored: device=%s content=%u bytes=%zu motion_seq=%u path=%s",
           device_id, (unsigned)content_id, len, (unsigned)result.motion_seq, result.path);
    if (stored != NULL) {
        *stored = result;
    }
    if (media->on_stored != NULL) {
        media->on_stored(media->on_stored_ctx, &result);
    }
    return MEDIA_COMPLETE;
}

int media_chunk(media_t *media, const char *device_id, uint32_t content_id, uint32_t offset,
                uint32_t total, const uint8_t *data, size_t len, uint32_t now, media_stored_t *stored)
{
    media_transfer_t *transfer = find_transfer(media, device_id, content_id);
    int result;

    if (transfer == NULL) {
        media->chunks_dropped++;
        return MEDIA_NO_TRANSFER;
    }
    /* Rule 2 of section 1.7; the core already checked offset + len <= total. */
    if (total != transfer->size || (uint64_t)offset + len > transfer->size) {
        media->chunks_dropped++;
        return MEDIA_TOTAL_MISMATCH;
    }

    write_range(transfer, offset, data, len);
    transfer->last_chunk_at = now;
    if (transfer->written_count < transfer->size) {
        return MEDIA_OK;
    }

    result = finish(media, transfer->device_id, transfer->content_id, transfer->sha256,
                    transfer->extension, transfer->received_at, transfer->data, transfer->size,
                    stored);
    close_transfer(transfer);
    return result;
}

size_t media_expire(media_t *media, uint32_t now)
{
    size_t expired = 0;

    for (size_t i = 0; i < MEDIA_TRANSFERS_MAX; i++) {
        media_transfer_t *transfer = &media->transfers[i];

        if (transfer->data == NULL || now - transfer->last_chunk_at < MEDIA_IDLE_TIMEOUT_SEC) {
            continue;
        }
        hb_log(HB_LOG_WARN, "media transfer timed out: device=%s content=%u bytes_written=%u of %u "
               "idle_sec=%u", transfer->device_id, (unsigned)transfer->content_id,
               (unsigned)transfer->written_count, (unsigned)transfer->size,
               (unsigned)(now - transfer->last_chunk_at));
        close_transfer(transfer);
        media->transfers_expired++;
        expired++;
    }
    return expired;
}

int media_store_whole(media_t *media, const char *device_id, uint32_t content_id, uint32_t size,
                      const uint8_t sha256[CORE_SHA256_LEN], const char *media_type,
                      size_t media_type_len, const uint8_t *content, size_t len, uint32_t now,
                      media_stored_t *stored)
{
    if (size > MEDIA_CONTENT_MAX_BYTES || len > MEDIA_CONTENT_MAX_BYTES) {
        media->contents_refused++;
        return MEDIA_TOO_LARGE;
    }
    if (len != size) {
        media->contents_refused++;
        return MEDIA_SIZE_MISMATCH;
    }
    return finish(media, device_id, content_id, sha256,
                  media_extension_for_type(media_type, media_type_len), now, content, len, stored);
}
