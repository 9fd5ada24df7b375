import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { freshCore, writeDeviceId, writeFrame } from "./helpers.ts";
import { T0, porch, registerDevices } from "./accept_helpers.ts";
import { TYPE, commandFrame, signedFrame, base64Bytes } from "./v1_helpers.ts";

const REBOOT = '{"id":1,"cmd":"reboot"}';
const REVOKE = '{"id":1,"cmd":"device_revoke","device":"garden"}';

async function homeBase(): Promise<CoreHandle> {
  const core = await freshCore();
  registerDevices(core);
  writeDeviceId(core, "homebase");
  if (core.exports.self_set() !== 0) throw new Error("self_set failed");
  return core;
}

function acceptCommand(core: CoreHandle, frame: Buffer, now: number = T0): string {
  writeFrame(core, frame);
  return core.statusName(core.exports.command_accept(frame.length, now));
}

test("a new device command is OK and names its target's slot", async () => {
  const core = await homeBase();
  assert.is(acceptCommand(core, commandFrame(REBOOT, "garden", 5)), "OK");
  assert.is(core.exports.command_slot(), 1);
  assert.is(core.exports.command_code(), 1);
});

test("a config command for the home base is OK with command_slot -1", async () => {
  const core = await homeBase();
  assert.is(acceptCommand(core, commandFrame(REVOKE, "homebase", 5)), "OK");
  assert.is(core.exports.command_slot(), -1);
});

test("the same command again is COMMAND_REPEATED and changes no floor", async () => {
  const core = await homeBase();
  const frame = commandFrame(REBOOT, "porch", 7);
  assert.is(acceptCommand(core, frame), "OK");
  assert.is(core.exports.device_command_floor(0), 71);
  core.exports.replay_export(T0);

  assert.is(acceptCommand(core, frame), "COMMAND_REPEATED");
  assert.is(core.exports.command_slot(), 0);
  assert.is(core.exports.replay_floor_due(), 0);
});

test("a repeat with a bad signature is SIGNATURE_INVALID, not COMMAND_REPEATED", async () => {
  const core = await homeBase();
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 7)), "OK");
  const forged = signedFrame(TYPE.command, REBOOT, { deviceId: "porch", seq: 7, signer: porch });
  assert.is(acceptCommand(core, forged), "SIGNATURE_INVALID");
});

test("command_accept runs its checks in the documented order", async () => {
  const core = await homeBase();
  assert.is(acceptCommand(core, commandFrame('{"id":1,"cmd":"nope"}', "attic")), "COMMAND_UNKNOWN");
  assert.is(acceptCommand(core, signedFrame(TYPE.log, "{}")), "FRAME_WRONG_DIRECTION");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "attic", 1, T0 + 10000)), "FRAME_UNKNOWN_DEVICE");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "homebase", 1, T0 + 10000)), "COMMAND_WRONG_TARGET");
  assert.is(acceptCommand(core, commandFrame(REVOKE, "porch", 1, T0 + 10000)), "COMMAND_WRONG_TARGET");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 1, T0 + 301)), "FRAME_TIMESTAMP_SKEW");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 1, T0 + 300)), "OK");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 2, T0 - 86401)), "COMMAND_EXPIRED");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 2, T0 - 86400)), "OK");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 100)), "OK");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 36)), "REPLAY_TOO_OLD");
});

test("command windows are per target and apart from frame windows", async () => {
  const core = await homeBase();
  assert.is(acceptCommand(core, commandFrame(REBOOT, "porch", 3)), "OK");
  assert.is(acceptCommand(core, commandFrame(REBOOT, "garden", 3)), "OK");
  assert.is(acceptCommand(core, commandFrame(REVOKE, "homebase", 3)), "OK");
  assert.is(core.exports.device_highest_seq(0), 0);
  assert.is(core.exports.self_command_floor(), 67);
});

test("a command to the home base before self_set is FRAME_UNKNOWN_DEVICE", async () => {
  const core = await freshCore();
  registerDevices(core);
  assert.is(acceptCommand(core, commandFrame(REVOKE, "homebase")), "FRAME_UNKNOWN_DEVICE");
});

test("self_set refuses a bad device id", async () => {
  const core = await freshCore();
  writeDeviceId(core, "home base");
  assert.is(core.statusName(core.exports.self_set()), "FRAME_BAD_DEVICE_ID");
});

test("the command getters describe the accepted command", async () => {
  const core = await homeBase();
  const key = base64Bytes(32, 40);
  assert.is(acceptCommand(core, commandFrame(`{"id":9,"cmd":"device_rotate_key","device":"porch","key":"${key}"}`, "homebase", 9)), "OK");
  assert.is(core.exports.command_code(), 17);
  assert.is(core.read(core.exports.buffer_arg_device(), core.exports.command_device_len()).toString(), "porch");
  assert.is(core.read(core.exports.buffer_decoded(), 32).toString("base64"), key);
});

test.run();
