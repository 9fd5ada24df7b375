import { test } from "uvu";
import * as assert from "uvu/assert";
import { FRAME_TYPE, addGroupOrder, flipBits } from "../vectors/encode.ts";
import { STATUS, vectorStillValid, freshCore, fromHex, readVectors, setDevice, writeNetworkKey } from "./helpers.ts";
import { T0, accept, garden, makeFrame, network, porch, registerDevices } from "./accept_helpers.ts";

async function registeredCore() {
  const core = await freshCore();
  registerDevices(core);
  return core;
}

test("frame_accept takes a good frame and brings its device online", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(10), T0 + 5), STATUS.OK);

  assert.is(core.exports.frame_slot(), 0);
  assert.is(core.exports.frame_came_online(), 1);
  assert.is(core.exports.device_online(0), 1);
  assert.is(core.exports.device_last_seen(0), T0 + 5);
  assert.is(core.exports.device_highest_seq(0), 10);
  assert.is(core.exports.device_online(1), 0);
});

test("frame_came_online is 0 for a device already online", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1)), STATUS.OK);
  assert.is(accept(core, makeFrame(2)), STATUS.OK);
  assert.is(core.exports.frame_came_online(), 0);
});

test("frame_accept finds each device's slot and key", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1, { deviceId: "garden", signer: garden })), STATUS.OK);
  assert.is(core.exports.frame_slot(), 1);

  // The porch key does not sign for garden.
  assert.is(accept(core, makeFrame(2, { deviceId: "garden", signer: porch })), STATUS.SIGNATURE_INVALID);
});

test("frame_accept runs the form checks first", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1).subarray(0, 90)), STATUS.FRAME_TOO_SHORT);
  assert.is(accept(core, makeFrame(1, { payload: "[]" })), STATUS.FRAME_BAD_JSON);
});

test("frame_accept rejects a device not in the table", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1, { deviceId: "attic" })), STATUS.FRAME_UNKNOWN_DEVICE);
});

test("frame_accept allows 300 seconds of skew either way and no more", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1, { timestamp: T0 - 300 })), STATUS.OK);
  assert.is(accept(core, makeFrame(2, { timestamp: T0 + 300 })), STATUS.OK);
  assert.is(accept(core, makeFrame(3, { timestamp: T0 - 301 })), STATUS.FRAME_TIMESTAMP_SKEW);
  assert.is(accept(core, makeFrame(4, { timestamp: T0 + 301 })), STATUS.FRAME_TIMESTAMP_SKEW);
});

test("skew is checked before the replay window", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(5)), STATUS.OK);
  assert.is(accept(core, makeFrame(5, { timestamp: T0 + 1000 })), STATUS.FRAME_TIMESTAMP_SKEW);
});

test("replay window rejects the highest seq again", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(100)), STATUS.OK);
  assert.is(accept(core, makeFrame(100)), STATUS.REPLAY_DUPLICATE);
});

test("replay window takes 63 below the highest and rejects 64 below", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(100)), STATUS.OK);
  assert.is(accept(core, makeFrame(37)), STATUS.OK);
  assert.is(accept(core, makeFrame(37)), STATUS.REPLAY_DUPLICATE);
  assert.is(accept(core, makeFrame(36)), STATUS.REPLAY_TOO_OLD);
  assert.is(accept(core, makeFrame(0)), STATUS.REPLAY_TOO_OLD);
});

test("replay window takes frames out of order inside the window once each", async () => {
  const core = await registeredCore();
  for (const seq of [50, 48, 49, 45, 51, 47]) {
    assert.is(accept(core, makeFrame(seq)), STATUS.OK, `seq ${seq}`);
  }
  for (const seq of [45, 47, 48, 49, 50, 51]) {
    assert.is(accept(core, makeFrame(seq)), STATUS.REPLAY_DUPLICATE, `seq ${seq} again`);
  }
  assert.is(accept(core, makeFrame(46)), STATUS.OK);
  assert.is(core.exports.device_highest_seq(0), 51);
});

test("replay window slides after a seq far above the highest", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(10)), STATUS.OK);
  assert.is(accept(core, makeFrame(1_000_000)), STATUS.OK);
  assert.is(core.exports.device_highest_seq(0), 1_000_000);
  assert.is(accept(core, makeFrame(10)), STATUS.REPLAY_TOO_OLD);
  assert.is(accept(core, makeFrame(999_937)), STATUS.OK);
  assert.is(accept(core, makeFrame(999_936)), STATUS.REPLAY_TOO_OLD);
});

test("replay window keeps marks when it slides by less than 64", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(10)), STATUS.OK);
  assert.is(accept(core, makeFrame(73)), STATUS.OK);
  assert.is(accept(core, makeFrame(10)), STATUS.REPLAY_DUPLICATE);
  assert.is(accept(core, makeFrame(11)), STATUS.OK);
  assert.is(accept(core, makeFrame(74)), STATUS.OK);
  assert.is(accept(core, makeFrame(10)), STATUS.REPLAY_TOO_OLD);
  assert.is(accept(core, makeFrame(11)), STATUS.REPLAY_DUPLICATE);
});

