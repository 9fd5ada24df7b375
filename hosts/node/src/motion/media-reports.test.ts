import { test } from "uvu";
import * as assert from "uvu/assert";
import { nowSec } from "../clock.ts";
import { batchBody, frameEntry } from "../testing/batches.ts";
import { insertNetwork, newKey, sendSigned, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import { PENDING_MEDIA_TTL_SEC } from "./media-reports.ts";

const PATH = "/motion-events/media";
const PNG_PATH = "2026-12/05/01/2152-porch-cam-168.png";
const JPG_PATH = "2026-12/05/01/2153-porch-cam-170.jpg";

let server: TestServer;
let network: TestNetwork;
let batchSeq = 0;
let motionSeq = 100;

test.before(async () => {
  server = await startTestServer();
});

test.before.each(async () => {
  network = await insertNetwork(server.deps.db, server.clock);
});

test.after(async () => {
  await server.close();
});

function reportBody(media: unknown[], keyId = network.keyId): string {
  return JSON.stringify({ key_id: keyId, media });
}

async function report(media: unknown[]): Promise<Response> {
  return sendSigned(server, network, reportBody(media), { path: PATH });
}

/** Ingests one motion frame of porch-cam; returns its seq. */
async function ingestMotion(extra: Record<string, unknown> = {}): Promise<number> {
  motionSeq += 1;
  batchSeq += 1;
  const entry = frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: motionSeq, timestamp: nowSec(server.clock), payload: { zone: "porch", ...extra } });
  const response = await sendSigned(server, network, batchBody(network, batchSeq, [entry]));
  assert.is(response.status, 200, await response.text());
  return motionSeq;
}

async function mediaPathOf(seq: number): Promise<string | null | undefined> {
  const row = await server.deps.db("motion_events").where({ network_id: network.id, device_id: "porch-cam", seq }).first("media_path");
  return row ? row.media_path : undefined;
}

async function pendingCount(): Promise<number> {
  const rows = await server.deps.db("motion_media_pending").where({ network_id: network.id }).select("seq");
  return rows.length;
}

test("POST /motion-events/media sets the path of a stored event", async () => {
  const seq = await ingestMotion();
  const response = await report([{ device_id: "porch-cam", seq, path: PNG_PATH }]);

  assert.is(response.status, 200);
  assert.equal(await response.json(), { linked: 1, pending: 0, rejected: [] });
  assert.is(await mediaPathOf(seq), PNG_PATH);
});

test("POST /motion-events/media is idempotent", async () => {
  const seq = await ingestMotion();
  const first = await report([{ device_id: "porch-cam", seq, path: PNG_PATH }]);
  const again = await report([{ device_id: "porch-cam", seq, path: PNG_PATH }]);

  assert.is(first.status, 200);
  assert.is(again.status, 200);
  assert.equal(await again.json(), { linked: 1, pending: 0, rejected: [] });
  assert.is(await mediaPathOf(seq), PNG_PATH);
});

test("POST /motion-events/media keeps a path until its event arrives", async () => {
  const seq = motionSeq + 1;
  const response = await report([{ device_id: "porch-cam", seq, path: JPG_PATH }]);
  assert.equal(await response.json(), { linked: 0, pending: 1, rejected: [] });
  assert.is(await pendingCount(), 1);

  // The home base's path wins over the device's own `media` member.
  assert.is(await ingestMotion({ media: "device-guess.jpg" }), seq);
  assert.is(await mediaPathOf(seq), JPG_PATH);
  assert.is(await pendingCount(), 0);
});

test("POST /motion-events/media forgets a stale pending path", async () => {
  await report([{ device_id: "porch-cam", seq: 999_000, path: JPG_PATH }]);
  server.clock.advanceMs((PENDING_MEDIA_TTL_SEC + 1) * 1000);

  const response = await report([]);
  assert.equal(await response.json(), { linked: 0, pending: 0, rejected: [] });
  assert.is(await pendingCount(), 0);
});

test("POST /motion-events/media rejects a device of no network", async () => {
  const response = await report([{ device_id: "garage", seq: 5, path: PNG_PATH }]);

  assert.is(response.status, 200);
  assert.equal(await response.json(), { linked: 0, pending: 0, rejected: [{ index: 0, code: "DEVICE_NOT_FOUND" }] });
  assert.is(await pendingCount(), 0);
});

test("POST /motion-events/media rejects malformed reports", async () => {
  const cases: [unknown[], string][] = [
    [[{ device_id: "porch-cam", seq: 1, path: "../secrets" }], "media[0].path"],
    [[{ device_id: "porch-cam", seq: 1, path: "a//b.png" }], "media[0].path"],
    [[{ device_id: "porch-cam", seq: 1, path: "2026-12/./x.png" }], "media[0].path"],
    [[{ device_id: "porch-cam", seq: 0, path: PNG_PATH }], "media[0].seq"],
    [[{ device_id: "porch-cam", seq: 4294967296, path: PNG_PATH }], "media[0].seq"],
    [[{ device_id: "porch cam", seq: 1, path: PNG_PATH }], "media[0].device_id"],
    [[{ device_id: "porch-cam", seq: 1 }], "media[0]"],
    [[{ device_id: "porch-cam", seq: 1, path: PNG_PATH, extra: 1 }], "media[0]"],
    [Array.from({ length: 65 }, (_, index) => ({ device_id: "porch-cam", seq: index + 1, path: PNG_PATH })), "media"],
  ];
  for (const [media, field] of cases) {
    const response = await report(media);
    const body = (await response.json()) as { code: string; field?: string };
    assert.is(response.status, 400, JSON.stringify(media).slice(0, 80));
    assert.is(body.code, "VALIDATION_FAILED");
    assert.ok(body.field?.startsWith(field), `${body.field} should start with ${field}`);
  }
});

test("POST /motion-events/media rejects another key_id", async () => {
  const other = `${network.id}/other`;
  const response = await sendSigned(server, network, reportBody([], other), { path: PATH });
  assert.is(response.status, 400);
  assert.is(((await response.json()) as { code: string }).code, "KEY_ID_MISMATCH");
});

test("POST /motion-events/media requires the home base's signature", async () => {
  const unsigned = await sendSigned(server, network, reportBody([]), { path: PATH, headers: { "X-Mesh-Signature": "" } });
  assert.is(unsigned.status, 401);
  assert.is(((await unsigned.json()) as { code: string }).code, "SIGNATURE_REQUIRED");

  const forged = await sendSigned(server, network, reportBody([]), { path: PATH, key: newKey() });
  assert.is(forged.status, 401);
  assert.is(((await forged.json()) as { code: string }).code, "SIGNATURE_INVALID");
});

test("POST /motion-events/media rejects a large body", async () => {
  const response = await sendSigned(server, network, JSON.stringify({ key_id: network.keyId, media: [], pad: "x".repeat(17 * 1024) }), { path: PATH });
  assert.is(response.status, 413);
  assert.is(((await response.json()) as { code: string }).code, "BODY_TOO_LARGE");
});

test.run();
