/* Tests the uplink sender (uplink_sender.h) and its Linux thread (uplink_thread.h). While a post
 * waits on the central server, the intake keeps taking and batching frames and the local API keeps
 * responding, because the post holds no lock. The batch on its way is neither picked again nor
 * lost, a stop joins after the post, and outbox entries added during a post stay. A transport that
 * blocks until the test releases it plays a slow central server. */
#include "api_fixture.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "command_results.h"
#include "uplink_sender.h"
#include "uplink_thread.h"

/* Rounds wait at most this long, so a test that misses a wake still finishes quickly. */
#define SENDER_WAIT_MAX_MS 200
/* How long a test waits for the sender thread to reach a state. */
#define WAIT_LIMIT_MS 3000
/* Maximum time for a status request while a post blocks, far below the transport's 5-second
 * timeouts that a request waited for while the main loop sent under the lock. */
#define STATUS_ANSWER_MAX_MS 1000

/* A transport that blocks every post until the test releases it, then records it like the
 * recording transport and responds `release_status`. Its fields are guarded by `mutex`, which the
 * post holds while it records, so the test reads the recording transport under it too. */
typedef struct {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    test_transport_t *recorder;
    unsigned entered;
    bool released;
    int release_status;
} blocking_transport_t;

typedef struct {
    api_fixture_t *api;
    blocking_transport_t blocker;
    uplink_sender_t sender;
    uplink_thread_t thread;
    hb_lock_t lock;
} sender_fixture_t;

static int blocking_post(void *ctx, const char *url, const uplink_header_t *headers,
                         size_t header_count, const char *body, size_t body_len, int *http_status)
{
    blocking_transport_t *blocker = ctx;
    int result;

    pthread_mutex_lock(&blocker->mutex);
    blocker->entered++;
    pthread_cond_broadcast(&blocker->cond);
    while (!blocker->released) {
        pthread_cond_wait(&blocker->cond, &blocker->mutex);
    }
    blocker->recorder->answer_status = blocker->release_status;
    result = test_transport_post(blocker->recorder, url, headers, header_count, body, body_len,
                                 http_status);
    pthread_mutex_unlock(&blocker->mutex);
    return result;
}

/* Waits until `entered` posts have started. Returns false after WAIT_LIMIT_MS. */
static bool wait_for_posts(blocking_transport_t *blocker, unsigned entered)
{
    int64_t limit = test_monotonic_ms() + WAIT_LIMIT_MS;
    bool reached;

    pthread_mutex_lock(&blocker->mutex);
    while (blocker->entered < entered && test_monotonic_ms() < limit) {
        struct timespec deadline;

        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 10 * 1000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&blocker->cond, &blocker->mutex, &deadline);
    }
    reached = blocker->entered >= entered;
    pthread_mutex_unlock(&blocker->mutex);
    return reached;
}

static void release_posts(blocking_transport_t *blocker, int http_status)
{
    pthread_mutex_lock(&blocker->mutex);
    blocker->release_status = http_status;
    blocker->released = true;
    pthread_cond_broadcast(&blocker->cond);
    pthread_mutex_unlock(&blocker->mutex);
}

static unsigned recorded_posts(blocking_transport_t *blocker)
{
    unsigned count;

    pthread_mutex_lock(&blocker->mutex);
    count = blocker->recorder->post_count;
    pthread_mutex_unlock(&blocker->mutex);
    return count;
}

/* Waits until the spool is empty. Returns false after WAIT_LIMIT_MS. */
static bool wait_for_empty_spool(sender_fixture_t *fixture)
{
    int64_t limit = test_monotonic_ms() + WAIT_LIMIT_MS;
    uint32_t spooled;

    do {
        hb_lock_acquire(&fixture->lock);
        spooled = homebase_spooled_count(&fixture->api->home->homebase);
        hb_lock_release(&fixture->lock);
        if (spooled == 0) {
            return true;
        }
        usleep(5000);
    } while (test_monotonic_ms() < limit);
    return false;
}

static int setup(void **state)
{
    sender_fixture_t *fixture = calloc(1, sizeof *fixture);
    void *api_state = NULL;
    test_home_t *home;

    if (fixture == NULL || api_fixture_start(&api_state, 11, true) != 0) {
        free(fixture);
        return -1;
    }
    fixture->api = api_state;
    home = fixture->api->home;
    fixture->lock = api_fixture_lock(fixture->api);
    pthread_mutex_init(&fixture->blocker.mutex, NULL);
    pthread_cond_init(&fixture->blocker.cond, NULL);
    fixture->blocker.recorder = &home->transport;
    fixture->blocker.release_status = 200;
    home->uplink.transport = (uplink_transport_t){ .post = blocking_post, .ctx = &fixture->blocker };

    if (uplink_thread_init(&fixture->thread) != 0) {
        return -1;
    }
    hb_lock_acquire(&fixture->lock);
    uplink_sender_init(&fixture->sender, &home->homebase, &fixture->lock, uplink_thread_wake,
                       &fixture->thread);
    hb_lock_release(&fixture->lock);
    *state = fixture;
    return uplink_thread_start(&fixture->thread, &fixture->sender, SENDER_WAIT_MAX_MS);
}