test("a fresh window takes seq 0 and the u32 maximum", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(0)), STATUS.OK);
  assert.is(accept(core, makeFrame(0)), STATUS.REPLAY_DUPLICATE);
  assert.is(accept(core, makeFrame(0xffffffff)), STATUS.OK);
  assert.is(core.exports.device_highest_seq(0) >>> 0, 0xffffffff);
});

test("a bad signature changes no state", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(5), T0), STATUS.OK);
  assert.is(core.exports.device_expire(T0 + 100, 90), 0);
  assert.is(core.exports.device_online(0), 0);

  const good = makeFrame(6);
  const sigOffset = good.length - 64;
  assert.is(accept(core, flipBits(good, sigOffset + 3, 0x10), T0 + 120), STATUS.SIGNATURE_INVALID);
  assert.is(accept(core, addGroupOrder(good, sigOffset), T0 + 120), STATUS.SIGNATURE_NONCANONICAL);
  assert.is(accept(core, makeFrame(7, { signer: garden }), T0 + 120), STATUS.SIGNATURE_INVALID);

  assert.is(core.exports.device_online(0), 0);
  assert.is(core.exports.device_last_seen(0), T0);
  assert.is(core.exports.device_highest_seq(0), 5);

  // The seq of the forged frame is still free for the real one.
  assert.is(accept(core, good, T0 + 120), STATUS.OK);
  assert.is(core.exports.frame_came_online(), 1);
});

test("a replayed frame is rejected before its signature is checked", async () => {
  const core = await registeredCore();
  const frame = makeFrame(9);
  assert.is(accept(core, frame), STATUS.OK);
  assert.is(accept(core, addGroupOrder(frame, frame.length - 64)), STATUS.REPLAY_DUPLICATE);
});

test("frame_accept refuses a valid command as the wrong direction", async () => {
  const core = await registeredCore();
  const command = makeFrame(1, { type: FRAME_TYPE.command, payload: '{"id":1,"cmd":"reboot"}', signer: network });
  assert.is(accept(core, command), STATUS.FRAME_WRONG_DIRECTION);
  assert.is(core.exports.device_highest_seq(0), 0);
});

test("device_set gives a slot a fresh window", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(40)), STATUS.OK);
  assert.is(setDevice(core, 0, "porch", porch.publicKey), STATUS.OK);
  assert.is(core.exports.device_online(0), 0);
  assert.is(accept(core, makeFrame(40)), STATUS.OK);
});

test("device_expire marks silent devices offline one at a time", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1), T0), STATUS.OK);
  assert.is(accept(core, makeFrame(1, { deviceId: "garden", signer: garden }), T0 + 30), STATUS.OK);

  assert.is(core.exports.device_expire(T0 + 89, 90), -1);
  assert.is(core.exports.device_expire(T0 + 90, 90), 0);
  assert.is(core.exports.device_online(0), 0);
  assert.is(core.exports.device_expire(T0 + 90, 90), -1);
  assert.is(core.exports.device_online(1), 1);

  assert.is(core.exports.device_expire(T0 + 500, 90), 1);
  assert.is(core.exports.device_expire(T0 + 500, 90), -1);
});

test("device_expire ignores devices seen after now", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1), T0), STATUS.OK);
  assert.is(core.exports.device_expire(T0 - 1000, 90), -1);
  assert.is(core.exports.device_online(0), 1);
});

test("a device that went offline comes online again", async () => {
  const core = await registeredCore();
  assert.is(accept(core, makeFrame(1), T0), STATUS.OK);
  assert.is(core.exports.device_expire(T0 + 200, 90), 0);
  assert.is(accept(core, makeFrame(2, { timestamp: T0 + 200 }), T0 + 200), STATUS.OK);
  assert.is(core.exports.frame_came_online(), 1);
});

interface AcceptVectors {
  source: string;
  network_public_key: string;
  devices: Array<{ slot: number; device_id: string; public_key: string }>;
  steps: Array<{ name: string; frame: string; now: number; status: string; slot?: number; came_online?: number; highest_seq?: number }>;
}

test("intake vectors give each step's result", async () => {
  const vectors = readVectors<AcceptVectors>("accept.json");
  assert.ok(vectors.source.length > 0);
  const core = await freshCore();
  writeNetworkKey(core, fromHex(vectors.network_public_key));
  for (const device of vectors.devices) {
    assert.is(setDevice(core, device.slot, device.device_id, fromHex(device.public_key)), STATUS.OK, device.device_id);
  }

  for (const step of vectors.steps.filter((item) => vectorStillValid(item.name))) {
    const status = accept(core, fromHex(step.frame), step.now);
    assert.is(core.statusName(status), step.status, step.name);
    if (step.slot === undefined) continue;

    assert.is(core.exports.frame_slot(), step.slot, `${step.name}: slot`);
    assert.is(core.exports.frame_came_online(), step.came_online, `${step.name}: came_online`);
    assert.is(core.exports.device_highest_seq(step.slot) >>> 0, step.highest_seq, `${step.name}: highest seq`);
    assert.is(core.exports.device_last_seen(step.slot) >>> 0, step.now, `${step.name}: last seen`);
  }
});

test.run();
