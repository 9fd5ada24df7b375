import { test } from "uvu";
import * as assert from "uvu/assert";
import { STATUS, freshCore, setDevice, writeFrame } from "./helpers.ts";
import { garden, makeFrame, porch } from "./accept_helpers.ts";

test("device_set then device_find finds the slot of a decoded frame", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 7, "porch", porch.publicKey), STATUS.OK);

  const frame = makeFrame(1);
  writeFrame(core, frame);
  assert.is(core.exports.frame_decode(frame.length), STATUS.OK);
  assert.is(core.exports.device_find(), 7);
});

test("device_find returns -1 for an unknown id", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 0, "garden", garden.publicKey), STATUS.OK);

  const frame = makeFrame(1);
  writeFrame(core, frame);
  assert.is(core.exports.frame_decode(frame.length), STATUS.OK);
  assert.is(core.exports.device_find(), -1);
});

test("device_find does not match a prefix of an id", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 0, "porch2", porch.publicKey), STATUS.OK);

  const frame = makeFrame(1);
  writeFrame(core, frame);
  core.exports.frame_decode(frame.length);
  assert.is(core.exports.device_find(), -1);
});

test("device_clear empties a slot", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 3, "porch", porch.publicKey), STATUS.OK);
  assert.is(core.exports.device_clear(3), STATUS.OK);

  const frame = makeFrame(1);
  writeFrame(core, frame);
  core.exports.frame_decode(frame.length);
  assert.is(core.exports.device_find(), -1);
  assert.is(core.exports.device_online(3), 0);
});

test("device_set and device_clear reject a slot out of range", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 32, "porch", porch.publicKey), STATUS.DEVICE_BAD_SLOT);
  assert.is(setDevice(core, -1, "porch", porch.publicKey), STATUS.DEVICE_BAD_SLOT);
  assert.is(core.exports.device_clear(32), STATUS.DEVICE_BAD_SLOT);
  assert.is(core.exports.device_clear(-1), STATUS.DEVICE_BAD_SLOT);
  assert.is(setDevice(core, 31, "porch", porch.publicKey), STATUS.OK);
});

test("device_set rejects ids that break the device id rule", async () => {
  const core = await freshCore();
  const badIds: Array<[string, Buffer]> = [
    ["empty", Buffer.alloc(16)],
    ["16 characters without a NUL", Buffer.from("abcdefghijklmnop")],
    ["a dot", Buffer.from("porch.cam")],
    ["a space", Buffer.from("porch cam")],
    ["a byte after the NUL", Buffer.from([0x61, 0x00, 0x62])],
    ["a non-ASCII byte", Buffer.from([0x61, 0xc3, 0xa9])],
  ];
  for (const [name, id] of badIds) {
    assert.is(setDevice(core, 0, id, porch.publicKey), STATUS.FRAME_BAD_DEVICE_ID, name);
  }

  // Nothing was stored by the rejected calls.
  const frame = makeFrame(1);
  writeFrame(core, frame);
  core.exports.frame_decode(frame.length);
  assert.is(core.exports.device_find(), -1);
});

test("device_set accepts an id of 15 characters", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 0, "A-z_0123456789b", porch.publicKey), STATUS.OK);
});

test("a new device is offline and never seen", async () => {
  const core = await freshCore();
  assert.is(setDevice(core, 2, "porch", porch.publicKey), STATUS.OK);
  assert.is(core.exports.device_online(2), 0);
  assert.is(core.exports.device_last_seen(2), 0);
  assert.is(core.exports.device_highest_seq(2), 0);
});

test("status getters return 0 for a slot out of range", async () => {
  const core = await freshCore();
  assert.is(core.exports.device_online(99), 0);
  assert.is(core.exports.device_last_seen(99), 0);
  assert.is(core.exports.device_highest_seq(-1), 0);
});

test.run();