static int teardown(void **state)
{
    sender_fixture_t *fixture = *state;
    void *api_state = fixture->api;

    /* A test that failed early may leave a post blocked, and releasing it lets the join return. */
    release_posts(&fixture->blocker, 200);
    uplink_thread_stop(&fixture->thread);
    pthread_cond_destroy(&fixture->blocker.cond);
    pthread_mutex_destroy(&fixture->blocker.mutex);
    api_fixture_stop(&api_state);
    free(fixture);
    return 0;
}

/* Takes the home base lock as the main loop would, but fails the test instead of hanging when a
 * sender holds it for WAIT_LIMIT_MS. */
static void lock_or_fail(sender_fixture_t *fixture)
{
    struct timespec deadline;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_LIMIT_MS / 1000;
    if (pthread_mutex_timedlock(&fixture->api->lock, &deadline) != 0) {
        fail_msg("home base lock still held after %d ms", WAIT_LIMIT_MS);
    }
}

/* Takes a motion frame of porch-cam under the lock, as the main loop does. Returns its status. */
static int32_t take_motion_frame(sender_fixture_t *fixture, uint32_t seq)
{
    static const uint8_t mac[INTAKE_MAC_LEN] = { 0x02, 0, 0, 0, 0x12, 0x34 };
    test_home_t *home = fixture->api->home;
    uint8_t frame[TEST_FRAME_MAX];
    size_t len = test_frame_build(frame, FRAME_TYPE_MOTION, test_device_ids[0], home->clock_state.now,
                                  seq, "{\"zone\":\"porch\",\"confidence\":0.7}", &home->devices[0],
                                  home->network.public_key);
    int32_t status;

    lock_or_fail(fixture);
    status = homebase_frame(&home->homebase, frame, len, mac, -50);
    hb_lock_release(&fixture->lock);
    return status;
}

static void batch_seq_is(const char *body, unsigned seq)
{
    char expected[32];

    snprintf(expected, sizeof expected, "\"batch_seq\":%u,", seq);
    assert_non_null(strstr(body, expected));
}

static void intake_and_api_work_during_post(void **state)
{
    sender_fixture_t *fixture = *state;
    test_home_t *home = fixture->api->home;
    homebase_send_t second;
    homebase_send_step_t second_step;
    char response[4096];
    char path[600];
    int64_t status_ms;
    uint32_t accepted_before;
    uint32_t accepted;
    uint32_t spooled;

    /* The first tick seals the start batch 0, and its post blocks. */
    hb_lock_acquire(&fixture->lock);
    accepted_before = home->homebase.intake.accepted;
    homebase_tick(&home->homebase);
    hb_lock_release(&fixture->lock);
    assert_true(wait_for_posts(&fixture->blocker, 1));

    /* Meanwhile the intake takes two motion frames and seals and spools a batch for each. */
    assert_int_equal(take_motion_frame(fixture, 1), CORE_OK);
    assert_int_equal(take_motion_frame(fixture, 2), CORE_OK);
    lock_or_fail(fixture);
    accepted = home->homebase.intake.accepted;
    spooled = homebase_spooled_count(&home->homebase);
    second_step = homebase_send_prepare(&home->homebase, &second);
    hb_lock_release(&fixture->lock);
    assert_int_equal(accepted, accepted_before + 2);
    assert_int_equal(spooled, 3);

    /* A second sender picks nothing while batch 0 is on its way, and batch 0 stays on the card. */
    assert_int_equal(second_step, HOMEBASE_SEND_IDLE);
    snprintf(path, sizeof path, "%s/batches/0000/00/batch-0.json", home->spool.dir);
    assert_int_equal(access(path, F_OK), 0);

    /* The local API responds at once, because it does not wait for the post. */
    status_ms = test_time_status_request(fixture->api->port, 2000, response, sizeof response);
    assert_non_null(strstr(response, "200 OK"));
    assert_non_null(strstr(response, "\"spooled\":3"));
    assert_true(status_ms < STATUS_ANSWER_MAX_MS);

    /* Once the central server responds, every batch goes out in seq order. */
    release_posts(&fixture->blocker, 200);
    assert_true(wait_for_empty_spool(fixture));
    uplink_thread_stop(&fixture->thread);
    assert_int_equal(home->homebase.batches_sent, 3);
    assert_int_equal(home->transport.body_count, 3);
    for (unsigned i = 0; i < 3; i++) {
        batch_seq_is(home->transport.bodies[i], i);
    }
    assert_int_equal(access(path, F_OK), -1);
}

