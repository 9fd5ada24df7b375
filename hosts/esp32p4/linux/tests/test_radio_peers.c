/* The co-processor's ESP-NOW peer list: add before send, evict the least recently used peer when
 * full, keep the broadcast address. The last test checks HOMEMESH_MAX_DEVICES against the core's
 * device_capacity(). */
#include "support.h"

#include <string.h>

#include "homemesh_limits.h"
#include "radio_peers.h"
#include "registry.h"

static void device_mac(uint8_t mac[LINK_MAC_LEN], unsigned index)
{
    static const uint8_t base[LINK_MAC_LEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };

    memcpy(mac, base, LINK_MAC_LEN);
    mac[4] = (uint8_t)(index >> 8);
    mac[5] = (uint8_t)(index & 0xff);
}

static void peers_add_until_full_then_evict_oldest(void **state)
{
    radio_peers_t peers;
    uint8_t mac[LINK_MAC_LEN];
    uint8_t evicted[LINK_MAC_LEN];
    uint8_t expected[LINK_MAC_LEN];

    (void)state;
    radio_peers_init(&peers);
    for (unsigned i = 0; i < RADIO_PEERS_CAPACITY; i++) {
        device_mac(mac, i);
        assert_int_equal(radio_peers_prepare(&peers, mac, evicted), RADIO_PEER_ADDED);
    }
    assert_int_equal(radio_peers_count(&peers), RADIO_PEERS_CAPACITY);

    /* Devices 20, 21 and 22 push out 0, 1 and 2, in the order they were added. */
    for (unsigned i = 0; i < 3; i++) {
        device_mac(mac, RADIO_PEERS_CAPACITY + i);
        assert_int_equal(radio_peers_prepare(&peers, mac, evicted), RADIO_PEER_ADDED_EVICTED);
        device_mac(expected, i);
        assert_memory_equal(evicted, expected, LINK_MAC_LEN);
        assert_false(radio_peers_contains(&peers, expected));
    }
    assert_int_equal(peers.evictions, 3);
    assert_int_equal(radio_peers_count(&peers), RADIO_PEERS_CAPACITY);
}

static void peers_use_refreshes_order(void **state)
{
    radio_peers_t peers;
    uint8_t mac[LINK_MAC_LEN];
    uint8_t evicted[LINK_MAC_LEN];
    uint8_t expected[LINK_MAC_LEN];

    (void)state;
    radio_peers_init(&peers);
    for (unsigned i = 0; i < RADIO_PEERS_CAPACITY; i++) {
        device_mac(mac, i);
        radio_peers_prepare(&peers, mac, evicted);
    }

    /* A send to device 0 makes device 1 the least recently used. */
    device_mac(mac, 0);
    assert_int_equal(radio_peers_prepare(&peers, mac, evicted), RADIO_PEER_PRESENT);
    device_mac(mac, 100);
    assert_int_equal(radio_peers_prepare(&peers, mac, evicted), RADIO_PEER_ADDED_EVICTED);
    device_mac(expected, 1);
    assert_memory_equal(evicted, expected, LINK_MAC_LEN);
    device_mac(mac, 0);
    assert_true(radio_peers_contains(&peers, mac));
}

static void peers_never_evict_broadcast(void **state)
{
    static const uint8_t broadcast[LINK_MAC_LEN] = LINK_MAC_BROADCAST;
    radio_peers_t peers;
    uint8_t mac[LINK_MAC_LEN];
    uint8_t evicted[LINK_MAC_LEN];

    (void)state;
    radio_peers_init(&peers);
    assert_int_equal(radio_peers_prepare(&peers, broadcast, evicted), RADIO_PEER_ADDED);

    /* Every one of the home base's devices in turn, twice: the broadcast entry stays. */
    for (unsigned round = 0; round < 2; round++) {
        for (unsigned i = 0; i < HOMEMESH_MAX_DEVICES; i++) {
            radio_peer_result_t result;

            device_mac(mac, i);
            result = radio_peers_prepare(&peers, mac, evicted);
            assert_int_not_equal(result, RADIO_PEER_PRESENT);
            if (result == RADIO_PEER_ADDED_EVICTED) {
                assert_false(radio_mac_is_broadcast(evicted));
            }
            assert_true(radio_peers_contains(&peers, broadcast));
        }
    }
    assert_int_equal(radio_peers_count(&peers), RADIO_PEERS_CAPACITY);
    assert_int_equal(peers.evictions, 2 * HOMEMESH_MAX_DEVICES - (RADIO_PEERS_CAPACITY - 1));
}

static void peers_remove_frees_entry(void **state)
{
    radio_peers_t peers;
    uint8_t mac[LINK_MAC_LEN];
    uint8_t evicted[LINK_MAC_LEN];

    (void)state;
    radio_peers_init(&peers);
    device_mac(mac, 5);
    radio_peers_prepare(&peers, mac, evicted);
    radio_peers_remove(&peers, mac);
    assert_false(radio_peers_contains(&peers, mac));
    assert_int_equal(radio_peers_count(&peers), 0);
    radio_peers_remove(&peers, mac);
    assert_int_equal(radio_peers_prepare(&peers, mac, evicted), RADIO_PEER_ADDED);
}

static void max_devices_equals_core_capacity(void **state)
{
    core_t core;
    engine_t *engine = test_open_engine(&core);

    (void)state;
    assert_int_equal(HOMEMESH_MAX_DEVICES, core_device_capacity(&core));
    assert_int_equal(REGISTRY_MAX_DEVICES, HOMEMESH_MAX_DEVICES);
    assert_true(RADIO_PEERS_CAPACITY < HOMEMESH_MAX_DEVICES);
    engine_destroy(engine);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(peers_add_until_full_then_evict_oldest),
        cmocka_unit_test(peers_use_refreshes_order),
        cmocka_unit_test(peers_never_evict_broadcast),
        cmocka_unit_test(peers_remove_frees_entry),
        cmocka_unit_test(max_devices_equals_core_capacity),
    };

    test_select_engine(argc, argv);
    return cmocka_run_group_tests_name("radio_peers", tests, NULL, NULL);
}
