import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../hosts/node/src/core/index.ts";
import { STATUS, vectorStillValid, freshCore, fromHex, readVectors, statusCode, writeFrame, writeKey, writeNetworkKey } from "./helpers.ts";
import type { FrameVector } from "../vectors/types.ts";


const all = readVectors<{ source: string; vectors: FrameVector[] }>("frames.json");
const data = { source: all.source, vectors: all.vectors.filter((v) => vectorStillValid(v.name)) };

test("frame vectors name their source", () => {
  assert.ok(data.source.length > 0);
  assert.ok(data.vectors.length >= 50);
});

test("frame_decode returns each vector's status", async () => {
  const core = await freshCore();
  for (const v of data.vectors) {
    const len = writeFrame(core, fromHex(v.frame).subarray(0, 256));
    const status = core.exports.frame_decode(fromHex(v.frame).length);
    assert.is(core.statusName(status), v.decode, `${v.name} (frame length ${len})`);
  }
});

test("frame_verify returns each vector's status", async () => {
  const core = await freshCore();
  for (const v of data.vectors) {
    const frame = fromHex(v.frame);
    writeFrame(core, frame.subarray(0, 256));
    writeKey(core, fromHex(v.signer_public_key));
    writeNetworkKey(core, fromHex(v.network_public_key));
    assert.is(core.statusName(core.exports.frame_verify(frame.length)), v.verify, v.name);
  }
});

test("decoded fields match the encoder's", async () => {
  const core = await loadCore();
  for (const v of data.vectors.filter((item) => item.fields !== undefined)) {
    const result = core.verifyFrame(fromHex(v.frame), fromHex(v.signer_public_key), fromHex(v.network_public_key));
    assert.ok(result.ok, v.name);
    if (!result.ok) continue;

    assert.is(result.frame.type, v.fields!.type, `${v.name} type`);
    assert.is(result.frame.deviceId, v.fields!.device_id, `${v.name} device id`);
    assert.is(result.frame.timestamp, v.fields!.timestamp, `${v.name} timestamp`);
    assert.is(result.frame.seq, v.fields!.seq, `${v.name} seq`);
    assert.is(result.frame.payload.toString("hex"), v.fields!.payload, `${v.name} payload`);
  }
});

test("frame_signed_message matches the encoder's bytes", async () => {
  const core = await loadCore();
  for (const v of data.vectors.filter((item) => item.signed_message !== undefined)) {
    const result = core.frameSignedMessage(fromHex(v.frame), fromHex(v.network_public_key));
    assert.ok(result.ok, v.name);
    if (result.ok) assert.is(result.message.toString("hex"), v.signed_message, v.name);
  }
});

test("frame_signed_message returns the decode status of a bad frame", async () => {
  const core = await freshCore();
  for (const v of data.vectors.filter((item) => item.decode !== "OK")) {
    const frame = fromHex(v.frame);
    writeFrame(core, frame.subarray(0, 256));
    assert.is(core.exports.frame_signed_message(frame.length), statusCode(v.decode), v.name);
  }
});

test("longest vector frame is 250 bytes", () => {
  const longest = data.vectors.find((v) => v.name === "longest frame of 250 bytes");
  assert.ok(longest);
  assert.is(fromHex(longest.frame).length, 250);
  assert.is(longest.verify, "OK");
});

test("a failed decode keeps the previous frame's fields", async () => {
  const core = await freshCore();
  const good = data.vectors.find((v) => v.name === "motion frame")!;
  const bad = data.vectors.find((v) => v.decode === "FRAME_BAD_JSON")!;

  writeFrame(core, fromHex(good.frame));
  assert.is(core.exports.frame_decode(fromHex(good.frame).length), STATUS.OK);
  writeFrame(core, fromHex(bad.frame));
  assert.is(core.exports.frame_decode(fromHex(bad.frame).length), STATUS.FRAME_BAD_JSON);

  assert.is(core.exports.frame_type(), good.fields!.type);
  assert.is(core.exports.frame_seq() >>> 0, good.fields!.seq);
  assert.is(core.exports.frame_device_id_len(), good.fields!.device_id.length);
  assert.is(core.exports.frame_payload_len(), good.fields!.payload.length / 2);
});

test("frame_decode treats a negative length as too long", async () => {
  const core = await freshCore();
  assert.is(core.exports.frame_decode(-1), STATUS.FRAME_TOO_LONG);
});

test("buffer sizes match docs/core-abi.md", async () => {
  const core = await freshCore();
  const e = core.exports;
  assert.is(e.buffer_frame_size(), 256);
  assert.is(e.buffer_network_key_size(), 32);
  assert.is(e.buffer_key_size(), 32);
  assert.is(e.buffer_device_id_size(), 16);
  assert.is(e.buffer_message_size(), 1024);
  assert.is(e.buffer_request_size(), 512);
  assert.is(e.buffer_signature_size(), 64);
  assert.is(e.buffer_key_id_size(), 64);
  assert.is(e.buffer_batch_size(), 65536);
  assert.is(e.device_capacity(), 32);
});

test("buffers do not overlap and fit in memory", async () => {
  const core = await freshCore();
  const e = core.exports;
  const spans = [
    [e.buffer_frame(), e.buffer_frame_size()],
    [e.buffer_network_key(), e.buffer_network_key_size()],
    [e.buffer_key(), e.buffer_key_size()],
    [e.buffer_device_id(), e.buffer_device_id_size()],
    [e.buffer_message(), e.buffer_message_size()],
    [e.buffer_request(), e.buffer_request_size()],
    [e.buffer_signature(), e.buffer_signature_size()],
    [e.buffer_key_id(), e.buffer_key_id_size()],
    [e.buffer_batch(), e.buffer_batch_size()],
  ].sort((a, b) => a[0]! - b[0]!);

  for (let i = 1; i < spans.length; i++) {
    assert.ok(spans[i - 1]![0]! + spans[i - 1]![1]! <= spans[i]![0]!, `buffer at ${spans[i]![0]} overlaps the previous one`);
  }
  const last = spans[spans.length - 1]!;
  assert.ok(last[0]! + last[1]! <= e.memory.buffer.byteLength);
});

test.run();
