/* Limits shared by the home base, its radio co-processor and the core.
 *
 * HOMEMESH_MAX_DEVICES is the one definition of MAX_DEVICES in C: the device table of core.wasm
 * has the same number of slots (core/assembly/device.ts, exported as device_capacity()), and a
 * test (test_radio_peers) checks that the two agree. */
#ifndef HOMEMESH_LIMITS_H
#define HOMEMESH_LIMITS_H

/* Devices one home base serves: slots in the core's device table and in the registry. */
#define HOMEMESH_MAX_DEVICES 32

#endif
