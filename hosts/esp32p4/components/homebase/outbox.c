#include "outbox.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hb_file.h"
#include "hb_log.h"

#define HTTP_OK 200
#define HTTP_BAD_REQUEST 400

void *outbox_entry(const outbox_t *outbox, size_t index)
{
    return index < outbox->count ? outbox->entries + index * outbox->entry_size : NULL;
}

static cJSON *render_entries(const outbox_t *outbox)
{
    cJSON *array = cJSON_CreateArray();

    for (size_t i = 0; array != NULL && i < outbox->count; i++) {
        cJSON *item = outbox->kind->render(outbox_entry(outbox, i));

        if (item == NULL) {
            cJSON_Delete(array);
            return NULL;
        }
        cJSON_AddItemToArray(array, item);
    }
    return array;
}

static int save(const outbox_t *outbox)
{
    cJSON *array = render_entries(outbox);
    char *text = cJSON_PrintUnformatted(array);
    int result;

    cJSON_Delete(array);
    if (text == NULL) {
        errno = ENOMEM;
        return -1;
    }
    result = hb_file_write_atomic(outbox->dir, outbox->kind->file, text, strlen(text));
    free(text);
    return result;
}

static int save_logged(const outbox_t *outbox)
{
    if (save(outbox) != 0) {
        hb_log(HB_LOG_ERROR, "%s not written to %s/%s: %s", outbox->kind->name, outbox->dir,
               outbox->kind->file, strerror(errno));
        return -1;
    }
    return 0;
}

/* Moves a malformed outbox file aside, so the home base starts with the entries that parsed, often
 * none: losing the others is better than not starting. Returns 0, or -1 when the file cannot be
 * moved. */
static int move_aside_malformed(outbox_t *outbox, const char *why)
{
    char aside[HB_FILE_PATH_LEN];

    if (hb_file_move_aside(outbox->dir, outbox->kind->file, hb_clock_now(outbox->clock), aside) != 0) {
        hb_log(HB_LOG_ERROR, "%s: %s/%s is %s and could not be moved aside: %s", outbox->kind->name,
               outbox->dir, outbox->kind->file, why, strerror(errno));
        return -1;
    }
    outbox->files_set_aside++;
    hb_log(HB_LOG_ERROR, "%s: %s/%s is %s; moved to %s, starting with %zu entries (the others are "
           "not sent)", outbox->kind->name, outbox->dir, outbox->kind->file, why, aside,
           outbox->count);
    return 0;
}

/* True when only JSON whitespace lies between `end` and `limit`. */
static bool only_whitespace(const char *end, const char *limit)
{
    for (; end < limit; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
            return false;
        }
    }
    return true;
}

/* Moves aside a file whose array parsed but held entries that did not, or bytes after the array,
 * and writes the entries that parsed back, so they are still sent. Returns 0, or -1 when the file
 * cannot be moved. */
static int move_aside_damaged(outbox_t *outbox, size_t skipped, bool trailing)
{
    char why[96];

    snprintf(why, sizeof why, "damaged (%zu entries skipped%s)", skipped,
             trailing ? ", bytes after the array" : "");
    if (move_aside_malformed(outbox, why) != 0) {
        return -1;
    }
    if (outbox->count > 0) {
        save_logged(outbox);
    }
    return 0;
}

