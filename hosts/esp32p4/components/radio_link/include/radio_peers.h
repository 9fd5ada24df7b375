/* The ESP-NOW peer list of the radio co-processor. ESP-NOW sends only to addresses in its peer
 * list, which holds at most ESP_NOW_MAX_TOTAL_PEER_NUM entries (20 in ESP-IDF v5's esp_now.h,
 * counting the broadcast address), fewer than the HOMEMESH_MAX_DEVICES devices of a home base. So
 * before each send the co-processor makes the destination a peer, and when the list is full it
 * removes the peer it sent to least recently.
 *
 * The broadcast address, once added, is never removed: beacons go to it every few seconds. Order
 * comes from a use counter, not a clock, so the table needs no time source. */
#ifndef RADIO_PEERS_H
#define RADIO_PEERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "homemesh_limits.h"
#include "link_message.h"

/* ESP_NOW_MAX_TOTAL_PEER_NUM (ESP-IDF v5, esp_now.h). */
#define RADIO_PEERS_CAPACITY 20

typedef enum {
    RADIO_PEER_PRESENT = 0,     /* already a peer; nothing to do */
    RADIO_PEER_ADDED = 1,       /* add it to ESP-NOW (esp_now_add_peer) */
    RADIO_PEER_ADDED_EVICTED = 2, /* remove `evicted` from ESP-NOW first, then add this one */
} radio_peer_result_t;

typedef struct {
    uint8_t mac[LINK_MAC_LEN];
    uint64_t last_used;
    bool in_use;
} radio_peer_t;

typedef struct {
    radio_peer_t peers[RADIO_PEERS_CAPACITY];
    uint64_t use_counter;
    uint32_t evictions;
} radio_peers_t;

void radio_peers_init(radio_peers_t *peers);

/* Marks `mac` as used now and makes it a peer. When the list is full, the least recently used
 * unicast peer makes room and its address is copied to `evicted`. */
radio_peer_result_t radio_peers_prepare(radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN],
                                        uint8_t evicted[LINK_MAC_LEN]);

/* Forgets `mac`, e.g. after ESP-NOW refused to add it. Does nothing when it is no peer. */
void radio_peers_remove(radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN]);

bool radio_peers_contains(const radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN]);

size_t radio_peers_count(const radio_peers_t *peers);

bool radio_mac_is_broadcast(const uint8_t mac[LINK_MAC_LEN]);

#endif
