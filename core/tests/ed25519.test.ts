import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { STATUS, freshCore, fromHex, readVectors, writeKey } from "./helpers.ts";

interface RfcVectors {
  source: unknown;
  vectors: Array<{ name: string; publicKey: string; message: string; signature: string }>;
}

interface WycheproofVectors {
  source: unknown;
  testGroups: Array<{ publicKey: { pk: string }; tests: Array<{ tcId: number; msg: string; sig: string; result: string }> }>;
}

/**
 * Runs one case through signature_verify. A signature that is not 64 bytes cannot be placed in the
 * 64-byte signature buffer, so it counts as rejected without calling the core.
 */
function verify(core: CoreHandle, key: Buffer, msg: Buffer, sig: Buffer): number {
  if (sig.length !== 64) return STATUS.SIGNATURE_INVALID;

  writeKey(core, key);
  core.write(core.exports.buffer_signature(), sig, 64);
  core.write(core.exports.buffer_message(), msg, core.exports.buffer_message_size());
  return core.exports.signature_verify(msg.length);
}

const MESSAGE_BUFFER_SIZE = 1024;

test("RFC 8032 vectors verify through signature_verify", async () => {
  const core = await freshCore();
  const { vectors, source } = readVectors<RfcVectors>("ed25519-rfc8032.json");
  assert.ok(source, "vector file names its source");

  let checked = 0;
  for (const v of vectors) {
    const msg = fromHex(v.message);
    if (msg.length > MESSAGE_BUFFER_SIZE) continue;
    assert.is(verify(core, fromHex(v.publicKey), msg, fromHex(v.signature)), STATUS.OK, v.name);
    checked++;
  }
  assert.is(checked, 5);
});

test("RFC 8032 signatures fail after one flipped message bit", async () => {
  const core = await freshCore();
  const { vectors } = readVectors<RfcVectors>("ed25519-rfc8032.json");

  for (const v of vectors.filter((item) => item.message.length > 0 && item.message.length / 2 <= MESSAGE_BUFFER_SIZE)) {
    const msg = fromHex(v.message);
    msg[0] = msg[0]! ^ 0x01;
    assert.is(verify(core, fromHex(v.publicKey), msg, fromHex(v.signature)), STATUS.SIGNATURE_INVALID, v.name);
  }
});

test("every Wycheproof case matches its expected result", async () => {
  const core = await freshCore();
  const data = readVectors<WycheproofVectors>("ed25519-wycheproof.json");
  assert.ok(data.source, "vector file names its source");

  let checked = 0;
  for (const group of data.testGroups) {
    const key = fromHex(group.publicKey.pk);
    for (const t of group.tests) {
      const msg = fromHex(t.msg);
      if (msg.length > MESSAGE_BUFFER_SIZE) continue;

      const status = verify(core, key, msg, fromHex(t.sig));
      const accepted = status === STATUS.OK;
      assert.ok(t.result === "valid" || t.result === "invalid", `tcId ${t.tcId} result ${t.result}`);
      assert.is(accepted, t.result === "valid", `tcId ${t.tcId}: status ${core.statusName(status)}, expected ${t.result}`);
      checked++;
    }
  }
  assert.is(checked, 151);
});

// The message buffer is 1024 bytes, enough for the longest vector (1023 bytes); a longer length
// must be rejected without reading past the buffer.
test("signature_verify rejects a length beyond the message buffer", async () => {
  const core = await freshCore();
  const { vectors } = readVectors<RfcVectors>("ed25519-rfc8032.json");
  const long = vectors.find((v) => v.name === "TEST 1024");
  assert.ok(long);

  writeKey(core, fromHex(long.publicKey));
  core.write(core.exports.buffer_signature(), fromHex(long.signature), 64);
  core.write(core.exports.buffer_message(), fromHex(long.message), MESSAGE_BUFFER_SIZE);
  assert.is(core.exports.signature_verify(1023), STATUS.OK);
  assert.is(core.exports.signature_verify(MESSAGE_BUFFER_SIZE + 1), STATUS.SIGNATURE_INVALID);
  assert.is(core.exports.signature_verify(-1), STATUS.SIGNATURE_INVALID);
});

test("signature_verify rejects S + L before the host verify", async () => {
  const core = await freshCore();
  const { vectors } = readVectors<RfcVectors>("ed25519-rfc8032.json");
  const v = vectors[1]!;
  const sig = fromHex(v.signature);

  // Add L to S (little-endian) by hand.
  const order = (1n << 252n) + 27742317777372353535851937790883648493n;
  let s = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString("hex")}`) + order;
  for (let i = 32; i < 64; i++) {
    sig[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  assert.is(verify(core, fromHex(v.publicKey), fromHex(v.message), sig), STATUS.SIGNATURE_NONCANONICAL);
});

test.run();
