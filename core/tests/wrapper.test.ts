import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCore } from "../../hosts/node/src/core/index.ts";
import { fromHex, readVectors } from "./helpers.ts";
import { makeFrame, network, porch } from "./accept_helpers.ts";

interface RequestVector { name: string; canonical: string; signature: string; public_key: string; now: number }

test("loadCore finds core.wasm from any working directory", async () => {
  const previous = process.cwd();
  process.chdir("/");
  try {
    const core = await loadCore();
    assert.is(core.statusName(-1), "FRAME_TOO_SHORT");
  } finally {
    process.chdir(previous);
  }
});

test("loadCore rejects a missing file", async () => {
  try {
    await loadCore("/nonexistent/core.wasm");
    assert.unreachable("loadCore resolved");
  } catch (error) {
    assert.instance(error, Error);
    assert.match((error as Error).message, "ENOENT");
  }
});

test("verifyFrame reports a frame longer than the buffer as FRAME_TOO_LONG", async () => {
  const core = await loadCore();
  const result = core.verifyFrame(Buffer.alloc(300, 1), porch.publicKey, network.publicKey);
  assert.equal(result, { ok: false, status: -2, code: "FRAME_TOO_LONG" });
  assert.equal(core.decodeFrame(Buffer.alloc(70000)), { ok: false, status: -2, code: "FRAME_TOO_LONG" });
});

test("verifyFrame throws for a key that is not 32 bytes", async () => {
  const core = await loadCore();
  const frame = makeFrame(1);
  assert.throws(() => core.verifyFrame(frame, porch.publicKey.subarray(1), network.publicKey), /signer key length 31 is not 32/);
  assert.throws(() => core.verifyFrame(frame, porch.publicKey, Buffer.alloc(33)), /network key length 33 is not 32/);
  assert.throws(() => core.frameSignedMessage(frame, Buffer.alloc(0)), /network key length 0 is not 32/);
});

test("verifyFrame checks the signature with the keys given", async () => {
  const core = await loadCore();
  const frame = makeFrame(1);
  assert.ok(core.verifyFrame(frame, porch.publicKey, network.publicKey).ok);
  assert.equal(core.verifyFrame(frame, network.publicKey, network.publicKey), { ok: false, status: -14, code: "SIGNATURE_INVALID" });
});

test("verifyRequest reports a signature of the wrong length as SIGNATURE_INVALID", async () => {
  const core = await loadCore();
  const { vectors } = readVectors<{ vectors: RequestVector[] }>("requests.json");
  const v = vectors.find((item) => item.name === "ingest request")!;
  for (const len of [0, 63, 65]) {
    const result = core.verifyRequest(v.canonical, Buffer.alloc(len), fromHex(v.public_key), v.now);
    assert.equal(result, { ok: false, status: -14, code: "SIGNATURE_INVALID" }, `signature length ${len}`);
  }
});

test("verifyRequest measures the canonical text in UTF-8 bytes", async () => {
  const core = await loadCore();
  const { vectors } = readVectors<{ vectors: RequestVector[] }>("requests.json");
  const v = vectors.find((item) => item.name === "ingest request")!;

  // 600 two-byte characters: longer than the 512-byte buffer, whatever their count in UTF-16.
  const canonical = v.canonical.replace("/logs/ingest", `/${"\u00e9".repeat(600)}`);
  const result = core.verifyRequest(canonical, fromHex(v.signature), fromHex(v.public_key), v.now);
  assert.equal(result, { ok: false, status: -20, code: "REQUEST_BAD_FORM" });
});

test("a point that is not on the curve fails verification without throwing", async () => {
  const core = await loadCore();
  const frame = makeFrame(1);
  const notAPoint = Buffer.alloc(32, 0xff);
  assert.equal(core.verifyFrame(frame, notAPoint, network.publicKey), { ok: false, status: -14, code: "SIGNATURE_INVALID" });
});

test.run();
