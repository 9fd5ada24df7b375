import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { freshCore, writeDeviceId, writeFrame } from "./helpers.ts";
import { T0, accept, makeFrame, registerDevices } from "./accept_helpers.ts";
import { commandFrame } from "./v1_helpers.ts";

const KEY_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase";

async function homeBase(): Promise<CoreHandle> {
  const core = await freshCore();
  registerDevices(core);
  writeDeviceId(core, "homebase");
  core.exports.self_set();
  core.write(core.exports.buffer_key_id(), Buffer.from(KEY_ID), 64);
  if (core.exports.batch_configure(KEY_ID.length, 60, 1) !== 0) throw new Error("batch_configure failed");
  return core;
}

function exportState(core: CoreHandle, now: number = T0): Buffer {
  return core.read(core.exports.buffer_state(), core.exports.replay_export(now));
}

function importState(core: CoreHandle, state: Buffer, now: number = T0): string {
  core.write(core.exports.buffer_state(), state, core.exports.buffer_state_size());
  return core.statusName(core.exports.replay_import(state.length, now));
}

function acceptCommand(core: CoreHandle, frame: Buffer): string {
  writeFrame(core, frame);
  return core.statusName(core.exports.command_accept(frame.length, T0));
}

/** The expected state, written from the table of docs/core-abi.md. */
function stateBytes(batchFloor: number, selfFloor: number, devices: Array<[string, number, number]>, nonces: Array<[string, number]>): Buffer {
  const head = Buffer.alloc(14);
  head.write("HMR1", 0, "ascii");
  head.writeUInt32LE(batchFloor, 4);
  head.writeUInt32LE(selfFloor, 8);
  head[12] = devices.length;
  head[13] = nonces.length;
  const records = devices.map(([id, frameFloor, commandFloor]) => {
    const record = Buffer.alloc(24);
    record.write(id, 0, "ascii");
    record.writeUInt32LE(frameFloor, 16);
    record.writeUInt32LE(commandFloor, 20);
    return record;
  });
  const nonceRecords = nonces.map(([text, timestamp]) => {
    const record = Buffer.alloc(36);
    record.write(text, 0, "ascii");
    record.writeUInt32LE(timestamp, 32);
    return record;
  });
  return Buffer.concat([head, ...records, ...nonceRecords]);
}

test("the first accepted seq raises the frame floor to seq + 64 and sets replay_floor_due", async () => {
  const core = await homeBase();
  assert.is(core.exports.replay_floor_due(), 0);
  assert.is(accept(core, makeFrame(10)), 0);
  assert.is(core.exports.device_frame_floor(0), 74);
  assert.is(core.exports.replay_floor_due(), 1);
});

test("the frame floor moves only for a seq above it", async () => {
  const core = await homeBase();
  accept(core, makeFrame(10));
  exportState(core);

  assert.is(accept(core, makeFrame(74)), 0);
  assert.is(core.exports.device_frame_floor(0), 74);
  assert.is(core.exports.replay_floor_due(), 0);

  assert.is(accept(core, makeFrame(75)), 0);
  assert.is(core.exports.device_frame_floor(0), 139);
  assert.is(core.exports.replay_floor_due(), 1);
});

test("a floor never passes 4294967295", async () => {
  const core = await homeBase();
  assert.is(accept(core, makeFrame(4294967290)), 0);
  assert.is(core.exports.device_frame_floor(0) >>> 0, 4294967295);
});

test("sealing raises the batch floor at or above it", async () => {
  const core = await homeBase();
  assert.ok(core.exports.batch_seal(T0) > 0);
  assert.is(core.exports.batch_floor(), 65);
  exportState(core);
  for (let seq = 2; seq <= 64; seq++) core.exports.batch_seal(T0);
  assert.is(core.exports.replay_floor_due(), 0);
  core.exports.batch_seal(T0);
  assert.is(core.exports.batch_sealed_seq(), 65);
  assert.is(core.exports.batch_floor(), 129);
  assert.is(core.exports.replay_floor_due(), 1);
});

