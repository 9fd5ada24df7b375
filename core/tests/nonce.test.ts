import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { canonicalText, sha256Hex, signRequest } from "../vectors/encode.ts";
import { freshCore, setNetworkId, writeKey, writeNetworkKey } from "./helpers.ts";
import { T0, network } from "./accept_helpers.ts";

const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";

function nonceHex(n: number): string {
  return n.toString(16).padStart(32, "0");
}

/**
 * Signs a command delivery under the network key (key id: the bare UUID, or `keyId`) and runs
 * request_accept on a core that holds the network's id and key.
 */
function acceptRequest(core: CoreHandle, nonce: string, timestamp: number, now: number, keyId = NETWORK_ID): string {
  const canonical = Buffer.from(canonicalText({
    method: "POST", path: "/api/v1/command", keyId, timestamp: String(timestamp), nonce, bodySha256: sha256Hex("{}"),
  }));
  assert.is(setNetworkId(core, NETWORK_ID), "OK");
  writeNetworkKey(core, network.publicKey);
  core.write(core.exports.buffer_request(), canonical, core.exports.buffer_request_size());
  core.write(core.exports.buffer_signature(), signRequest(canonical, network), 64);
  return core.statusName(core.exports.request_accept(canonical.length, now));
}

test("request_accept takes only the network id as key id", async () => {
  const core = await freshCore();
  assert.is(acceptRequest(core, nonceHex(1), T0, T0, `${NETWORK_ID}/homebase`), "REQUEST_UNKNOWN_KEY");
  assert.is(acceptRequest(core, nonceHex(2), T0, T0, "00000000-0000-0000-0000-000000000000"), "REQUEST_UNKNOWN_KEY");
  assert.is(core.exports.replay_floor_due(), 0);
  assert.is(acceptRequest(core, nonceHex(1), T0, T0), "OK");
});

test("request_accept ignores the key buffer", async () => {
  const core = await freshCore();
  writeKey(core, Buffer.alloc(32, 7));
  assert.is(acceptRequest(core, nonceHex(1), T0, T0), "OK");
});

test("request_accept without a network id is REQUEST_UNKNOWN_KEY", async () => {
  const core = await freshCore();
  const canonical = Buffer.from(canonicalText({
    method: "GET", path: "/api/v1/media/x.png", keyId: NETWORK_ID, timestamp: String(T0), nonce: nonceHex(3), bodySha256: sha256Hex(""),
  }));
  writeNetworkKey(core, network.publicKey);
  core.write(core.exports.buffer_request(), canonical, core.exports.buffer_request_size());
  core.write(core.exports.buffer_signature(), signRequest(canonical, network), 64);
  assert.is(core.statusName(core.exports.request_accept(canonical.length, T0)), "REQUEST_UNKNOWN_KEY");
});

test("network_id_set takes a UUID only", async () => {
  const core = await freshCore();
  assert.is(setNetworkId(core, NETWORK_ID.toUpperCase()), "REQUEST_BAD_FORM");
  assert.is(setNetworkId(core, `${NETWORK_ID}/homebase`), "REQUEST_BAD_FORM");
  assert.is(setNetworkId(core, NETWORK_ID.slice(1)), "REQUEST_BAD_FORM");
  assert.is(setNetworkId(core, ""), "REQUEST_BAD_FORM");
  assert.is(core.statusName(core.exports.network_id_set(1000)), "REQUEST_BAD_FORM");
  assert.is(setNetworkId(core, NETWORK_ID), "OK");
});

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