typedef struct {
    uplink_thread_t *thread;
    bool returned;
    pthread_mutex_t mutex;
} stopper_t;

static void *stop_thread(void *arg)
{
    stopper_t *stopper = arg;

    uplink_thread_stop(stopper->thread);
    pthread_mutex_lock(&stopper->mutex);
    stopper->returned = true;
    pthread_mutex_unlock(&stopper->mutex);
    return NULL;
}

static bool stopper_returned(stopper_t *stopper)
{
    bool returned;

    pthread_mutex_lock(&stopper->mutex);
    returned = stopper->returned;
    pthread_mutex_unlock(&stopper->mutex);
    return returned;
}

static void stop_joins_after_post(void **state)
{
    sender_fixture_t *fixture = *state;
    test_home_t *home = fixture->api->home;
    stopper_t stopper = { .thread = &fixture->thread };
    pthread_t stopper_thread;

    /* Three batches wait; the post of the first blocks. */
    hb_lock_acquire(&fixture->lock);
    homebase_tick(&home->homebase);
    homebase_seal(&home->homebase);
    homebase_seal(&home->homebase);
    hb_lock_release(&fixture->lock);
    assert_true(wait_for_posts(&fixture->blocker, 1));

    /* The stop waits for the post on its way... */
    pthread_mutex_init(&stopper.mutex, NULL);
    assert_int_equal(pthread_create(&stopper_thread, NULL, stop_thread, &stopper), 0);
    usleep(100 * 1000);
    assert_false(stopper_returned(&stopper));

    /* ...and then sends nothing more: the other two batches wait in the spool for the next start. */
    release_posts(&fixture->blocker, 200);
    assert_int_equal(pthread_join(stopper_thread, NULL), 0);
    assert_true(stopper_returned(&stopper));
    pthread_mutex_destroy(&stopper.mutex);
    assert_int_equal(recorded_posts(&fixture->blocker), 1);
    assert_int_equal(home->homebase.batches_sent, 1);
    assert_int_equal(homebase_spooled_count(&home->homebase), 2);

    /* A batch sealed after the stop calls no wake-up callback. */
    assert_null(home->homebase.on_spooled);
    assert_int_equal(homebase_seal(&home->homebase), 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), 3);
}

static void failed_post_keeps_batch_for_retry(void **state)
{
    sender_fixture_t *fixture = *state;
    test_home_t *home = fixture->api->home;
    uint32_t failures;
    uint32_t retry_at;

    hb_lock_acquire(&fixture->lock);
    homebase_tick(&home->homebase);
    hb_lock_release(&fixture->lock);
    assert_true(wait_for_posts(&fixture->blocker, 1));
    release_posts(&fixture->blocker, 503);

    /* The stop returns after the finish step, which counts the failure and starts the delay. */
    uplink_thread_stop(&fixture->thread);
    failures = home->homebase.send_failures;
    retry_at = home->homebase.retry_at;
    assert_int_equal(failures, 1);
    assert_int_equal(retry_at, TEST_NOW + HOMEBASE_RETRY_FIRST_SEC);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);
    assert_false(home->homebase.send_in_flight);
}

/* ---- Single-threaded: the steps themselves, on a home base without the thread ---- */

static void no_lock(void *ctx)
{
    (void)ctx;
}

static const hb_lock_t s_no_lock = { .acquire = no_lock, .release = no_lock };

static int home_setup(void **state)
{
    return test_home_setup(state);
}

static int home_teardown(void **state)
{
    return test_home_teardown(state);
}

static void add_result(command_results_t *results, uint32_t id)
{
    assert_int_equal(command_results_add(results, "homebase", id, "ok", "", NULL, 0), 0);
}

static void outbox_keeps_entries_added_during_post(void **state)
{
    test_home_t *home = *state;
    static command_results_t results;
    static command_results_t reloaded;
    outbox_send_t send;

    assert_int_equal(command_results_init(&results, &home->uplink, &home->clock, home->spool_dir), 0);
    add_result(&results, 1);
    assert_int_equal(outbox_send_prepare(&results.outbox, &send), 1);

    /* During the post two more results arrive, and a second prepare sends nothing. */
    add_result(&results, 2);
    add_result(&results, 3);
    assert_int_equal(outbox_send_prepare(&results.outbox, &(outbox_send_t){ 0 }), 0);

    assert_int_equal(outbox_send_finish(&results.outbox, &send, 0, 200), 1);
    assert_int_equal(results.outbox.sent, 1);
    assert_int_equal(results.outbox.count, 2);
    assert_int_equal(results.entries[0].id, 2);
    assert_int_equal(results.entries[1].id, 3);

    /* The file on the card contains the two waiting results. */
    assert_int_equal(command_results_init(&reloaded, &home->uplink, &home->clock, home->spool_dir), 0);
    assert_int_equal(reloaded.outbox.count, 2);
    assert_int_equal(reloaded.entries[0].id, 2);
}

