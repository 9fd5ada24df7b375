import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { buildBundle, encodeBundleBinary, type BundleInput } from "./bundle.ts";

const input: BundleInput = {
  networkId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11",
  deviceId: "porch-cam",
  keyIndex: 3,
  privateKey: Buffer.alloc(32, 0x11),
  publicKey: Buffer.alloc(32, 0x22),
  networkPublicKey: Buffer.alloc(32, 0x33),
  homeBase: { deviceId: "homebase", publicKey: Buffer.alloc(32, 0x44) },
  channel: 6,
};

/** CRC-32 from Python's zlib, an implementation independent of node:zlib's binding. */
function pythonCrc32(bytes: Buffer): number {
  const output = execFileSync("python3", ["-c", "import sys, zlib; print(zlib.crc32(bytes.fromhex(sys.argv[1])))", bytes.toString("hex")], { encoding: "utf8" });
  return Number(output.trim());
}

test("binary bundle has the fields at their offsets", () => {
  const binary = encodeBundleBinary(input);
  assert.is(binary.length, 140);
  assert.is(binary.subarray(0, 4).toString("ascii"), "HMB1");
  assert.is(binary.subarray(4, 20).toString("hex"), Buffer.from("porch-cam").toString("hex") + "00".repeat(7));
  assert.equal(binary.subarray(20, 52), input.privateKey);
  assert.equal(binary.subarray(52, 84), input.networkPublicKey);
  assert.is(binary.subarray(84, 100).toString("hex"), Buffer.from("homebase").toString("hex") + "00".repeat(8));
  assert.equal(binary.subarray(100, 132), input.homeBase.publicKey);
  assert.is(binary[132], 6);
  assert.is(binary.subarray(133, 136).toString("hex"), "000000");
});

test("binary bundle ends with the CRC-32 of bytes 0 to 135", () => {
  const binary = encodeBundleBinary(input);
  assert.is(binary.readUInt32LE(136), pythonCrc32(binary.subarray(0, 136)));
});

test("JSON bundle matches the binary form", () => {
  const bundle = buildBundle(input);
  assert.equal(Buffer.from(bundle.binary, "base64"), encodeBundleBinary(input));
  assert.is(bundle.format, "homemesh-device-v1");
  assert.is(bundle.private_key, "11".repeat(32));
  assert.equal(bundle.home_base, { device_id: "homebase", public_key: "44".repeat(32) });
  assert.equal(Object.keys(bundle), ["format", "network_id", "device_id", "key_index", "private_key", "public_key", "network_public_key", "home_base", "channel", "binary"]);
});

test("bundle rejects fields that do not fit", () => {
  assert.throws(() => encodeBundleBinary({ ...input, channel: 15 }), /channel 15/);
  assert.throws(() => encodeBundleBinary({ ...input, channel: 0 }), /channel 0/);
  assert.throws(() => encodeBundleBinary({ ...input, deviceId: "x".repeat(16) }), /16-byte field/);
  assert.throws(() => encodeBundleBinary({ ...input, privateKey: Buffer.alloc(31) }), /private key length 31/);
});

test.run();
