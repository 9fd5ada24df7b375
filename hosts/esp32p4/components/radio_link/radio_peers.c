#include "radio_peers.h"

#include <string.h>

void radio_peers_init(radio_peers_t *peers)
{
    memset(peers, 0, sizeof *peers);
}

bool radio_mac_is_broadcast(const uint8_t mac[LINK_MAC_LEN])
{
    static const uint8_t broadcast[LINK_MAC_LEN] = LINK_MAC_BROADCAST;

    return memcmp(mac, broadcast, LINK_MAC_LEN) == 0;
}

/* The index of `mac` in the table, or -1. */
static int find_index(const radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN])
{
    for (int i = 0; i < RADIO_PEERS_CAPACITY; i++) {
        if (peers->peers[i].in_use && memcmp(peers->peers[i].mac, mac, LINK_MAC_LEN) == 0) {
            return i;
        }
    }
    return -1;
}

static radio_peer_t *find_peer(radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN])
{
    int index = find_index(peers, mac);

    return index >= 0 ? &peers->peers[index] : NULL;
}

/* A free entry, or else the least recently used unicast peer (the broadcast address stays). */
static radio_peer_t *choose_slot(radio_peers_t *peers)
{
    radio_peer_t *oldest = NULL;

    for (size_t i = 0; i < RADIO_PEERS_CAPACITY; i++) {
        radio_peer_t *peer = &peers->peers[i];

        if (!peer->in_use) {
            return peer;
        }
        if (radio_mac_is_broadcast(peer->mac)) {
            continue;
        }
        if (oldest == NULL || peer->last_used < oldest->last_used) {
            oldest = peer;
        }
    }
    return oldest;
}

radio_peer_result_t radio_peers_prepare(radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN],
                                        uint8_t evicted[LINK_MAC_LEN])
{
    radio_peer_t *peer = find_peer(peers, mac);
    radio_peer_result_t result = RADIO_PEER_ADDED;

    peers->use_counter++;
    if (peer != NULL) {
        peer->last_used = peers->use_counter;
        return RADIO_PEER_PRESENT;
    }

    /* A table of RADIO_PEERS_CAPACITY >= 2 entries always has a unicast entry to give up. */
    peer = choose_slot(peers);
    if (peer->in_use) {
        memcpy(evicted, peer->mac, LINK_MAC_LEN);
        peers->evictions++;
        result = RADIO_PEER_ADDED_EVICTED;
    }
    memcpy(peer->mac, mac, LINK_MAC_LEN);
    peer->last_used = peers->use_counter;
    peer->in_use = true;
    return result;
}

void radio_peers_remove(radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN])
{
    radio_peer_t *peer = find_peer(peers, mac);

    if (peer != NULL) {
        memset(peer, 0, sizeof *peer);
    }
}

bool radio_peers_contains(const radio_peers_t *peers, const uint8_t mac[LINK_MAC_LEN])
{
    return find_index(peers, mac) >= 0;
}

size_t radio_peers_count(const radio_peers_t *peers)
{
    size_t count = 0;

    for (size_t i = 0; i < RADIO_PEERS_CAPACITY; i++) {
        count += peers->peers[i].in_use ? 1 : 0;
    }
    return count;
}
