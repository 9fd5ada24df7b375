#include "media.h"

#include <stdio.h>
#include <string.h>

void media_note_motion(media_t *media, const char *device_id, uint32_t seq, uint32_t now)
{
    media_motion_link_t *link = &media->links[media->next_link];

    memset(link, 0, sizeof *link);
    snprintf(link->device_id, sizeof link->device_id, "%s", device_id);
    link->motion_seq = seq;
    link->motion_at = now;
    media->next_link = (media->next_link + 1) % MEDIA_MOTION_LINKS_MAX;
}

uint32_t media_link_motion(media_t *media, const char *device_id, uint32_t at, const char *path)
{
    media_motion_link_t *best = NULL;

    for (size_t i = 0; i < MEDIA_MOTION_LINKS_MAX; i++) {
        media_motion_link_t *link = &media->links[i];

        if (link->motion_seq == 0 || link->path[0] != '\0' || strcmp(link->device_id, device_id) != 0 ||
            link->motion_at > at || at - link->motion_at > MEDIA_MOTION_LINK_SEC) {
            continue;
        }
        if (best == NULL || link->motion_seq > best->motion_seq) {
            best = link;
        }
    }
    if (best == NULL) {
        return 0;
    }
    snprintf(best->path, sizeof best->path, "%s", path);
    return best->motion_seq;
}

const char *media_path_for_motion(const media_t *media, const char *device_id, uint32_t seq)
{
    for (size_t i = 0; i < MEDIA_MOTION_LINKS_MAX; i++) {
        const media_motion_link_t *link = &media->links[i];

        if (link->motion_seq == seq && link->path[0] != '\0' && strcmp(link->device_id, device_id) == 0) {
            return link->path;
        }
    }
    return NULL;
}
