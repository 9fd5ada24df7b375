import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import nacl from "tweetnacl";
import { nowSec } from "../clock.ts";
import { listenInTestRange } from "../testing/app.ts";
import { batchBody, frameEntry } from "../testing/batches.ts";
import { insertNetwork, sendSigned, sessionHeaders, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import { deriveNetworkKey } from "../keys/derive.ts";
import type { MotionItem } from "./item.ts";

interface MotionPage {
  items: MotionItem[];
  next_cursor: string | null;
}

let server: TestServer;
let network: TestNetwork;
let auth: Record<string, string>;
let base: number;
/** A home base stand-in on 127.0.0.1 that serves /api/v1/media/ and records each request. */
let homeBase: Server;
let homeBaseRequests: IncomingMessage[];
const JPEG = Buffer.from("ffd8ffe000104a464946000101", "hex");

/** Each event: device, seconds after `base`, zone, payload extras. The seq is the position plus one. */
const EVENTS: [string, number, string, Record<string, unknown>][] = [
  ["porch-cam", 0, "porch", { media: "2026/porch-1.jpg", confidence: 0.9 }],
  ["hall", 10, "hall", {}],
  ["porch-cam", 10, "porch", { media: "missing.jpg" }],
  ["hall", 30, "hall", { confidence: 0.4 }],
  ["porch-cam", 40, "drive", { media: "broken.jpg" }],
];

test.before(async () => {
  server = await startTestServer();
  auth = await sessionHeaders(server);
  network = await insertNetwork(server.deps.db, server.clock);
  base = nowSec(server.clock) - 3600;

  homeBaseRequests = [];
  homeBase = createServer((request, response) => {
    homeBaseRequests.push(request);
    if (request.url === "/api/v1/media/2026/porch-1.jpg") {
      response.writeHead(200, { "content-type": "image/jpeg", "content-length": JPEG.length });
      response.end(JPEG);
    } else if (request.url === "/api/v1/media/broken.jpg") {
      response.writeHead(500).end();
    } else {
      response.writeHead(404).end();
    }
  });
  const port = await listenInTestRange(homeBase);
  await server.deps.db("networks").where({ id: network.id }).update({ home_base_host: "127.0.0.1", home_base_port: port });

  const entries = EVENTS.map(([deviceId, offset, zone, extra], index) => frameEntry(network, { kind: "motion", deviceId, seq: index + 1, timestamp: base + offset, payload: { zone, ...extra } }));
  assert.is((await sendSigned(server, network, batchBody(network, 1, entries))).status, 200);
});

test.after(async () => {
  homeBase.closeAllConnections();
  await new Promise<void>((resolve) => homeBase.close(() => resolve()));
  await server.close();
});

async function get(path: string, headers = auth): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, { headers });
}

async function zonesOf(query: string): Promise<string[]> {
  const response = await get(`/motion-events${query}`);
  const body = (await response.json()) as MotionPage;
  assert.is(response.status, 200, JSON.stringify(body));
  return body.items.map((item) => `${item.zone}${item.seq}`);
}

async function idOfSeq(seq: number): Promise<string> {
  const row = await server.deps.db("motion_events").where({ network_id: network.id, seq }).first("id");
  return String(row.id);
}

test("GET /motion-events requires a session", async () => {
  const response = await get("/motion-events", {});
  assert.is(response.status, 401);
});

test("GET /motion-events returns items newest first", async () => {
  const response = await get(`/motion-events?network_id=${network.id}`);
  const page = (await response.json()) as MotionPage;
  assert.is(response.status, 200);
  assert.equal(page.items.map((item) => item.seq), [5, 4, 3, 2, 1]);
  assert.is(page.next_cursor, null);

  const oldest = page.items[4]!;
  assert.equal(oldest, {
    id: await idOfSeq(1),
    network_id: network.id,
    device_id: "porch-cam",
    home_base_id: "homebase",
    timestamp: new Date(base * 1000).toISOString(),
    seq: 1,
    zone: "porch",
    confidence: 0.9,
    media_path: "2026/porch-1.jpg",
    received_at: new Date((base + 1) * 1000).toISOString(),
    data: { zone: "porch", media: "2026/porch-1.jpg", confidence: 0.9 },
  });
});

test("GET /motion-events filters by device and time", async () => {
  const scope = `?network_id=${network.id}`;
  assert.equal(await zonesOf(`${scope}&device_id=hall`), ["hall4", "hall2"]);
  const since = new Date((base + 10) * 1000).toISOString();
  const until = new Date((base + 40) * 1000).toISOString();
  assert.equal(await zonesOf(`${scope}&since=${since}&until=${until}`), ["hall4", "porch3", "hall2"]);
  const other = await insertNetwork(server.deps.db, server.clock);
  assert.equal(await zonesOf(`?network_id=${other.id}`), []);
});