static int load(outbox_t *outbox)
{
    size_t cap = outbox->kind->file_max_bytes;
    char *text = malloc(cap + 1);
    const char *end = NULL;
    const cJSON *item;
    cJSON *array;
    size_t skipped = 0;
    bool trailing;
    long len;

    if (text == NULL) {
        return -1;
    }
    len = hb_file_read(outbox->dir, outbox->kind->file, text, cap);
    if (len == -2) {
        free(text);
        return move_aside_malformed(outbox, "longer than its max size");
    }
    if (len < 0) {
        free(text);
        return errno == ENOENT ? 0 : -1;
    }
    text[len] = '\0';

    /* The length is given, so a NUL inside the file ends nothing: bytes after the array, NUL or
     * not, are found below. */
    array = cJSON_ParseWithLengthOpts(text, (size_t)len, &end, false);
    trailing = array != NULL && !only_whitespace(end, text + len);
    free(text);
    if (!cJSON_IsArray(array)) {
        cJSON_Delete(array);
        return move_aside_malformed(outbox, "not a JSON array");
    }

    /* The outbox never saves more than its capacity, so entries past it are counted as skipped. */
    cJSON_ArrayForEach(item, array) {
        void *entry = outbox->entries + outbox->count * outbox->entry_size;

        if (outbox->count >= outbox->capacity) {
            skipped++;
            continue;
        }
        memset(entry, 0, outbox->entry_size);
        if (outbox->kind->parse(item, entry)) {
            outbox->count++;
        } else {
            skipped++;
        }
    }
    cJSON_Delete(array);
    if (skipped > 0 || trailing) {
        return move_aside_damaged(outbox, skipped, trailing);
    }
    return 0;
}

int outbox_init(outbox_t *outbox, const outbox_kind_t *kind, uplink_t *uplink,
                const hb_clock_t *clock, const char *dir, void *entries, size_t entry_size,
                size_t capacity)
{
    size_t url_base = strlen(uplink->ingest_url) - strlen(UPLINK_INGEST_PATH);
    size_t target_base = strlen(uplink->ingest_target) - strlen(UPLINK_INGEST_PATH);
    size_t path_len = strlen(kind->path);

    memset(outbox, 0, sizeof *outbox);
    outbox->kind = kind;
    outbox->uplink = uplink;
    outbox->clock = clock;
    outbox->entries = entries;
    outbox->entry_size = entry_size;
    outbox->capacity = capacity;
    outbox->retry_delay_sec = OUTBOX_RETRY_FIRST_SEC;
    if (strlen(dir) >= sizeof outbox->dir || path_len >= OUTBOX_PATH_MAX_LEN ||
        target_base + path_len >= sizeof outbox->target) {
        return -1;
    }
    strcpy(outbox->dir, dir);

    /* The central server's URL and path prefix, as the uplink worked them out for ingest. */
    snprintf(outbox->url, sizeof outbox->url, "%.*s%s", (int)url_base, uplink->ingest_url, kind->path);
    snprintf(outbox->target, sizeof outbox->target, "%.*s%s", (int)target_base,
             uplink->ingest_target, kind->path);
    return load(outbox);
}

/* Removes the `count` oldest entries. Those in flight go first, so the request on its way then
 * carries `count` fewer of the entries still kept. */
static void drop_oldest(outbox_t *outbox, size_t count)
{
    memmove(outbox->entries, outbox->entries + count * outbox->entry_size,
            (outbox->count - count) * outbox->entry_size);
    outbox->count -= count;
    outbox->in_flight = outbox->in_flight > count ? outbox->in_flight - count : 0;
}

void *outbox_reserve(outbox_t *outbox)
{
    void *entry;

    if (outbox->count == outbox->capacity) {
        hb_log(HB_LOG_ERROR, "%s: oldest entry lost: outbox full (%zu)", outbox->kind->name,
               outbox->capacity);
        drop_oldest(outbox, 1);
        outbox->lost++;
    }
    entry = outbox->entries + outbox->count * outbox->entry_size;
    memset(entry, 0, outbox->entry_size);
    outbox->count++;
    return entry;
}

int outbox_commit(outbox_t *outbox)
{
    int result;

    /* A new entry is sent at once, whatever delay an earlier failure set. */
    outbox->retry_at = 0;
    result = save_logged(outbox);
    if (outbox->on_commit != NULL) {
        outbox->on_commit(outbox->commit_ctx);
    }
    return result;
}

