import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { canonicalText, sha256Hex, signRequest } from "../vectors/encode.ts";
import { freshCore, writeKey } from "./helpers.ts";
import { T0, network } from "./accept_helpers.ts";

const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";

function nonceHex(n: number): string {
  return n.toString(16).padStart(32, "0");
}

/** Signs a command delivery under the network key (key id: the bare UUID) and runs request_accept. */
function acceptRequest(core: CoreHandle, nonce: string, timestamp: number, now: number): string {
  const canonical = Buffer.from(canonicalText({
    method: "POST", path: "/api/v1/command", keyId: NETWORK_ID, timestamp: String(timestamp), nonce, bodySha256: sha256Hex("{}"),
  }));
  core.write(core.exports.buffer_request(), canonical, core.exports.buffer_request_size());
  core.write(core.exports.buffer_signature(), signRequest(canonical, network), 64);
  writeKey(core, network.publicKey);
  return core.statusName(core.exports.request_accept(canonical.length, now));
}

test("request_accept takes a nonce once and sets replay_floor_due", async () => {
  const core = await freshCore();
  assert.is(acceptRequest(core, nonceHex(1), T0, T0), "OK");
  assert.is(core.exports.replay_floor_due(), 1);
  assert.is(acceptRequest(core, nonceHex(1), T0, T0 + 5), "NONCE_REUSED");
});

test("a nonce is live until its timestamp is 300 seconds past", async () => {
  const core = await freshCore();
  assert.is(acceptRequest(core, nonceHex(1), T0, T0), "OK");
  assert.is(acceptRequest(core, nonceHex(1), T0, T0 + 300), "NONCE_REUSED");
  assert.is(acceptRequest(core, nonceHex(1), T0 + 1, T0 + 301), "OK");
});

test("a full cache of live nonces refuses a new one and keeps them all", async () => {
  const core = await freshCore();
  const capacity = core.exports.nonce_capacity();
  assert.is(capacity, 64);
  for (let i = 0; i < capacity; i++) assert.is(acceptRequest(core, nonceHex(i), T0 + i, T0 + i), "OK", `nonce ${i}`);

  assert.is(acceptRequest(core, nonceHex(1000), T0 + 63, T0 + 63), "NONCE_CACHE_FULL");
  assert.is(acceptRequest(core, nonceHex(0), T0 + 63, T0 + 63), "NONCE_REUSED");
});

test("a new nonce takes the lowest entry no longer live", async () => {
  const core = await freshCore();
  for (let i = 0; i < 64; i++) assert.is(acceptRequest(core, nonceHex(i), T0 + i * 2, T0 + i * 2), "OK");

  // At T0 + 303 the nonces dated T0 and T0 + 2 have expired (entries 0 and 1).
  assert.is(acceptRequest(core, nonceHex(500), T0 + 200, T0 + 303), "OK");
  assert.is(acceptRequest(core, nonceHex(501), T0 + 200, T0 + 303), "OK");
  assert.is(acceptRequest(core, nonceHex(502), T0 + 200, T0 + 303), "NONCE_CACHE_FULL");

  const state = core.read(core.exports.buffer_state(), core.exports.replay_export(T0 + 303));
  assert.is(state[13], 64);
  assert.is(state.subarray(14, 46).toString("ascii"), nonceHex(500));
  assert.is(state.subarray(50, 82).toString("ascii"), nonceHex(501));
});

test("request_accept runs request_verify first", async () => {
  const core = await freshCore();
  assert.is(acceptRequest(core, nonceHex(1), T0, T0 + 301), "REQUEST_TIMESTAMP_SKEW");
  assert.is(acceptRequest(core, "ABC", T0, T0), "REQUEST_BAD_FORM");
  assert.is(core.exports.replay_floor_due(), 0);
  assert.is(acceptRequest(core, nonceHex(1), T0, T0), "OK");
});

test.run();