test("replay_export writes the documented format byte for byte and clears replay_floor_due", async () => {
  const core = await homeBase();
  accept(core, makeFrame(10));
  assert.is(acceptCommand(core, commandFrame('{"id":1,"cmd":"reboot"}', "garden", 20)), "OK");
  assert.is(acceptCommand(core, commandFrame('{"id":1,"cmd":"device_revoke","device":"x"}', "homebase", 4294967295)), "OK");
  core.exports.batch_seal(T0);

  const expected = stateBytes(65, 4294967295, [["porch", 74, 0], ["garden", 0, 84]], []);
  assert.equal(exportState(core), expected);
  assert.is(core.exports.replay_floor_due(), 0);
});

test("after an import every seq at or below a floor is REPLAY_BELOW_FLOOR", async () => {
  const first = await homeBase();
  accept(first, makeFrame(10));
  acceptCommand(first, commandFrame('{"id":1,"cmd":"reboot"}', "porch", 5));
  const state = exportState(first);

  const core = await homeBase();
  assert.is(importState(core, state), "OK");
  assert.is(core.exports.device_frame_floor(0), 74);
  assert.is(core.statusName(accept(core, makeFrame(10))), "REPLAY_BELOW_FLOOR");
  assert.is(core.statusName(accept(core, makeFrame(74))), "REPLAY_BELOW_FLOOR");
  assert.is(acceptCommand(core, commandFrame('{"id":1,"cmd":"reboot"}', "porch", 69)), "REPLAY_BELOW_FLOOR");
  assert.is(acceptCommand(core, commandFrame('{"id":1,"cmd":"reboot"}', "porch", 70)), "OK");

  assert.is(accept(core, makeFrame(75)), 0);
  assert.is(core.exports.device_frame_floor(0), 139);
});

test("an import moves the next batch seq up to the batch floor", async () => {
  const core = await homeBase();
  assert.is(importState(core, stateBytes(300, 0, [], [])), "OK");
  assert.is(core.exports.batch_next_seq(), 300);
  assert.is(core.exports.batch_floor(), 300);
  core.exports.batch_seal(T0);
  assert.is(core.exports.batch_sealed_seq(), 300);
  assert.is(core.exports.batch_floor(), 364);
});

test("an import skips records of unknown ids and restores live nonces only", async () => {
  const core = await homeBase();
  const live = "0".repeat(31) + "1";
  const stale = "0".repeat(31) + "2";
  const state = stateBytes(0, 80, [["attic", 500, 500], ["garden", 100, 0]], [[stale, T0 - 301], [live, T0 - 300]]);
  assert.is(importState(core, state), "OK");
  assert.is(core.exports.device_frame_floor(1), 100);
  assert.is(core.exports.self_command_floor(), 80);
  assert.equal(exportState(core), stateBytes(0, 80, [["porch", 0, 0], ["garden", 100, 0]], [[live, T0 - 300]]));
});

test("an import of anything but a state is STATE_BAD_FORMAT and changes nothing", async () => {
  const core = await homeBase();
  const good = stateBytes(0, 0, [["porch", 100, 0]], [["a".repeat(32), T0]]);
  const badMagic = Buffer.from(good);
  badMagic[3] = 0x32;
  const badId = Buffer.from(good);
  badId[14 + 5] = 0x2e;
  const badNonce = Buffer.from(good);
  badNonce[38] = 0x41;
  const tooMany = Buffer.from(good);
  tooMany[12] = 33;
  const bad = [good.subarray(0, 13), good.subarray(0, good.length - 1), Buffer.concat([good, Buffer.alloc(1)]), badMagic, badId, badNonce, tooMany];
  for (const state of bad) assert.is(importState(core, state), "STATE_BAD_FORMAT", state.toString("hex"));
  assert.is(core.exports.device_frame_floor(0), 0);
  assert.is(accept(core, makeFrame(1)), 0);
});

test.run();