static void full_outbox_drops_in_flight_entry_first(void **state)
{
    test_home_t *home = *state;
    static command_results_t results;
    outbox_send_t send;

    assert_int_equal(command_results_init(&results, &home->uplink, &home->clock, home->spool_dir), 0);
    for (uint32_t id = 1; id <= COMMAND_RESULTS_MAX; id++) {
        add_result(&results, id);
    }
    assert_int_equal(outbox_send_prepare(&results.outbox, &send), 1);

    /* A new result replaces the oldest, which the post carries. The new result must survive the
     * finish, because the finish removes only the remaining entries that were sent. */
    add_result(&results, COMMAND_RESULTS_MAX + 1);
    assert_int_equal(results.outbox.lost, 1);
    assert_int_equal(results.outbox.in_flight, COMMAND_RESULTS_MAX - 1);

    assert_int_equal(outbox_send_finish(&results.outbox, &send, 0, 200), 1);
    assert_int_equal(results.outbox.count, 1);
    assert_int_equal(results.entries[0].id, COMMAND_RESULTS_MAX + 1);
    assert_int_equal(results.outbox.sent, COMMAND_RESULTS_MAX);
}

static void batch_prepare_is_idle_while_in_flight(void **state)
{
    test_home_t *home = *state;
    homebase_send_t first;
    homebase_send_t second;

    assert_int_equal(homebase_seal(&home->homebase), 0);
    assert_int_equal(homebase_seal(&home->homebase), 0);
    assert_int_equal(homebase_send_prepare(&home->homebase, &first), HOMEBASE_SEND_READY);
    assert_int_equal(first.seq, 0);
    assert_int_equal(homebase_send_prepare(&home->homebase, &second), HOMEBASE_SEND_IDLE);

    /* After a 200 batch 0 is gone and batch 1 is next. */
    assert_int_equal(homebase_send_finish(&home->homebase, &first, 0, 200), 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);
    assert_int_equal(homebase_send_prepare(&home->homebase, &second), HOMEBASE_SEND_READY);
    assert_int_equal(second.seq, 1);
    assert_int_equal(homebase_send_finish(&home->homebase, &second, -1, 0), -1);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);
}

static void round_wait_follows_retry_delay(void **state)
{
    test_home_t *home = *state;
    uplink_sender_t sender;

    uplink_sender_init(&sender, &home->homebase, &s_no_lock, NULL, NULL);

    /* Nothing waits: the longest wait. */
    assert_int_equal(uplink_sender_round(&sender, 5000), 5000);

    /* A failed send starts a 1-second delay, then a 2-second one. */
    home->transport.unreachable = 1;
    assert_int_equal(homebase_seal(&home->homebase), 0);
    assert_int_equal(uplink_sender_round(&sender, 5000), 1000);
    home->clock_state.now += 1;
    assert_int_equal(uplink_sender_round(&sender, 5000), 2000);
    assert_int_equal(uplink_sender_round(&sender, 1500), 1500);
    assert_int_equal(home->transport.post_count, 2);

    /* A round that could not send the whole backlog requests the next round at once. */
    home->transport.unreachable = 0;
    home->clock_state.now += 2;
    for (unsigned i = 0; i < HOMEBASE_SEND_MAX_PER_ROUND; i++) {
        assert_int_equal(homebase_seal(&home->homebase), 0);
    }
    assert_int_equal(uplink_sender_round(&sender, 5000), 0);
    assert_int_equal(homebase_spooled_count(&home->homebase), 1);
    assert_int_equal(uplink_sender_round(&sender, 5000), 5000);
    assert_int_equal(homebase_spooled_count(&home->homebase), 0);
}

#define SENDER_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define HOME_TEST(name) cmocka_unit_test_setup_teardown(name, home_setup, home_teardown)

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        SENDER_TEST(intake_and_api_work_during_post),
        SENDER_TEST(stop_joins_after_post),
        SENDER_TEST(failed_post_keeps_batch_for_retry),
        HOME_TEST(outbox_keeps_entries_added_during_post),
        HOME_TEST(full_outbox_drops_in_flight_entry_first),
        HOME_TEST(batch_prepare_is_idle_while_in_flight),
        HOME_TEST(round_wait_follows_retry_delay),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("uplink_sender", tests, NULL, NULL);
}