test("GET /motion-events pages with the cursor", async () => {
  for (const limit of [1, 2, 3]) {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response = await get(`/motion-events?network_id=${network.id}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await response.json()) as MotionPage;
      assert.ok(body.items.length <= limit);
      seen.push(...body.items.map((item) => item.seq));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    assert.equal(seen, [5, 4, 3, 2, 1], `limit ${limit}`);
  }
});

test("GET /motion-events rejects bad parameters", async () => {
  for (const [query, field] of [["limit=05", "limit"], ["limit=1001", "limit"], ["since=2026-02-30T00:00:00Z", "since"], ["cursor=abc", "cursor"], ["text=x", "text"], ["network_id=1", "network_id"]]) {
    const response = await get(`/motion-events?${query}`);
    const body = (await response.json()) as Record<string, unknown>;
    assert.is(response.status, 400, query);
    assert.is(body.code, "VALIDATION_FAILED", query);
    assert.is(body.field, field, query);
  }
});

test("media is streamed from the home base", async () => {
  homeBaseRequests.length = 0;
  const response = await get(`/motion-events/${await idOfSeq(1)}/media`);
  assert.is(response.status, 200);
  assert.is(response.headers.get("content-type"), "image/jpeg");
  assert.is(response.headers.get("x-content-type-options"), "nosniff");
  assert.match(response.headers.get("content-security-policy") ?? "", "sandbox");
  assert.equal(Buffer.from(await response.arrayBuffer()), JPEG);

  assert.is(homeBaseRequests.length, 1);
  const request = homeBaseRequests[0]!;
  assert.is(request.url, "/api/v1/media/2026/porch-1.jpg");
  assert.is(request.method, "GET");
});

test("media request is signed by the network key", async () => {
  homeBaseRequests.length = 0;
  assert.is((await get(`/motion-events/${await idOfSeq(1)}/media`)).status, 200);
  const headers = homeBaseRequests[0]!.headers;

  // The canonical text of docs/protocol.md section 2, rebuilt here: GET with no body.
  assert.is(headers["x-mesh-key-id"], network.id);
  assert.is(headers["x-mesh-timestamp"], String(nowSec(server.clock)));
  assert.match(String(headers["x-mesh-nonce"]), /^[0-9a-f]{32}$/);
  const canonical = ["GET", "/api/v1/media/2026/porch-1.jpg", network.id, headers["x-mesh-timestamp"], headers["x-mesh-nonce"], createHash("sha256").digest("hex")].join("\n");
  const message = Buffer.concat([Buffer.from("homemesh/request/v1\0", "ascii"), Buffer.from(canonical, "utf8")]);
  const row = await server.deps.db("networks").where({ id: network.id }).first("key_index");
  const networkKey = deriveNetworkKey(server.deps.masterSeed, Number(row.key_index)).publicKey;
  assert.ok(nacl.sign.detached.verify(message, Buffer.from(String(headers["x-mesh-signature"]), "hex"), networkKey));
});

test("media of an event without media is 404", async () => {
  const response = await get(`/motion-events/${await idOfSeq(2)}/media`);
  assert.is(response.status, 404);
  assert.is(((await response.json()) as { code: string }).code, "MEDIA_NOT_FOUND");
});

test("media the home base lacks is 404", async () => {
  const response = await get(`/motion-events/${await idOfSeq(3)}/media`);
  assert.is(response.status, 404);
  assert.is(((await response.json()) as { code: string }).code, "MEDIA_NOT_FOUND");
});

test("unknown motion event is 404", async () => {
  for (const id of ["999999", "abc", "0"]) {
    const response = await get(`/motion-events/${id}/media`);
    assert.is(response.status, 404, id);
    assert.is(((await response.json()) as { code: string }).code, "MOTION_EVENT_NOT_FOUND", id);
  }
});

test("home base error is 502", async () => {
  const response = await get(`/motion-events/${await idOfSeq(5)}/media`);
  assert.is(response.status, 502);
  assert.is(((await response.json()) as { code: string }).code, "HOME_BASE_BAD_RESPONSE");
});

test("unreachable home base is 502", async () => {
  // A port that was just free and is closed again: the connection is refused.
  const closed = createServer();
  const port = await listenInTestRange(closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const original = await server.deps.db("networks").where({ id: network.id }).first("home_base_port");
  await server.deps.db("networks").where({ id: network.id }).update({ home_base_port: port });
  try {
    const response = await get(`/motion-events/${await idOfSeq(1)}/media`);
    const body = (await response.json()) as { code: string; detail: string };
    assert.is(response.status, 502);
    assert.is(body.code, "HOME_BASE_UNREACHABLE");
    assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
  } finally {
    await server.deps.db("networks").where({ id: network.id }).update({ home_base_port: original.home_base_port });
  }
});

test.run();
