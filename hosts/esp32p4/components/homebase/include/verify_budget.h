/* The verify budget: frames that passed the cheap checks wait here, one FIFO queue per sender, until
 * the budget allows their signature verify.
 *
 * A verify costs about 2.5 million instructions on the ESP32-P4 (about 100 per second on one core),
 * and a forger can fill in every field the cheap checks read. So the queues are served round robin,
 * one frame per sender per turn (deficit round robin with every frame costing one verify), within
 * VERIFY_BUDGET_DEFAULT_PER_SEC verifies each clock second. A sender is the pair (MAC address,
 * claimed device id): a flood of forged frames claiming one device fills its own queue and takes
 * one turn in each round, so the other senders' frames still reach the verify.
 *
 * Limits: a forger that copies a real device's MAC address and device id shares that device's queue,
 * and can then delay its frames, but not those of any other sender. Memory is fixed:
 * VERIFY_QUEUE_TOTAL frames of VERIFY_FRAME_MAX bytes. */
#ifndef VERIFY_BUDGET_H
#define VERIFY_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_api.h"

/* Verifies per clock second when no other rate is configured: half of the ESP32-P4's one-core rate,
 * so the other half stays for the command path, the HTTP API and the batches. */
#define VERIFY_BUDGET_DEFAULT_PER_SEC 50
/* The largest rate verify_budget_init takes. */
#define VERIFY_BUDGET_MAX_PER_SEC 10000
/* Frames one sender may have waiting; a further frame from it is dropped. */
#define VERIFY_QUEUE_PER_SENDER 8
/* Frames waiting in all; also the most senders that can have a frame waiting at once. */
#define VERIFY_QUEUE_TOTAL 64
/* The ESP-NOW v1 payload limit (docs/protocol.md section 1). */
#define VERIFY_FRAME_MAX 250
#define VERIFY_MAC_LEN 6

/* Why a frame was dropped before its verify. */
typedef enum {
    /* Its sender already had VERIFY_QUEUE_PER_SENDER frames waiting. */
    VERIFY_DROP_SENDER_FULL = 0,
    /* Every slot was taken and its sender had the longest queue (or tied for it). */
    VERIFY_DROP_TOTAL_FULL,
    /* It was waiting, and was pushed out to make room for a frame of a sender with a shorter queue. */
    VERIFY_DROP_PUSHED_OUT,
    /* Longer than VERIFY_FRAME_MAX. */
    VERIFY_DROP_TOO_LONG,
    VERIFY_DROP_REASON_COUNT
} verify_drop_reason_t;

typedef struct {
    uint8_t frame[VERIFY_FRAME_MAX];
    size_t len;
    uint8_t mac[VERIFY_MAC_LEN];
    char device_id[CORE_DEVICE_ID_LEN];
    int32_t rssi;
} verify_item_t;

typedef struct {
    verify_item_t item;
    /* The next frame of the same sender, or -1. */
    int16_t next;
} verify_entry_t;

typedef struct {
    uint8_t mac[VERIFY_MAC_LEN];
    char device_id[CORE_DEVICE_ID_LEN];
    int16_t head;
    int16_t tail;
    /* Frames waiting; 0 means the slot is free. */
    uint16_t count;
} verify_sender_t;

typedef struct {
    verify_entry_t entries[VERIFY_QUEUE_TOTAL];
    int16_t free_head;
    verify_sender_t senders[VERIFY_QUEUE_TOTAL];
    /* The sender slot served last; the round continues after it. */
    uint16_t last_served;
    uint32_t waiting;

    uint32_t verifies_per_sec;
    /* The clock second the remaining budget belongs to. */
    uint32_t budget_second;
    uint32_t budget_left;
    bool budget_started;

    uint32_t queued;
    uint32_t served;
    uint32_t dropped[VERIFY_DROP_REASON_COUNT];
} verify_budget_t;

/* Empties every queue and sets the rate: `verifies_per_sec` from 1 to VERIFY_BUDGET_MAX_PER_SEC, or
 * 0 for VERIFY_BUDGET_DEFAULT_PER_SEC. Returns 0, or -1 (and the default rate) for a rate above
 * the maximum. */
int verify_budget_init(verify_budget_t *budget, uint32_t verifies_per_sec);

/* Queues a frame of the sender (`mac`, `device_id`). Returns true when it was queued; false when it
 * was dropped, counted under its reason. When every slot is taken, the oldest frame of the longest
 * queue is pushed out for it, unless its own sender has the longest queue. */
bool verify_budget_push(verify_budget_t *budget, const uint8_t *frame, size_t len,
                        const uint8_t mac[VERIFY_MAC_LEN], const char *device_id, int32_t rssi);

/* Takes the next frame in round-robin order into `out` when one is waiting and the budget of the
 * clock second `now` is not spent. Returns false otherwise, leaving `out` untouched. */
bool verify_budget_pop(verify_budget_t *budget, uint32_t now, verify_item_t *out);

/* Frames waiting in all. */
uint32_t verify_budget_waiting(const verify_budget_t *budget);

/* The drop reason's name for status pages and logs, e.g. "SENDER_QUEUE_FULL". */
const char *verify_budget_drop_name(verify_drop_reason_t reason);

#endif
