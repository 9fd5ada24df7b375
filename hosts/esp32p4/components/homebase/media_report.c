#include "media_report.h"

#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "hb_log.h"

/* 64 reports of at most about 110 bytes each. */
#define REPORT_FILE_MAX_BYTES (16 * 1024)

static cJSON *render_report(const void *entry_ptr)
{
    const media_report_entry_t *entry = entry_ptr;
    cJSON *item = cJSON_CreateObject();

    if (item == NULL) {
        return NULL;
    }
    cJSON_AddStringToObject(item, "device_id", entry->device_id);
    cJSON_AddNumberToObject(item, "seq", entry->seq);
    cJSON_AddStringToObject(item, "path", entry->path);
    return item;
}

/* Takes only a report of the form media_report_add writes, so a damaged file cannot send a path
 * the central server would reject. */
static bool parse_report(const cJSON *item, void *entry_ptr)
{
    media_report_entry_t *entry = entry_ptr;
    const cJSON *device_id = cJSON_GetObjectItemCaseSensitive(item, "device_id");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(item, "seq");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(item, "path");
    const char *extension;

    if (!cJSON_IsString(device_id) || strlen(device_id->valuestring) >= sizeof entry->device_id ||
        !cJSON_IsNumber(seq) || seq->valuedouble < 1 || seq->valuedouble > UINT32_MAX ||
        !cJSON_IsString(path) || strlen(path->valuestring) >= sizeof entry->path ||
        !media_path_parse(path->valuestring, &extension)) {
        return false;
    }
    strcpy(entry->device_id, device_id->valuestring);
    entry->seq = (uint32_t)seq->valuedouble;
    strcpy(entry->path, path->valuestring);
    return true;
}

static const outbox_kind_t s_report_kind = {
    .name = "media reports",
    .file = MEDIA_REPORT_FILE,
    .path = MEDIA_REPORT_PATH,
    .member = "media",
    .file_max_bytes = REPORT_FILE_MAX_BYTES,
    .render = render_report,
    .parse = parse_report,
};

int media_report_init(media_report_t *report, uplink_t *uplink, const hb_clock_t *clock,
                      const char *dir)
{
    memset(report, 0, sizeof *report);
    return outbox_init(&report->outbox, &s_report_kind, uplink, clock, dir, report->entries,
                       sizeof report->entries[0], MEDIA_REPORT_MAX);
}

int media_report_add(media_report_t *report, const char *device_id, uint32_t seq, const char *path)
{
    media_report_entry_t *entry = outbox_reserve(&report->outbox);

    snprintf(entry->device_id, sizeof entry->device_id, "%s", device_id);
    entry->seq = seq;
    snprintf(entry->path, sizeof entry->path, "%s", path);
    return outbox_commit(&report->outbox);
}

void media_report_on_stored(void *ctx, const media_stored_t *stored)
{
    if (stored->motion_seq == 0) {
        return;
    }
    if (media_report_add(ctx, stored->device_id, stored->motion_seq, stored->path) != 0) {
        hb_log(HB_LOG_WARN, "media report kept in memory only: device=%s seq=%u path=%s",
               stored->device_id, (unsigned)stored->motion_seq, stored->path);
    }
}

int media_report_flush(media_report_t *report)
{
    return outbox_flush(&report->outbox, NULL);
}
