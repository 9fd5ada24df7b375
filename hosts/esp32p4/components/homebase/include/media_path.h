/* Names of stored media (docs/sd-layout.md, Media):
 * `YYYY-MM/DD/HH/MMSS-<device id>-<content id>.<ext>` inside the card's media folder, in UTC of the
 * home base's clock when the content's manifest arrived. The date and time lead, so the smallest
 * path is the oldest file and eviction needs no index; and each folder level holds a bounded number
 * of entries (months, at most 31 days, 24 hours). The same string is the {path} of
 * GET /api/v1/media/{path}. */
#ifndef MEDIA_PATH_H
#define MEDIA_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "2026-12/04/22/1530-" (19), a device id (15), "-", a content id (10), ".", an extension (4), NUL. */
#define MEDIA_PATH_LEN 52
#define MEDIA_EXTENSION_LEN 5

/* The file extension for a media type: jpg, png, gif, webp, mp4, or bin for any other type. */
const char *media_extension_for_type(const char *media_type, size_t len);

/* The media type for an extension of media_extension_for_type ("application/octet-stream" for bin),
 * or NULL for an extension it never gives. */
const char *media_type_for_extension(const char *extension);

/* Writes the path of a stored content into `out`. Returns false for a device id that breaks the
 * rule of docs/protocol.md section 1 or an unknown extension. */
bool media_path_format(char out[MEDIA_PATH_LEN], uint32_t received_at, const char *device_id,
                       uint32_t content_id, const char *extension);

/* True only for a string media_path_format can write: every character is checked against that
 * form, so no "..", "%2e", absolute path or other folder can pass. On true, `extension` points into
 * `path` at the extension. */
bool media_path_parse(const char *path, const char **extension);

#endif
