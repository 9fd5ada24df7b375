import { test } from "uvu";
import * as assert from "uvu/assert";
import { encodeFrame, FRAME_MAX_LEN, type FrameFields } from "./encoder.ts";
import { nodePublicKeyFromSeed, nodeVerify } from "./node-ed25519.ts";

const deviceSeed = Buffer.alloc(32, 0x11);
const networkSeed = Buffer.alloc(32, 0x22);
const networkPublicKey = nodePublicKeyFromSeed(networkSeed);

const fields: FrameFields = {
  type: "motion",
  deviceId: "porch-cam",
  timestamp: 0x6931c820,
  seq: 0x01020304,
  payload: '{"zone":"porch","confidence":0.82}',
};

test("frame header fields sit at their protocol offsets", () => {
  const frame = encodeFrame(fields, deviceSeed, networkPublicKey);
  const payload = Buffer.from('{"zone":"porch","confidence":0.82}', "utf8");

  assert.is(frame.length, 91 + payload.length);
  assert.is(frame[0], 0x01, "version");
  assert.is(frame[1], 0x02, "type motion");
  assert.equal([...frame.subarray(2, 11)], [...Buffer.from("porch-cam", "ascii")], "device id text");
  assert.equal([...frame.subarray(11, 18)], [0, 0, 0, 0, 0, 0, 0], "device id NUL padding");
  assert.equal([...frame.subarray(18, 22)], [0x20, 0xc8, 0x31, 0x69], "timestamp little-endian");
  assert.equal([...frame.subarray(22, 26)], [0x04, 0x03, 0x02, 0x01], "seq little-endian");
  assert.is(frame[26], payload.length, "payload length");
  assert.ok(frame.subarray(27, 27 + payload.length).equals(payload), "payload bytes");
});

test("frame type codes follow the protocol table", () => {
  const expected = { heartbeat: 0x01, motion: 0x02, log: 0x03, command: 0x04 } as const;

  for (const [type, code] of Object.entries(expected)) {
    const frame = encodeFrame({ ...fields, type: type as FrameFields["type"] }, deviceSeed, networkPublicKey);
    assert.is(frame[1], code, type);
  }
});

test("signature verifies with node:crypto over context, network key and header", () => {
  const frame = encodeFrame(fields, deviceSeed, networkPublicKey);
  const body = frame.subarray(0, frame.length - 64);
  const signature = frame.subarray(frame.length - 64);
  const context = Buffer.from([...Buffer.from("homemesh/frame/v1", "ascii"), 0]);
  const message = Buffer.concat([context, networkPublicKey, body]);

  assert.is(context.length, 18);
  assert.ok(nodeVerify(message, signature, nodePublicKeyFromSeed(deviceSeed)));
});

test("signature does not verify under another network key", () => {
  const frame = encodeFrame(fields, deviceSeed, networkPublicKey);
  const otherNetwork = nodePublicKeyFromSeed(Buffer.alloc(32, 0x33));
  const context = Buffer.from("homemesh/frame/v1\0", "ascii");
  const message = Buffer.concat([context, otherNetwork, frame.subarray(0, frame.length - 64)]);

  assert.not.ok(nodeVerify(message, frame.subarray(frame.length - 64), nodePublicKeyFromSeed(deviceSeed)));
});

test("max-size frame is 250 bytes", () => {
  const filler = "x".repeat(159 - '{"m":""}'.length);
  const payload = `{"m":"${filler}"}`;
  const frame = encodeFrame({ ...fields, deviceId: "abcdefghijklmno", payload }, deviceSeed, networkPublicKey);

  assert.is(Buffer.byteLength(payload), 159);
  assert.is(frame.length, FRAME_MAX_LEN);
  assert.is(frame[26], 159);
  assert.is(frame[17], 0, "a 15-character id still ends in NUL");
});

test("object payload is serialised as compact JSON", () => {
  const frame = encodeFrame({ ...fields, payload: { battery: 91, uptime: 3600 } }, deviceSeed, networkPublicKey);

  assert.is(frame.subarray(27, 27 + frame[26]!).toString("utf8"), '{"battery":91,"uptime":3600}');
});

const rejections: Array<[string, Partial<FrameFields>, RegExp]> = [
  ["empty device id", { deviceId: "" }, /invalid device id ""/],
  ["16-character device id", { deviceId: "abcdefghijklmnop" }, /invalid device id "abcdefghijklmnop"/],
  ["device id with a space", { deviceId: "porch cam" }, /invalid device id/],
  ["device id with a dot", { deviceId: "porch.cam" }, /invalid device id/],
  ["non-ASCII device id", { deviceId: "café" }, /invalid device id/],
  ["payload of 160 bytes", { payload: `{"m":"${"x".repeat(152)}"}` }, /payload length 160 exceeds max 159/],
  ["payload that is not JSON", { payload: "{zone:porch}" }, /payload is not valid JSON/],
  ["payload that is a JSON array", { payload: "[1,2]" }, /payload must be a JSON object/],
  ["payload that is JSON null", { payload: "null" }, /payload must be a JSON object/],
  ["negative timestamp", { timestamp: -1 }, /timestamp -1 is not a u32/],
  ["timestamp above u32", { timestamp: 2 ** 32 }, /timestamp 4294967296 is not a u32/],
  ["fractional seq", { seq: 1.5 }, /seq 1.5 is not a u32/],
  ["unknown type", { type: "alarm" as FrameFields["type"] }, /unknown frame type "alarm"/],
];

for (const [name, change, message] of rejections) {
  test(`encoder rejects ${name}`, () => {
    assert.throws(() => encodeFrame({ ...fields, ...change }, deviceSeed, networkPublicKey), message);
  });
}

test("encoder rejects a seed that is not 32 bytes", () => {
  assert.throws(() => encodeFrame(fields, Buffer.alloc(31), networkPublicKey), /signer seed is 31 bytes, expected 32/);
});

test("encoder rejects a network key that is not 32 bytes", () => {
  assert.throws(() => encodeFrame(fields, deviceSeed, Buffer.alloc(33)), /network public key is 33 bytes, expected 32/);
});

test.run();
