import { test } from "uvu";
import * as assert from "uvu/assert";
import { sign } from "node:crypto";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { freshCore, writeDeviceId, writeNetworkKey } from "./helpers.ts";
import { TYPE, signedFrame, chunkFrame, chunkPayload } from "./v1_helpers.ts";
import { T0, network, porch } from "./accept_helpers.ts";

function writePayload(core: CoreHandle, payload: Buffer): void {
  core.write(core.exports.buffer_payload(), payload, core.exports.buffer_payload_size());
}

function build(core: CoreHandle, type: number, payload: Buffer, seq: number = 1): number {
  writeDeviceId(core, "porch");
  writePayload(core, payload);
  return core.exports.frame_build(type, T0, seq, payload.length);
}

test("a built and signed frame equals the independent encoder's frame", async () => {
  const core = await freshCore();
  writeNetworkKey(core, network.publicKey);
  const payload = Buffer.from('{"id":17,"result":"ok"}');
  const expected = signedFrame(TYPE.ack, payload, { seq: 9 });

  const len = build(core, TYPE.ack, payload, 9);
  assert.is(len, expected.length);
  const messageLen = core.exports.frame_message_len();
  assert.is(messageLen, 18 + 32 + 27 + payload.length);

  const message = core.read(core.exports.buffer_message(), messageLen);
  core.write(core.exports.buffer_signature(), sign(null, message, porch.privateKey), 64);
  assert.is(core.exports.frame_set_signature(), expected.length);
  assert.equal(core.read(core.exports.buffer_frame(), len), expected);
});

test("a built chunk has no signature and frame_set_signature refuses it", async () => {
  const core = await freshCore();
  const payload = chunkPayload(3, 0, 4, Buffer.from([1, 2, 3, 4]));
  const len = build(core, TYPE.chunk, payload, 0);
  assert.is(len, 27 + payload.length);
  assert.equal(core.read(core.exports.buffer_frame(), len), chunkFrame(payload));
  assert.is(core.exports.frame_message_len(), 0);
  assert.is(core.statusName(core.exports.frame_set_signature()), "FRAME_NOT_SIGNED");
});

test("frame_set_signature before any build is BUILD_NOT_READY", async () => {
  const core = await freshCore();
  assert.is(core.statusName(core.exports.frame_set_signature()), "BUILD_NOT_READY");
});

test("a build that fails its checks returns their status and leaves no frame to sign", async () => {
  const core = await freshCore();
  assert.ok(build(core, TYPE.log, Buffer.from("{}")) > 0);

  assert.is(core.statusName(build(core, TYPE.log, Buffer.from("[]"))), "FRAME_BAD_JSON");
  assert.is(core.statusName(core.exports.frame_set_signature()), "BUILD_NOT_READY");
  assert.is(core.statusName(build(core, TYPE.command, Buffer.from('{"id":1}'))), "COMMAND_BAD_SCHEMA");
  assert.is(core.statusName(build(core, 0, Buffer.from("{}"))), "FRAME_BAD_TYPE");
  assert.is(core.statusName(build(core, 0x109, Buffer.from("{}"))), "FRAME_BAD_TYPE");
  assert.is(core.statusName(build(core, TYPE.log, Buffer.alloc(160, 0x20))), "FRAME_TOO_LONG");
  assert.is(core.statusName(build(core, TYPE.chunk, Buffer.alloc(224))), "FRAME_TOO_LONG");

  writeDeviceId(core, "bad.id");
  assert.is(core.statusName(core.exports.frame_build(TYPE.log, T0, 1, 2)), "FRAME_BAD_DEVICE_ID");
});

test.run();
