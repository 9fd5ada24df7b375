import { createHash } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chunkFrames, encodeChunkFrame, manifestPayload } from "./chunk.ts";

const data = Buffer.from("chunk data bytes", "ascii");

test("chunk fields sit at their protocol offsets", () => {
  const frame = encodeChunkFrame({ deviceId: "porch-cam", timestamp: 0x6931c820, seq: 3, content: 0x0a0b0c0d, offset: 200, total: 1000, data });

  assert.is(frame.length, 27 + 12 + data.length, "no signature trailer");
  assert.is(frame[0], 0x01, "version");
  assert.is(frame[1], 0x08, "type chunk");
  assert.is(frame.subarray(2, 18).toString("ascii").replace(/\0+$/, ""), "porch-cam");
  assert.is(frame.readUInt32LE(18), 0x6931c820, "timestamp");
  assert.is(frame.readUInt32LE(22), 3, "seq");
  assert.is(frame[26], 12 + data.length, "payload length");
  assert.equal([...frame.subarray(27, 31)], [0x0d, 0x0c, 0x0b, 0x0a], "content id little-endian");
  assert.is(frame.readUInt32LE(31), 200, "offset");
  assert.is(frame.readUInt32LE(35), 1000, "total");
  assert.ok(frame.subarray(39).equals(data), "data");
});

test("chunk limits throw", () => {
  const base = { deviceId: "porch-cam", timestamp: 1, seq: 0, content: 1, offset: 0, total: 1000 };

  assert.throws(() => encodeChunkFrame({ ...base, data: Buffer.alloc(0) }), /1 to 211/);
  assert.throws(() => encodeChunkFrame({ ...base, data: Buffer.alloc(212) }), /1 to 211/);
  assert.throws(() => encodeChunkFrame({ ...base, offset: 990, data: Buffer.alloc(11) }), /past total/);
  assert.throws(() => encodeChunkFrame({ ...base, total: 16_777_217, data }), /total/);
  assert.is(encodeChunkFrame({ ...base, data: Buffer.alloc(211) }).length, 250);
});

test("chunk frames cover the content once, in order", () => {
  const content = Buffer.from(Array.from({ length: 500 }, (_, i) => (i * 13) & 0xff));
  const frames = chunkFrames("cam", 5, 77, content);
  const rebuilt = Buffer.alloc(content.length);

  assert.is(frames.length, 3);
  for (const frame of frames) {
    assert.is(frame.readUInt32LE(27), 77);
    assert.is(frame.readUInt32LE(35), content.length);
    frame.subarray(39).copy(rebuilt, frame.readUInt32LE(31));
  }
  assert.ok(rebuilt.equals(content));
});

test("manifest payload carries size, base64 SHA-256 and type", () => {
  const content = Buffer.from("abc", "ascii");
  const payload = manifestPayload(content, "image/png");

  assert.is(payload.size, 3);
  // SHA-256 of "abc" from FIPS 180-2, appendix B.1.
  assert.is(Buffer.from(payload.sha256, "base64").toString("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.is(payload.media, "image/png");
  assert.is(createHash("sha256").update(content).digest("base64"), payload.sha256);
});

test.run();