static void note_failure(outbox_t *outbox, uint32_t now, const char *why)
{
    outbox->send_failures++;
    outbox->retry_at = now + outbox->retry_delay_sec;
    hb_log(HB_LOG_WARN, "%s not sent: %s; retrying in %us", outbox->kind->name, why,
           (unsigned)outbox->retry_delay_sec);
    outbox->retry_delay_sec *= 2;
    if (outbox->retry_delay_sec > OUTBOX_RETRY_MAX_SEC) {
        outbox->retry_delay_sec = OUTBOX_RETRY_MAX_SEC;
    }
}

/* The body of one attempt, from malloc, or NULL when out of memory. */
static char *render_body(const outbox_t *outbox)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *entries = render_entries(outbox);
    char *body = NULL;

    if (root != NULL && entries != NULL) {
        cJSON_AddStringToObject(root, "key_id", outbox->uplink->registry->key_id);
        cJSON_AddItemToObject(root, outbox->kind->member, entries);
        entries = NULL;
        body = cJSON_PrintUnformatted(root);
    }
    cJSON_Delete(entries);
    cJSON_Delete(root);
    return body;
}

int outbox_send_prepare(outbox_t *outbox, outbox_send_t *send)
{
    uint32_t now = hb_clock_now(outbox->clock);

    /* One request at a time, so a second sender cannot send the same entries. */
    if (outbox->count == 0 || outbox->in_flight > 0 || now < outbox->retry_at) {
        return 0;
    }
    send->body = render_body(outbox);
    if (send->body == NULL) {
        note_failure(outbox, now, "out of memory");
        return -1;
    }

    /* Each attempt is signed afresh: a new timestamp and nonce (docs/protocol.md section 2). */
    if (uplink_request_sign(outbox->uplink, outbox->url, outbox->target, send->body,
                            strlen(send->body), &send->request) != CORE_OK) {
        free(send->body);
        send->body = NULL;
        note_failure(outbox, now, "signing failed");
        return -1;
    }
    send->entry_count = outbox->count;
    outbox->in_flight = outbox->count;
    return 1;
}

int outbox_send_finish(outbox_t *outbox, outbox_send_t *send, int post_result, int http_status)
{
    uint32_t now = hb_clock_now(outbox->clock);
    size_t carried = outbox->in_flight;
    char why[48];

    free(send->body);
    send->body = NULL;
    outbox->in_flight = 0;
    if (post_result != 0) {
        note_failure(outbox, now, "central server unreachable");
        return -1;
    }

    if (http_status == HTTP_BAD_REQUEST) {
        hb_log(HB_LOG_ERROR, "%s dropped: the central server rejected %zu entries as malformed "
               "(http_status=400)", outbox->kind->name, send->entry_count);
        outbox->refused += (uint32_t)send->entry_count;
    } else if (http_status != HTTP_OK) {
        snprintf(why, sizeof why, "http_status=%d", http_status);
        note_failure(outbox, now, why);
        return -1;
    } else {
        outbox->sent += (uint32_t)send->entry_count;
    }

    /* The central server took or refused every entry it was sent; entries added meanwhile stay. */
    drop_oldest(outbox, carried);
    outbox->retry_delay_sec = OUTBOX_RETRY_FIRST_SEC;
    save_logged(outbox);
    return http_status == HTTP_OK ? 1 : -1;
}

int outbox_flush(outbox_t *outbox, const hb_lock_t *lock)
{
    outbox_send_t send;
    int http_status = 0;
    int post_result;
    int result;

    hb_lock_acquire(lock);
    result = outbox_send_prepare(outbox, &send);
    hb_lock_release(lock);
    if (result != 1) {
        return result;
    }

    post_result = uplink_request_post(outbox->uplink, &send.request, &http_status);

    hb_lock_acquire(lock);
    result = outbox_send_finish(outbox, &send, post_result, http_status);
    hb_lock_release(lock);
    return result;
}

bool outbox_next_at(const outbox_t *outbox, uint32_t *due_at)
{
    if (outbox->count == 0 || outbox->in_flight > 0) {
        return false;
    }
    *due_at = outbox->retry_at;
    return true;
}
