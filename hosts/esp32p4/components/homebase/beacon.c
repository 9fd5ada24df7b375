#include "beacon.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "hb_log.h"

/* A beacon frame is 27 + 6 + 64 = 97 bytes, and its signed message 18 + 32 + 33 = 83 bytes. */
#define BEACON_FRAME_BUFFER_LEN 128
#define BEACON_MESSAGE_BUFFER_LEN 128

static const uint8_t s_magic[4] = { 'H', 'M', 'B', '0' };

static void put_u32_le(uint8_t *out, uint32_t value)
{
    out[0] = (uint8_t)value;
    out[1] = (uint8_t)(value >> 8);
    out[2] = (uint8_t)(value >> 16);
    out[3] = (uint8_t)(value >> 24);
}

static uint32_t get_u32_le(const uint8_t *in)
{
    return (uint32_t)in[0] | (uint32_t)in[1] << 8 | (uint32_t)in[2] << 16 | (uint32_t)in[3] << 24;
}

static int write_state(const beacon_t *beacon)
{
    uint8_t state[BEACON_STATE_LEN];

    memcpy(state, s_magic, sizeof s_magic);
    put_u32_le(state + 4, beacon->boot);
    put_u32_le(state + 8, beacon->seq_floor);
    return hb_file_write_atomic(beacon->dir, BEACON_STATE_FILE, state, sizeof state);
}

/* Reads the boot counter and seq floor; both stay 0 when there is no file yet. */
static int read_state(beacon_t *beacon, char *error)
{
    uint8_t state[BEACON_STATE_LEN + 1];
    long len = hb_file_read(beacon->dir, BEACON_STATE_FILE, state, sizeof state);

    if (len == -1 && errno == ENOENT) {
        return 0;
    }
    if (len != BEACON_STATE_LEN || memcmp(state, s_magic, sizeof s_magic) != 0) {
        snprintf(error, BEACON_ERROR_LEN, "%s/%s is unreadable or not %d bytes starting with HMB0; %s",
                 beacon->dir, BEACON_STATE_FILE, BEACON_STATE_LEN, HB_FILE_STATE_ADVICE);
        return -1;
    }
    beacon->boot = get_u32_le(state + 4);
    beacon->seq_floor = get_u32_le(state + 8);
    return 0;
}

int beacon_start(beacon_t *beacon, core_t *core, const registry_t *registry, const hb_clock_t *clock,
                 const char *dir, uint8_t channel, radio_t *radio, char *error)
{
    memset(beacon, 0, sizeof *beacon);
    if (strlen(dir) >= sizeof beacon->dir || channel < 1 || channel > 14) {
        snprintf(error, BEACON_ERROR_LEN, "beacon folder name too long or channel %u not 1 to 14",
                 (unsigned)channel);
        return -1;
    }
    beacon->core = core;
    beacon->registry = registry;
    beacon->clock = clock;
    beacon->radio = radio;
    beacon->channel = channel;
    strcpy(beacon->dir, dir);

    if (read_state(beacon, error) != 0) {
        return -1;
    }
    if (beacon->boot == UINT32_MAX || beacon->seq_floor == UINT32_MAX) {
        snprintf(error, BEACON_ERROR_LEN, "beacon boot counter or seq is exhausted in %s/%s",
                 beacon->dir, BEACON_STATE_FILE);
        return -1;
    }

    /* docs/protocol.md section 10.3: the boot counter is on the card before the first beacon. */
    beacon->boot++;
    beacon->next_seq = beacon->seq_floor + 1;
    if (write_state(beacon) != 0) {
        snprintf(error, BEACON_ERROR_LEN, "cannot write %s/%s: %s", beacon->dir, BEACON_STATE_FILE,
                 strerror(errno));
        return -1;
    }
    hb_log(HB_LOG_INFO, "beacons: boot=%u first_seq=%u channel=%u", (unsigned)beacon->boot,
           (unsigned)beacon->next_seq, (unsigned)channel);
    return 0;
}

/* Raises and writes the seq floor when `seq` is above it. */
static int reserve_seq(beacon_t *beacon, uint32_t seq)
{
    uint32_t old_floor = beacon->seq_floor;

    if (seq <= beacon->seq_floor) {
        return 0;
    }
    beacon->seq_floor = seq > UINT32_MAX - BEACON_FLOOR_STEP ? UINT32_MAX : seq + BEACON_FLOOR_STEP;
    if (write_state(beacon) != 0) {
        beacon->seq_floor = old_floor;
        return -1;
    }
    return 0;
}

/* Builds the signed beacon into `out`. Returns its length or a negative status. */
static int32_t build_beacon(beacon_t *beacon, uint32_t now, uint32_t seq, uint8_t *out, size_t cap)
{
    uint8_t payload[BEACON_PAYLOAD_LEN] = { beacon->channel, 0 };
    uint8_t message[BEACON_MESSAGE_BUFFER_LEN];
    uint8_t signature[CORE_SIGNATURE_LEN];
    int32_t len;

    put_u32_le(payload + 2, beacon->boot);
    len = core_frame_build(beacon->core, BEACON_FRAME_TYPE, beacon->registry->home_base_id, now, seq,
                           payload, sizeof payload, out, cap);
    if (len < 0) {
        return len;
    }
    len = core_frame_build_message(beacon->core, message, sizeof message);
    if (len < 0) {
        return len;
    }

    /* Signed with the home base's own key, which the devices have in their bundle (section 8). */
    crypto_sign_detached(signature, NULL, message, (unsigned long long)len, beacon->registry->secret_key);
    return core_frame_set_signature(beacon->core, signature, out, cap);
}

int beacon_tick(beacon_t *beacon)
{
    uint32_t now = hb_clock_now(beacon->clock);
    uint8_t frame[BEACON_FRAME_BUFFER_LEN];
    char name[CORE_STATUS_NAME_MAX + 1];
    uint32_t seq = beacon->next_seq;
    /* A beacon has no receiver to confirm it, so its send status is not followed. */
    uint16_t send_id;
    int32_t len;

    if (beacon->sent_any && now - beacon->last_sent_at < BEACON_INTERVAL_SEC) {
        return 0;
    }
    /* The next try waits for the interval after a failure too, so a failing radio is not retried
     * in a tight loop. */
    beacon->sent_any = true;
    beacon->last_sent_at = now;

    if (seq == 0 || reserve_seq(beacon, seq) != 0) {
        beacon->failures++;
        hb_log(HB_LOG_ERROR, "beacon not sent: seq=%u reason=seq floor not written", (unsigned)seq);
        return -1;
    }
    len = build_beacon(beacon, now, seq, frame, sizeof frame);
    if (len < 0) {
        beacon->failures++;
        hb_log(HB_LOG_ERROR, "beacon not sent: seq=%u reason=%s", (unsigned)seq,
               core_status_name(beacon->core, len, name));
        return -1;
    }
    beacon->next_seq = seq == UINT32_MAX ? 0 : seq + 1;

    if (radio_send(beacon->radio, radio_broadcast_mac, frame, (size_t)len, &send_id) != 0) {
        beacon->failures++;
        hb_log(HB_LOG_WARN, "beacon not sent: seq=%u reason=radio rejected it", (unsigned)seq);
        return -1;
    }
    beacon->sent++;
    hb_log(HB_LOG_DEBUG, "beacon sent: seq=%u boot=%u", (unsigned)seq, (unsigned)beacon->boot);
    return 1;
}
