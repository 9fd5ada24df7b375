/* The SD card and media in GET /api/v1/status: usage against the capacity, the full-card warning
 * and the media counters, so the dashboard can show a card that is filling up. */
#ifndef MEDIA_STATUS_H
#define MEDIA_STATUS_H

#include <cJSON.h>

#include "media.h"

/* Builds the "storage" member of the status: {"sd_card": {...}, "media": {...}}. Returns NULL when
 * out of memory. */
cJSON *media_status_render(const media_t *media);

#endif
