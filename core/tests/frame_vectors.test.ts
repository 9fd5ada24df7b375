/**
 * Runs frames.json and sealed-keys.json through the raw exports of docs/core-abi.md: frame_decode,
 * frame_verify, the typed getters, frame_build and frame_set_signature, and the build rejects.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freshCore, fromHex, readVectors } from "./helpers.ts";
import { call, expectedCode, nameOf, readBuffer, writeBuffer, writeDeviceIdField } from "./vector_abi.ts";
import type { BuildRejectVector, FrameVector, TypedFields } from "../vectors/types.ts";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";

const data = readVectors<{ source: string; vectors: FrameVector[]; builds: BuildRejectVector[] }>("frames.json");
const sealed = readVectors<{ network_public_key: string; vectors: Array<{ name: string; sealed: string; command_frame: string }> }>("sealed-keys.json");

const FRAME_BUFFER_LEN = 256;
const SIGNATURE_LEN = 64;

/** Writes the frame (at most the buffer's 256 bytes; the core gets the true length) and returns its length. */
function putFrame(core: CoreHandle, hex: string): number {
  const frame = fromHex(hex);
  writeBuffer(core, "frame", frame.subarray(0, FRAME_BUFFER_LEN));
  return frame.length;
}

function text(core: CoreHandle, offsetGetter: string, lenGetter: string): string {
  const len = call(core, lenGetter);
  return core.read(call(core, "buffer_frame") + call(core, offsetGetter), len).toString("utf8");
}

/** Reads the getter behind each key of TypedFields (docs/core-abi.md, "Typed payload getters"). */
function readTyped(core: CoreHandle, key: keyof TypedFields): number | string {
  switch (key) {
    case "ack_reason": return text(core, "ack_reason_offset", "ack_reason_len");
    case "manifest_media": return text(core, "manifest_media_offset", "manifest_media_len");
    case "command_text": return text(core, "command_text_offset", "command_text_len");
    case "command_device": return readBuffer(core, "arg_device", call(core, "command_device_len")).toString("ascii");
    case "chunk_data": return core.read(call(core, "buffer_frame") + 39, call(core, "chunk_data_len")).toString("hex");
    case "decoded": return readBuffer(core, "decoded", call(core, "decoded_len")).toString("hex");
    default: return call(core, key) >>> 0;
  }
}

test("frames.json names its source and has build rejects", () => {
  assert.ok(data.source.length > 0);
  assert.ok(data.vectors.length >= 200);
  assert.ok(data.builds.length >= 10);
});

test("frame_decode gives each vector's status", async () => {
  const core = await freshCore();
  for (const v of data.vectors) {
    const status = call(core, "frame_decode", putFrame(core, v.frame));
    assert.is(nameOf(status), v.decode, v.name);
  }
});

test("frame_verify gives each vector's status", async () => {
  const core = await freshCore();
  for (const v of data.vectors) {
    const len = putFrame(core, v.frame);
    writeBuffer(core, "key", fromHex(v.signer_public_key));
    writeBuffer(core, "network_key", fromHex(v.network_public_key));
    assert.is(nameOf(call(core, "frame_verify", len)), v.verify, v.name);
  }
});

test("typed getters give each frame's payload values", async () => {
  const core = await freshCore();
  for (const v of data.vectors.filter((item) => item.typed !== undefined)) {
    assert.is(call(core, "frame_decode", putFrame(core, v.frame)), 0, v.name);
    assert.is(call(core, "frame_signed"), v.signed_message === undefined ? 0 : 1, `${v.name}: frame_signed`);
    for (const [key, expected] of Object.entries(v.typed!)) {
      assert.is(readTyped(core, key as keyof TypedFields), expected, `${v.name}: ${key}`);
    }
  }
});

test("frame_signed_message of a chunk is FRAME_NOT_SIGNED", async () => {
  const core = await freshCore();
  const chunks = data.vectors.filter((v) => v.decode === "OK" && v.fields?.type === 8);
  assert.ok(chunks.length > 0);
  for (const v of chunks) {
    assert.is(nameOf(call(core, "frame_signed_message", putFrame(core, v.frame))), "FRAME_NOT_SIGNED", v.name);
    assert.is(call(core, "frame_signed"), 0, `${v.name}: frame_signed`);
  }
});

test("frame_build writes each valid frame's bytes and signed message", async () => {
  const core = await freshCore();
  for (const v of data.vectors.filter((item) => item.fields !== undefined)) {
    const f = v.fields!;
    const frame = fromHex(v.frame);
    const payload = fromHex(f.payload);
    writeBuffer(core, "network_key", fromHex(v.network_public_key));
    writeDeviceIdField(core, f.device_id);
    writeBuffer(core, "payload", payload);

    const built = call(core, "frame_build", f.type, f.timestamp, f.seq, payload.length);
    assert.is(built, frame.length, `${v.name}: frame_build returned ${nameOf(built)}`);
    if (v.signed_message === undefined) {
      assert.is(call(core, "frame_message_len"), 0, `${v.name}: frame_message_len of a chunk`);
      assert.is(readBuffer(core, "frame", frame.length).toString("hex"), v.frame, `${v.name}: chunk bytes`);
      assert.is(nameOf(call(core, "frame_set_signature")), "FRAME_NOT_SIGNED", `${v.name}: frame_set_signature`);
      continue;
    }

    const messageLen = call(core, "frame_message_len");
    assert.is(readBuffer(core, "message", messageLen).toString("hex"), v.signed_message, `${v.name}: signed message`);
    assert.is(readBuffer(core, "frame", frame.length - SIGNATURE_LEN).toString("hex"), v.frame.slice(0, -2 * SIGNATURE_LEN), `${v.name}: unsigned bytes`);
    assert.ok(readBuffer(core, "frame", frame.length).subarray(-SIGNATURE_LEN).every((byte) => byte === 0), `${v.name}: zero signature before signing`);
    writeBuffer(core, "signature", frame.subarray(frame.length - SIGNATURE_LEN));
    assert.is(call(core, "frame_set_signature"), frame.length, `${v.name}: frame_set_signature`);
    assert.is(readBuffer(core, "frame", frame.length).toString("hex"), v.frame, `${v.name}: signed bytes`);
  }
});

test("frame_set_signature before any build is BUILD_NOT_READY", async () => {
  const core = await freshCore();
  assert.is(nameOf(call(core, "frame_set_signature")), "BUILD_NOT_READY");
});

test("frame_build rejects each build vector with its status", async () => {
  const core = await freshCore();
  for (const b of data.builds) {
    const payload = fromHex(b.payload);
    writeDeviceIdField(core, b.device_id);
    writeBuffer(core, "payload", payload);
    const status = call(core, "frame_build", b.type, b.timestamp, b.seq, payload.length);
    assert.is(status, expectedCode(b.status), `${b.name}: got ${nameOf(status)}`);
  }
});

test("rotate_key frames carry their sealed box", async () => {
  const core = await freshCore();
  for (const v of sealed.vectors) {
    const len = putFrame(core, v.command_frame);
    writeBuffer(core, "key", fromHex(sealed.network_public_key));
    writeBuffer(core, "network_key", fromHex(sealed.network_public_key));
    assert.is(nameOf(call(core, "frame_verify", len)), "OK", v.name);
    assert.is(call(core, "command_code"), 4, `${v.name}: command_code`);
    assert.is(readBuffer(core, "decoded", call(core, "decoded_len")).toString("hex"), v.sealed, `${v.name}: decoded`);
  }
});

test.run();
