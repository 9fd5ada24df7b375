import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { signerFromSeed, seedFromLabel } from "../vectors/encode.ts";
import { freshCore, writeDeviceId, writeKey } from "./helpers.ts";
import { T0, accept, makeFrame, porch, registerDevices } from "./accept_helpers.ts";

const porchNext = signerFromSeed(seedFromLabel("test device porch, next key"));

async function rotating(): Promise<CoreHandle> {
  const core = await freshCore();
  registerDevices(core);
  writeKey(core, porchNext.publicKey);
  if (core.exports.device_set_next_key(0) !== 0) throw new Error("device_set_next_key failed");
  return core;
}

test("during a rotation frames under the old key are taken and keep the next key", async () => {
  const core = await rotating();
  assert.is(accept(core, makeFrame(1)), 0);
  assert.is(core.exports.frame_key_rotated(), 0);
  assert.is(core.exports.device_has_next_key(0), 1);
});

test("the first frame under the next key makes it the key and forgets the old one", async () => {
  const core = await rotating();
  assert.is(accept(core, makeFrame(2, { signer: porchNext })), 0);
  assert.is(core.exports.frame_key_rotated(), 1);
  assert.is(core.exports.device_has_next_key(0), 0);

  assert.is(core.statusName(accept(core, makeFrame(3))), "SIGNATURE_INVALID");
  assert.is(accept(core, makeFrame(4, { signer: porchNext })), 0);
  assert.is(core.exports.frame_key_rotated(), 0);
});

test("a frame under neither key is SIGNATURE_INVALID and rotates nothing", async () => {
  const core = await rotating();
  const stranger = signerFromSeed(seedFromLabel("stranger"));
  assert.is(core.statusName(accept(core, makeFrame(1, { signer: stranger }))), "SIGNATURE_INVALID");
  assert.is(core.exports.device_has_next_key(0), 1);
  assert.is(core.exports.device_highest_seq(0), 0);
});

test("device_set_next_key refuses an empty slot or one out of range", async () => {
  const core = await freshCore();
  registerDevices(core);
  assert.is(core.statusName(core.exports.device_set_next_key(5)), "DEVICE_BAD_SLOT");
  assert.is(core.statusName(core.exports.device_set_next_key(32)), "DEVICE_BAD_SLOT");
  assert.is(core.exports.device_has_next_key(5), 0);
});

test("device_set clears a waiting next key", async () => {
  const core = await rotating();
  writeKey(core, porch.publicKey);
  writeDeviceId(core, "porch");
  assert.is(core.exports.device_set(0), 0);
  assert.is(core.exports.device_has_next_key(0), 0);
});

test("frame_precheck runs the cheap checks and changes nothing", async () => {
  const core = await rotating();
  const frame = makeFrame(10);
  core.write(core.exports.buffer_frame(), frame, 256);
  assert.is(core.exports.frame_precheck(frame.length, T0), 0);
  assert.is(core.exports.frame_precheck(frame.length, T0), 0);
  assert.is(core.exports.device_highest_seq(0), 0);
  assert.is(core.exports.device_online(0), 0);

  const command = makeFrame(11, { type: 4, payload: '{"id":1,"cmd":"reboot"}' });
  core.write(core.exports.buffer_frame(), command, 256);
  assert.is(core.statusName(core.exports.frame_precheck(command.length, T0)), "FRAME_WRONG_DIRECTION");
});

test.run();
