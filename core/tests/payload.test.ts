import { test } from "uvu";
import * as assert from "uvu/assert";
import { freshCore } from "./helpers.ts";
import { TYPE, signedFrame, chunkFrame, chunkPayload, beaconPayload, decodeName, frameText, base64Bytes } from "./v1_helpers.ts";
import { frameBody } from "../vectors/encode.ts";
import { T0 } from "./accept_helpers.ts";

const SHA = base64Bytes(32, 7);

test("an acknowledgement with id, result and reason decodes with its fields", async () => {
  const core = await freshCore();
  assert.is(decodeName(core, signedFrame(TYPE.ack, '{"id":17,"result":"error","reason":"sensor busy"}')), "OK");
  assert.is(core.exports.ack_id(), 17);
  assert.is(core.exports.ack_result(), 2);
  assert.is(frameText(core, core.exports.ack_reason_offset(), core.exports.ack_reason_len()), "sensor busy");
  assert.is(core.exports.frame_signed(), 1);
});

test("an acknowledgement maps each result word to its code and ignores unknown members", async () => {
  const core = await freshCore();
  const words = ["ok", "in_progress", "error", "unsupported"];
  for (const [code, word] of words.entries()) {
    assert.is(decodeName(core, signedFrame(TYPE.ack, `{"result":"${word}","x":[1],"id":4294967295}`)), "OK", word);
    assert.is(core.exports.ack_result(), code, word);
    assert.is(core.exports.ack_id() >>> 0, 4294967295);
    assert.is(core.exports.ack_reason_len(), 0);
  }
});

test("an acknowledgement that breaks section 1.5 is ACK_BAD_PAYLOAD", async () => {
  const core = await freshCore();
  const bad = [
    '{"result":"ok"}',
    '{"id":1}',
    '{"id":0,"result":"ok"}',
    '{"id":4294967296,"result":"ok"}',
    '{"id":1.0,"result":"ok"}',
    '{"id":1e2,"result":"ok"}',
    '{"id":-1,"result":"ok"}',
    '{"id":"1","result":"ok"}',
    '{"id":1,"result":"done"}',
    '{"id":1,"result":true}',
    '{"id":1,"result":"ok","reason":5}',
    '{"id":1,"id":2,"result":"ok"}',
    '{"id":1,"result":"ok","result":"ok"}',
  ];
  for (const payload of bad) assert.is(decodeName(core, signedFrame(TYPE.ack, payload)), "ACK_BAD_PAYLOAD", payload);
});

test("a time beacon decodes with its channel and boot counter", async () => {
  const core = await freshCore();
  assert.is(decodeName(core, signedFrame(TYPE.beacon, beaconPayload(14, 0, 3))), "OK");
  assert.is(core.exports.beacon_channel(), 14);
  assert.is(core.exports.beacon_boot(), 3);
  assert.is(core.exports.ack_id(), 0);
});

test("a beacon with a bad channel, flags or boot, or a short payload, is BEACON_BAD_PAYLOAD", async () => {
  const core = await freshCore();
  const bad = [beaconPayload(0, 0, 1), beaconPayload(15, 0, 1), beaconPayload(1, 1, 1), beaconPayload(1, 0, 0), beaconPayload(1, 0, 1).subarray(0, 5)];
  for (const payload of bad) assert.is(decodeName(core, signedFrame(TYPE.beacon, payload)), "BEACON_BAD_PAYLOAD", payload.toString("hex"));
});

test("a beacon payload longer than 6 bytes is FRAME_PAYLOAD_TOO_LONG", async () => {
  const core = await freshCore();
  assert.is(decodeName(core, signedFrame(TYPE.beacon, Buffer.concat([beaconPayload(1, 0, 1), Buffer.from([0])]))), "FRAME_PAYLOAD_TOO_LONG");
});

test("a manifest decodes with its size, media type and digest", async () => {
  const core = await freshCore();
  const payload = `{"size":48213,"sha256":"${SHA}","media":"image/jpeg","note":"ignored"}`;
  assert.is(decodeName(core, signedFrame(TYPE.manifest, payload)), "OK");
  assert.is(core.exports.manifest_size(), 48213);
  assert.is(frameText(core, core.exports.manifest_media_offset(), core.exports.manifest_media_len()), "image/jpeg");
  assert.is(core.exports.decoded_len(), 32);
  assert.is(core.read(core.exports.buffer_decoded(), 32).toString("base64"), SHA);
});

