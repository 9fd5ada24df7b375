/* Spooled batches to the central server, in three steps so that no lock is held while the network
 * waits: prepare (under the lock), post (without it), finish (under the lock again). */
#include "homebase.h"

#include <stdio.h>
#include <stdlib.h>

#include "hb_log.h"
#include "homebase_internal.h"

#define HTTP_OK 200

static void note_send_failure(homebase_t *homebase, uint32_t seq, const char *why)
{
    uint32_t now = hb_clock_now(homebase->clock);

    homebase->send_failures++;
    homebase->last_send_failed_at = now;
    homebase->retry_at = now + homebase->retry_delay_sec;
    hb_log(HB_LOG_WARN, "batch not sent: seq=%u %s; retrying in %us", (unsigned)seq, why,
           (unsigned)homebase->retry_delay_sec);

    homebase->retry_delay_sec *= 2;
    if (homebase->retry_delay_sec > HOMEBASE_RETRY_MAX_SEC) {
        homebase->retry_delay_sec = HOMEBASE_RETRY_MAX_SEC;
    }
}

/* True for a response saying that the batch itself is malformed (400 invalid, 413 too large, 415 wrong
 * media type), so sending the same bytes again cannot succeed. 401 is not one of them, because a
 * clock that has drifted heals with a fresh signature. */
static bool batch_rejected_for_good(int http_status)
{
    return http_status == 400 || http_status == 413 || http_status == 415;
}

/* Keeps a batch the central server will never take, without letting it block the batches behind it:
 * it stays on the card under another name, and the next batch is sent at once. */
static void set_aside_rejected(homebase_t *homebase, uint32_t seq, int http_status)
{
    if (spool_set_aside(homebase->spool, seq) != 0) {
        hb_log(HB_LOG_ERROR, "rejected batch not set aside: seq=%u http_status=%d; removing it",
               (unsigned)seq, http_status);
        spool_remove(homebase->spool, seq);
    }
    homebase->batches_set_aside++;
    hb_log(HB_LOG_ERROR, "batch rejected by the central server: seq=%u http_status=%d; kept in "
           "the spool's rejected folder", (unsigned)seq, http_status);
}

homebase_send_step_t homebase_send_prepare(homebase_t *homebase, homebase_send_t *send)
{
    uint32_t now = hb_clock_now(homebase->clock);
    size_t len = 0;

    /* One batch is in flight at a time, so a second sender cannot pick the same batch. */
    if (homebase->send_in_flight || now < homebase->retry_at ||
        spool_list(homebase->spool, &send->seq, 1) == 0) {
        return HOMEBASE_SEND_IDLE;
    }

    send->json = NULL;
    if (spool_read(homebase->spool, send->seq, &send->json, &len) != 0) {
        hb_log(HB_LOG_ERROR, "spooled batch unreadable: seq=%u; removing it", (unsigned)send->seq);
        if (spool_remove(homebase->spool, send->seq) != 0) {
            /* A batch that can be neither read nor removed would come first again at once. */
            note_send_failure(homebase, send->seq, "batch unreadable and not removed");
            return HOMEBASE_SEND_IDLE;
        }
        return HOMEBASE_SEND_SKIPPED;
    }

    /* Each attempt is signed afresh, and the batch id makes a resend harmless. */
    if (uplink_request_sign(homebase->uplink, homebase->uplink->ingest_url,
                            homebase->uplink->ingest_target, send->json, len,
                            &send->request) != CORE_OK) {
        free(send->json);
        send->json = NULL;
        note_send_failure(homebase, send->seq, "signing failed");
        return HOMEBASE_SEND_IDLE;
    }
    homebase->send_in_flight = true;
    homebase->send_seq = send->seq;
    return HOMEBASE_SEND_READY;
}

int homebase_send_finish(homebase_t *homebase, homebase_send_t *send, int post_result,
                         int http_status)
{
    char why[48];
    int result = 0;

    free(send->json);
    send->json = NULL;
    homebase->send_in_flight = false;

    if (post_result == 0 && batch_rejected_for_good(http_status)) {
        set_aside_rejected(homebase, send->seq, http_status);
    } else if (post_result != 0 || http_status != HTTP_OK) {
        snprintf(why, sizeof why, post_result != 0 ? "central server unreachable" : "http_status=%d",
                 http_status);
        note_send_failure(homebase, send->seq, why);
        result = -1;
    } else {
        /* Deleted only after a 200: a resend after a lost response is harmless, because the
         * central server stores each batch_seq once. */
        spool_remove(homebase->spool, send->seq);
        homebase->batches_sent++;
        homebase->last_send_ok_at = hb_clock_now(homebase->clock);
        homebase->retry_delay_sec = HOMEBASE_RETRY_FIRST_SEC;
        hb_log(HB_LOG_DEBUG, "batch sent: seq=%u", (unsigned)send->seq);
    }

    /* Clears the spool-full state as soon as sending made room, not at the next seal. */
    if (homebase->spool_full) {
        homebase_spool_room_for_batch(homebase);
    }
    return result;
}

uint32_t homebase_send_spooled(homebase_t *homebase, const hb_lock_t *lock, uint32_t max_batches)
{
    uint32_t handled = 0;

    while (handled < max_batches) {
        homebase_send_t send;
        homebase_send_step_t step;
        int http_status = 0;
        int post_result;
        int finished;

        hb_lock_acquire(lock);
        step = homebase_send_prepare(homebase, &send);
        hb_lock_release(lock);
        if (step == HOMEBASE_SEND_IDLE) {
            break;
        }
        handled++;
        if (step == HOMEBASE_SEND_SKIPPED) {
            continue;
        }

        post_result = uplink_request_post(homebase->uplink, &send.request, &http_status);

        hb_lock_acquire(lock);
        finished = homebase_send_finish(homebase, &send, post_result, http_status);
        hb_lock_release(lock);
        if (finished != 0) {
            break;
        }
    }
    return handled;
}

bool homebase_send_next_at(const homebase_t *homebase, uint32_t *due_at)
{
    if (spool_count(homebase->spool) == 0 || homebase->send_in_flight) {
        return false;
    }
    *due_at = homebase->retry_at;
    return true;
}
