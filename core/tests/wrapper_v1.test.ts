import { test } from "uvu";
import * as assert from "uvu/assert";
import { sign } from "node:crypto";
import { loadCore } from "../../hosts/node/src/core/index.ts";
import { canonicalText, sha256Hex, signRequest } from "../vectors/encode.ts";
import { T0, makeFrame, network, porch } from "./accept_helpers.ts";
import { TYPE, beaconPayload, chunkFrame, chunkPayload, commandFrame, signedFrame, base64Bytes } from "./v1_helpers.ts";

test("buildFrame and setFrameSignature give the encoder's frame", async () => {
  const core = await loadCore();
  const payload = Buffer.from('{"level":"info","category":"door","message":"opened"}');
  const built = core.buildFrame({ type: TYPE.log, deviceId: "porch", timestamp: T0, seq: 12, payload }, network.publicKey);
  assert.ok(built.ok);
  if (!built.ok) return;

  const signed = core.setFrameSignature(sign(null, built.message, porch.privateKey));
  assert.ok(signed.ok);
  if (signed.ok) assert.equal(signed.frame, makeFrame(12));
});

test("buildFrame reports the check that fails", async () => {
  const core = await loadCore();
  const built = core.buildFrame({ type: TYPE.command, deviceId: "porch", timestamp: T0, seq: 1, payload: Buffer.from('{"id":1,"cmd":"x"}') }, network.publicKey);
  assert.equal(built, { ok: false, status: -50, code: "COMMAND_UNKNOWN" });
  const long = core.buildFrame({ type: TYPE.chunk, deviceId: "porch", timestamp: T0, seq: 1, payload: Buffer.alloc(300) }, network.publicKey);
  assert.equal(long, { ok: false, status: -2, code: "FRAME_TOO_LONG" });
});

test("decodeFrame gives typed fields for every payload kind", async () => {
  const core = await loadCore();
  const sha = base64Bytes(32, 5);

  const ack = core.decodeFrame(signedFrame(TYPE.ack, '{"id":3,"result":"unsupported","reason":"no \\"beep\\""}'));
  assert.equal(ack.ok && ack.frame.typed, { kind: "ack", id: 3, result: "unsupported", reason: 'no \\"beep\\"' });

  const beacon = core.decodeFrame(signedFrame(TYPE.beacon, beaconPayload(6, 0, 4000000000)));
  assert.equal(beacon.ok && beacon.frame.typed, { kind: "beacon", channel: 6, boot: 4000000000 });

  const manifest = core.decodeFrame(signedFrame(TYPE.manifest, `{"size":9,"sha256":"${sha}","media":"image/png"}`));
  assert.equal(manifest.ok && manifest.frame.typed, { kind: "manifest", size: 9, media: "image/png", sha256: Buffer.from(sha, "base64") });

  const chunk = core.decodeFrame(chunkFrame(chunkPayload(4000000000, 2, 5, Buffer.from([7, 8, 9]))));
  assert.ok(chunk.ok && !chunk.frame.signed);
  assert.equal(chunk.ok && chunk.frame.typed, { kind: "chunk", content: 4000000000, offset: 2, total: 5, data: Buffer.from([7, 8, 9]) });

  const command = core.decodeFrame(commandFrame('{"id":8,"cmd":"device_revoke","device":"attic"}', "homebase"));
  assert.equal(command.ok && command.frame.typed, { kind: "command", id: 8, code: 18, cmd: "device_revoke", number: 0, device: "attic" });

  const log = core.decodeFrame(makeFrame(1));
  assert.equal(log.ok && log.frame.typed, { kind: "json" });
});

test("commandAccept tells a new command from a repeat", async () => {
  const core = await loadCore();
  assert.equal(core.setSelf("homebase"), { ok: true });
  assert.equal(core.setDevice(0, "porch", porch.publicKey), { ok: true });
  const frame = commandFrame('{"id":5,"cmd":"identify"}', "porch", 5);

  const first = core.commandAccept(frame, network.publicKey, T0);
  assert.ok(first.ok && !first.repeated && first.slot === 0);
  assert.equal(first.ok && first.frame.typed, { kind: "command", id: 5, code: 2, cmd: "identify", number: 10 });

  const again = core.commandAccept(frame, network.publicKey, T0 + 60);
  assert.ok(again.ok && again.repeated);
  assert.equal(core.commandAccept(frame, network.publicKey, T0 + 86401), { ok: false, status: -53, code: "COMMAND_EXPIRED" });
});

const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";

test("requestAccept records the nonce, and replay export and import carry it over", async () => {
  const core = await loadCore();
  const nonce = "0123456789abcdef0123456789abcdef";
  const canonical = canonicalText({
    method: "POST", path: "/api/v1/command", keyId: NETWORK_ID, timestamp: String(T0), nonce, bodySha256: sha256Hex(""),
  });
  const signature = signRequest(Buffer.from(canonical), network);

  assert.equal(core.requestAccept(canonical, signature, NETWORK_ID, network.publicKey, T0), { ok: true, nonce });
  assert.ok(core.replayFloorDue());
  const state = core.replayExport(T0);
  assert.not.ok(core.replayFloorDue());

  const restarted = await loadCore();
  assert.equal(restarted.replayImport(state, T0 + 10), { ok: true });
  assert.equal(restarted.requestAccept(canonical, signature, NETWORK_ID, network.publicKey, T0 + 10), { ok: false, status: -22, code: "NONCE_REUSED" });
  assert.equal(restarted.replayImport(Buffer.alloc(5000), T0), { ok: false, status: -24, code: "STATE_BAD_FORMAT" });
});

test("requestAccept rejects a key id other than the network id", async () => {
  const core = await loadCore();
  const canonical = canonicalText({
    method: "GET", path: "/api/v1/media/x.png", keyId: `${NETWORK_ID}/homebase`, timestamp: String(T0), nonce: "0123456789abcdef0123456789abcdef", bodySha256: sha256Hex(""),
  });
  const signature = signRequest(Buffer.from(canonical), network);

  assert.equal(core.requestAccept(canonical, signature, NETWORK_ID, network.publicKey, T0), { ok: false, status: -25, code: "REQUEST_UNKNOWN_KEY" });
  assert.equal(core.requestAccept(canonical, signature, "not-a-uuid", network.publicKey, T0), { ok: false, status: -20, code: "REQUEST_BAD_FORM" });
  assert.not.ok(core.replayFloorDue());
});

test.run();
