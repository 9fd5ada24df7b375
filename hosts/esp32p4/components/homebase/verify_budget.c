#include "verify_budget.h"

#include <string.h>

static const char *const s_drop_names[VERIFY_DROP_REASON_COUNT] = {
    [VERIFY_DROP_SENDER_FULL] = "SENDER_QUEUE_FULL",
    [VERIFY_DROP_TOTAL_FULL] = "QUEUE_FULL",
    [VERIFY_DROP_PUSHED_OUT] = "PUSHED_OUT",
    [VERIFY_DROP_TOO_LONG] = "FRAME_TOO_LONG",
};

int verify_budget_init(verify_budget_t *budget, uint32_t verifies_per_sec)
{
    int result = 0;

    memset(budget, 0, sizeof *budget);
    for (int16_t i = 0; i < VERIFY_QUEUE_TOTAL; i++) {
        budget->entries[i].next = (int16_t)(i + 1 < VERIFY_QUEUE_TOTAL ? i + 1 : -1);
    }
    budget->free_head = 0;
    budget->last_served = VERIFY_QUEUE_TOTAL - 1;

    if (verifies_per_sec > VERIFY_BUDGET_MAX_PER_SEC) {
        result = -1;
        verifies_per_sec = 0;
    }
    budget->verifies_per_sec = verifies_per_sec != 0 ? verifies_per_sec : VERIFY_BUDGET_DEFAULT_PER_SEC;
    return result;
}

static bool same_sender(const verify_sender_t *sender, const uint8_t mac[VERIFY_MAC_LEN],
                        const char *device_id)
{
    return memcmp(sender->mac, mac, VERIFY_MAC_LEN) == 0 &&
           strncmp(sender->device_id, device_id, CORE_DEVICE_ID_LEN) == 0;
}

/* The slot of the sender's queue, or of a free slot (count 0), or -1 when neither exists. */
static int find_sender(const verify_budget_t *budget, const uint8_t mac[VERIFY_MAC_LEN],
                       const char *device_id)
{
    int free_slot = -1;

    for (int i = 0; i < VERIFY_QUEUE_TOTAL; i++) {
        const verify_sender_t *sender = &budget->senders[i];

        if (sender->count > 0 && same_sender(sender, mac, device_id)) {
            return i;
        }
        if (sender->count == 0 && free_slot < 0) {
            free_slot = i;
        }
    }
    return free_slot;
}

static int longest_queue(const verify_budget_t *budget)
{
    int longest = 0;

    for (int i = 1; i < VERIFY_QUEUE_TOTAL; i++) {
        if (budget->senders[i].count > budget->senders[longest].count) {
            longest = i;
        }
    }
    return longest;
}

/* Unlinks the oldest frame of sender `slot` and returns its entry to the free list. */
static int16_t take_head(verify_budget_t *budget, int slot)
{
    verify_sender_t *sender = &budget->senders[slot];
    int16_t index = sender->head;

    sender->head = budget->entries[index].next;
    sender->count--;
    if (sender->count == 0) {
        sender->tail = -1;
    }
    budget->waiting--;
    return index;
}

static void release_entry(verify_budget_t *budget, int16_t index)
{
    budget->entries[index].next = budget->free_head;
    budget->free_head = index;
}

bool verify_budget_push(verify_budget_t *budget, const uint8_t *frame, size_t len,
                        const uint8_t mac[VERIFY_MAC_LEN], const char *device_id, int32_t rssi)
{
    int slot = find_sender(budget, mac, device_id);
    uint16_t own_count = slot >= 0 ? budget->senders[slot].count : 0;
    verify_sender_t *sender;
    verify_entry_t *entry;
    int16_t index;

    if (len > VERIFY_FRAME_MAX) {
        budget->dropped[VERIFY_DROP_TOO_LONG]++;
        return false;
    }
    if (own_count >= VERIFY_QUEUE_PER_SENDER) {
        budget->dropped[VERIFY_DROP_SENDER_FULL]++;
        return false;
    }

    /* Full: the longest queue gives up its oldest frame, unless this sender's queue is that long. */
    if (budget->free_head < 0) {
        int longest = longest_queue(budget);

        if (budget->senders[longest].count <= own_count + 1) {
            budget->dropped[VERIFY_DROP_TOTAL_FULL]++;
            return false;
        }
        release_entry(budget, take_head(budget, longest));
        budget->dropped[VERIFY_DROP_PUSHED_OUT]++;
        if (slot < 0) {
            slot = find_sender(budget, mac, device_id);
        }
    }

    /* Every waiting frame holds one sender slot at most, so a free entry means a free slot. */
    sender = &budget->senders[slot];
    if (sender->count == 0) {
        memcpy(sender->mac, mac, VERIFY_MAC_LEN);
        memset(sender->device_id, 0, sizeof sender->device_id);
        strncpy(sender->device_id, device_id, CORE_DEVICE_ID_LEN - 1);
        sender->head = -1;
        sender->tail = -1;
    }

    index = budget->free_head;
    entry = &budget->entries[index];
    budget->free_head = entry->next;
    memcpy(entry->item.frame, frame, len);
    entry->item.len = len;
    memcpy(entry->item.mac, mac, VERIFY_MAC_LEN);
    memcpy(entry->item.device_id, sender->device_id, CORE_DEVICE_ID_LEN);
    entry->item.rssi = rssi;
    entry->next = -1;

    if (sender->tail >= 0) {
        budget->entries[sender->tail].next = index;
    } else {
        sender->head = index;
    }
    sender->tail = index;
    sender->count++;
    budget->waiting++;
    budget->queued++;
    return true;
}

/* True when one more verify fits the budget of second `now`; takes it. */
static bool take_budget(verify_budget_t *budget, uint32_t now)
{
    if (!budget->budget_started || now != budget->budget_second) {
        budget->budget_started = true;
        budget->budget_second = now;
        budget->budget_left = budget->verifies_per_sec;
    }
    if (budget->budget_left == 0) {
        return false;
    }
    budget->budget_left--;
    return true;
}

bool verify_budget_pop(verify_budget_t *budget, uint32_t now, verify_item_t *out)
{
    int16_t index;
    int slot = -1;

    if (budget->waiting == 0) {
        return false;
    }
    for (int step = 1; step <= VERIFY_QUEUE_TOTAL; step++) {
        int candidate = (budget->last_served + step) % VERIFY_QUEUE_TOTAL;

        if (budget->senders[candidate].count > 0) {
            slot = candidate;
            break;
        }
    }
    if (slot < 0 || !take_budget(budget, now)) {
        return false;
    }

    index = take_head(budget, slot);
    *out = budget->entries[index].item;
    release_entry(budget, index);
    budget->last_served = (uint16_t)slot;
    budget->served++;
    return true;
}

uint32_t verify_budget_waiting(const verify_budget_t *budget)
{
    return budget->waiting;
}

const char *verify_budget_drop_name(verify_drop_reason_t reason)
{
    return reason < VERIFY_DROP_REASON_COUNT ? s_drop_names[reason] : "UNKNOWN";
}