test("a manifest that breaks section 1.7 is MANIFEST_BAD_PAYLOAD", async () => {
  const core = await freshCore();
  const unpadded = SHA.replace("=", "");
  const nonCanonical = `${SHA.slice(0, 42)}B=`;
  const bad = [
    `{"sha256":"${SHA}","media":"a"}`,
    `{"size":0,"sha256":"${SHA}","media":"a"}`,
    `{"size":16777217,"sha256":"${SHA}","media":"a"}`,
    `{"size":1,"sha256":"${base64Bytes(31)}","media":"a"}`,
    `{"size":1,"sha256":"${unpadded}","media":"a"}`,
    `{"size":1,"sha256":"${nonCanonical}","media":"a"}`,
    `{"size":1,"sha256":"${SHA}","media":""}`,
    `{"size":1,"sha256":"${SHA}","media":"Image/JPEG"}`,
    `{"size":1,"sha256":"${SHA}","media":"${"a".repeat(65)}"}`,
    `{"size":1,"size":2,"sha256":"${SHA}","media":"a"}`,
  ];
  for (const payload of bad) assert.is(decodeName(core, signedFrame(TYPE.manifest, payload)), "MANIFEST_BAD_PAYLOAD", payload);
  assert.is(decodeName(core, signedFrame(TYPE.manifest, `{"size":16777216,"sha256":"${SHA}","media":"${"a".repeat(64)}"}`)), "OK");
});

test("a chunk decodes unsigned with its content, offset, total and data length", async () => {
  const core = await freshCore();
  const frame = chunkFrame(chunkPayload(9, 100, 110, Buffer.alloc(10, 1)));
  assert.is(decodeName(core, frame), "OK");
  assert.is(core.exports.frame_signed(), 0);
  assert.is(core.exports.chunk_content(), 9);
  assert.is(core.exports.chunk_offset(), 100);
  assert.is(core.exports.chunk_total(), 110);
  assert.is(core.exports.chunk_data_len(), 10);
});

test("a chunk with a zero or oversized total, or data past the total, is CHUNK_BAD_RANGE", async () => {
  const core = await freshCore();
  const bad = [chunkPayload(1, 0, 0, Buffer.alloc(1)), chunkPayload(1, 0, 16777217, Buffer.alloc(1)), chunkPayload(1, 100, 110, Buffer.alloc(11)), chunkPayload(1, 0xffffffff, 16777216, Buffer.alloc(1))];
  for (const payload of bad) assert.is(decodeName(core, chunkFrame(payload)), "CHUNK_BAD_RANGE", payload.toString("hex"));
});

test("chunk frames have their own length limits", async () => {
  const core = await freshCore();
  assert.is(decodeName(core, chunkFrame(chunkPayload(1, 0, 211, Buffer.alloc(211)))), "OK");
  assert.is(decodeName(core, chunkFrame(chunkPayload(1, 0, 0, Buffer.alloc(0)))), "FRAME_TOO_SHORT");
  const tooLong = frameBody({ type: TYPE.chunk, deviceId: "porch", timestamp: T0, seq: 0, payloadLenByte: 224 }, Buffer.alloc(213));
  assert.is(decodeName(core, tooLong), "FRAME_PAYLOAD_TOO_LONG");
  const mismatch = frameBody({ type: TYPE.chunk, deviceId: "porch", timestamp: T0, seq: 0, payloadLenByte: 20 }, Buffer.alloc(21));
  assert.is(decodeName(core, mismatch), "FRAME_LENGTH_MISMATCH");
});

test("a header shorter than 27 bytes is FRAME_TOO_SHORT before the version is read", async () => {
  const core = await freshCore();
  const frame = Buffer.alloc(26, 0xff);
  assert.is(decodeName(core, frame), "FRAME_TOO_SHORT");
  assert.is(decodeName(core, Buffer.alloc(27, 0xff)), "FRAME_BAD_VERSION");
});

test("a chunk is FRAME_NOT_SIGNED for frame_verify and frame_signed_message", async () => {
  const core = await freshCore();
  const frame = chunkFrame(chunkPayload(1, 0, 5, Buffer.alloc(5)));
  decodeName(core, frame);
  assert.is(core.statusName(core.exports.frame_verify(frame.length)), "FRAME_NOT_SIGNED");
  assert.is(core.statusName(core.exports.frame_signed_message(frame.length)), "FRAME_NOT_SIGNED");
});

test("a failed payload check keeps the previous frame's typed fields", async () => {
  const core = await freshCore();
  assert.is(decodeName(core, signedFrame(TYPE.manifest, `{"size":5,"sha256":"${SHA}","media":"a"}`)), "OK");
  assert.is(decodeName(core, signedFrame(TYPE.manifest, `{"size":6,"sha256":"${base64Bytes(32, 99)}","media":"A"}`)), "MANIFEST_BAD_PAYLOAD");
  assert.is(core.exports.manifest_size(), 5);
  assert.is(core.read(core.exports.buffer_decoded(), 32).toString("base64"), SHA);
});

test("heartbeat, motion and log payloads need only be JSON objects", async () => {
  const core = await freshCore();
  for (const type of [TYPE.heartbeat, TYPE.motion, TYPE.log]) {
    assert.is(decodeName(core, signedFrame(type, '{"anything":[1,2]}')), "OK", `type ${type}`);
  }
});

test.run();
