import { test } from "uvu";
import * as assert from "uvu/assert";
import { nowSec } from "../clock.ts";
import { batchBody } from "../testing/batches.ts";
import { insertNetwork, newKey, sendSigned, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import { signTestRequest } from "../testing/requests.ts";
import { NONCE_TTL_SEC, signRequest } from "./signature.ts";

let server: TestServer;
let network: TestNetwork;
let batchSeq = 0;

// One server per file keeps the run short (a fresh PGlite database takes about two seconds to
// migrate); each test works in a network of its own.
test.before(async () => {
  server = await startTestServer();
});

test.before.each(async () => {
  network = await insertNetwork(server.deps.db, server.clock);
});

test.after(async () => {
  await server.close();
});

function emptyBatch(): string {
  batchSeq += 1;
  return batchBody(network, batchSeq, []);
}

async function expectProblem(response: Response, status: number, code: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  assert.is(response.status, status, `status for ${code}: ${JSON.stringify(body)}`);
  assert.match(String(response.headers.get("content-type")), /^application\/problem\+json/);
  assert.is(body.code, code);
  return body;
}

test("signed request from the home base is accepted", async () => {
  const response = await sendSigned(server, network, emptyBatch());
  assert.is(response.status, 200);
  assert.is(((await response.json()) as { duplicate: boolean }).duplicate, false);
});

for (const header of ["X-Mesh-Key-Id", "X-Mesh-Timestamp", "X-Mesh-Nonce", "X-Mesh-Signature"]) {
  test(`missing ${header} is SIGNATURE_REQUIRED`, async () => {
    const response = await sendSigned(server, network, emptyBatch(), { headers: { [header]: "" } });
    const body = await expectProblem(response, 401, "SIGNATURE_REQUIRED");
    assert.match(String(body.detail), header);
  });
}

test("malformed headers are SIGNATURE_REQUIRED", async () => {
  const cases: Record<string, string>[] = [
    { "X-Mesh-Key-Id": "not-a-key-id" },
    { "X-Mesh-Key-Id": `${network.id}/` },
    { "X-Mesh-Timestamp": "0123" },
    { "X-Mesh-Timestamp": "+1767268800" },
    { "X-Mesh-Nonce": "ABCDEF00ABCDEF00ABCDEF00ABCDEF00" },
    { "X-Mesh-Signature": "00" },
  ];
  for (const headers of cases) {
    const response = await sendSigned(server, network, emptyBatch(), { headers });
    await expectProblem(response, 401, "SIGNATURE_REQUIRED");
  }
});

test("tampered body is SIGNATURE_INVALID", async () => {
  const signed = emptyBatch();
  const response = await sendSigned(server, network, signed, { sentBody: signed.replace('"interval_sec":60', '"interval_sec":61') });
  await expectProblem(response, 401, "SIGNATURE_INVALID");
});

test("signature over another path is SIGNATURE_INVALID", async () => {
  const body = emptyBatch();
  const headers = signTestRequest({ method: "POST", path: "/logs/ingest?x=1", keyId: network.keyId, seed: network.homeBaseKey.seed, body: Buffer.from(body), timestampSec: nowSec(server.clock) });
  const response = await server.fetch("/logs/ingest", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  await expectProblem(response, 401, "SIGNATURE_INVALID");
});

test("timestamp more than 300 s old or ahead is REQUEST_TIMESTAMP_SKEW", async () => {
  const now = nowSec(server.clock);
  await expectProblem(await sendSigned(server, network, emptyBatch(), { timestampSec: now - 301 }), 401, "REQUEST_TIMESTAMP_SKEW");
  await expectProblem(await sendSigned(server, network, emptyBatch(), { timestampSec: now + 301 }), 401, "REQUEST_TIMESTAMP_SKEW");

  assert.is((await sendSigned(server, network, emptyBatch(), { timestampSec: now - 300 })).status, 200);
  assert.is((await sendSigned(server, network, emptyBatch(), { timestampSec: now + 300 })).status, 200);
});

test("request signed earlier is rejected after the clock moves on", async () => {
  const signedAt = nowSec(server.clock);
  server.clock.advanceSec(301);
  const response = await sendSigned(server, network, emptyBatch(), { timestampSec: signedAt });
  await expectProblem(response, 401, "REQUEST_TIMESTAMP_SKEW");
});

test("reused nonce is NONCE_REUSED", async () => {
  const nonce = "0123456789abcdef0123456789abcdef";
  assert.is((await sendSigned(server, network, emptyBatch(), { nonce })).status, 200);

  const replay = await sendSigned(server, network, emptyBatch(), { nonce });
  await expectProblem(replay, 401, "NONCE_REUSED");
});

test("nonce is free again once it expired", async () => {
  const nonce = "fedcba9876543210fedcba9876543210";
  assert.is((await sendSigned(server, network, emptyBatch(), { nonce })).status, 200);

  server.clock.advanceSec(NONCE_TTL_SEC + 1);
  assert.is((await sendSigned(server, network, emptyBatch(), { nonce })).status, 200);
  const rows = await server.deps.db("request_nonces").where({ nonce });
  assert.is(rows.length, 1);
});

test("expired nonces are deleted", async () => {
  const oldNonce = "11111111111111111111111111111111";
  assert.is((await sendSigned(server, network, emptyBatch(), { nonce: oldNonce })).status, 200);

  server.clock.advanceSec(NONCE_TTL_SEC + 1);
  assert.is((await sendSigned(server, network, emptyBatch())).status, 200);
  const expired = await server.deps.db("request_nonces").where("expires_at", "<", new Date(server.clock.nowMs()).toISOString());
  assert.is(expired.length, 0);
  assert.is((await server.deps.db("request_nonces").where({ nonce: oldNonce })).length, 0);
});

test("rejected request does not use up its nonce", async () => {
  const nonce = "22222222222222222222222222222222";
  const bad = await sendSigned(server, network, emptyBatch(), { nonce, key: newKey() });
  await expectProblem(bad, 401, "SIGNATURE_INVALID");

  assert.is((await sendSigned(server, network, emptyBatch(), { nonce })).status, 200);
});

test("unknown key id is UNKNOWN_KEY", async () => {
  const response = await sendSigned(server, network, emptyBatch(), { keyId: `${network.id}/porch-cam` });
  await expectProblem(response, 401, "UNKNOWN_KEY");

  const other = await sendSigned(server, network, emptyBatch(), { keyId: `00000000-0000-4000-8000-000000000000/homebase` });
  await expectProblem(other, 401, "UNKNOWN_KEY");
});

test("another network's home base key is SIGNATURE_INVALID", async () => {
  const second = await insertNetwork(server.deps.db, server.clock, ["garage"]);
  const response = await sendSigned(server, second, batchBody(second, 1, []), { key: network.homeBaseKey });
  await expectProblem(response, 401, "SIGNATURE_INVALID");

  const wrongKey = await sendSigned(server, network, emptyBatch(), { key: newKey() });
  await expectProblem(wrongKey, 401, "SIGNATURE_INVALID");
});

test("signRequest builds headers the server accepts", async () => {
  const body = emptyBatch();
  const headers = signRequest({ method: "post", path: "/logs/ingest", keyId: network.keyId, privateKeySeed: network.homeBaseKey.seed, body, clock: server.clock, core: server.deps.core });
  const independent = signTestRequest({ method: "POST", path: "/logs/ingest", keyId: network.keyId, seed: network.homeBaseKey.seed, body: Buffer.from(body), timestampSec: nowSec(server.clock), nonce: headers["X-Mesh-Nonce"] });
  assert.equal(headers, independent);

  const response = await server.fetch("/logs/ingest", { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  assert.is(response.status, 200);
});

test.run();
