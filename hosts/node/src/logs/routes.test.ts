import { test } from "uvu";
import * as assert from "uvu/assert";
import { nowSec } from "../clock.ts";
import { batchBody, frameEntry } from "../testing/batches.ts";
import { insertNetwork, sendSigned, sessionHeaders, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import type { ResponseBody } from "../testing/api-types.ts";

/** The 200 body of GET /logs, as openapi.yaml documents it. */
type LogPage = ResponseBody<"listLogs", 200>;

let server: TestServer;
let network: TestNetwork;
let other: TestNetwork;
let auth: Record<string, string>;
let base: number;

/** Each line: device, seconds after `base`, level, category. The seq is the position plus one. */
const LINES: [string, number, string, string][] = [
  ["porch-cam", 0, "debug", "sensor"],
  ["porch-cam", 10, "info", "sensor"],
  ["hall", 10, "warning", "battery"],
  ["hall", 20, "error", "sensor"],
  ["porch-cam", 30, "critical", "net.wifi"],
  ["hall", 40, "info", "battery"],
  ["porch-cam", 50, "info", "sensor"],
];

test.before(async () => {
  server = await startTestServer();
  auth = await sessionHeaders(server);
  network = await insertNetwork(server.deps.db, server.clock);
  other = await insertNetwork(server.deps.db, server.clock, ["porch-cam"]);
  base = nowSec(server.clock) - 3600;

  const entries = LINES.map(([deviceId, offset, level, category], index) =>
    frameEntry(network, { kind: "log", deviceId, seq: index + 1, timestamp: base + offset, payload: { level, category, message: `line ${index + 1}` } }),
  );
  assert.is((await sendSigned(server, network, batchBody(network, 1, entries))).status, 200);
  const foreign = frameEntry(other, { kind: "log", deviceId: "porch-cam", seq: 1, timestamp: base + 5, payload: { level: "error", category: "sensor", message: "other network" } });
  assert.is((await sendSigned(server, other, batchBody(other, 1, [foreign]))).status, 200);
});

test.after(async () => {
  await server.close();
});

async function getLogs(query: string, headers = auth): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await server.fetch(`/logs${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function messages(query: string): Promise<string[]> {
  const { status, body } = await getLogs(query);
  assert.is(status, 200, JSON.stringify(body));
  return (body as unknown as LogPage).items.map((item) => item.message);
}

test("GET /logs requires a session", async () => {
  const anonymous = await getLogs("", {});
  assert.is(anonymous.status, 401);
  assert.is(anonymous.body.code, "AUTH_REQUIRED");

  const wrong = await getLogs("", { authorization: "Bearer not-a-session" });
  assert.is(wrong.status, 401);
  assert.is(wrong.body.code, "SESSION_INVALID");
});

test("GET /logs returns items newest first", async () => {
  const { status, body } = await getLogs(`?network_id=${network.id}`);
  assert.is(status, 200);
  const page = body as unknown as LogPage;
  // Lines 2 and 3 share a timestamp, so the later id (line 3) comes first.
  assert.equal(page.items.map((item) => item.message), ["line 7", "line 6", "line 5", "line 4", "line 3", "line 2", "line 1"]);
  assert.is(page.next_cursor, null);

  const first = page.items[0]!;
  assert.equal(Object.keys(first).sort(), ["category", "device_id", "home_base_id", "id", "level", "message", "network_id", "received_at", "seq", "timestamp"]);
  assert.is(first.network_id, network.id);
  assert.is(first.device_id, "porch-cam");
  assert.is(first.home_base_id, "homebase");
  assert.is(first.timestamp, new Date((base + 50) * 1000).toISOString());
  assert.is(first.seq, 7);
  assert.is(first.level, "info");
  assert.is(first.category, "sensor");
  assert.is(first.received_at, new Date((base + 51) * 1000).toISOString());
  assert.match(first.id, /^[0-9]+$/);
});

test("GET /logs filters by each parameter", async () => {
  const scope = `?network_id=${network.id}`;
  assert.equal(await messages(`${scope}&device_id=hall`), ["line 6", "line 4", "line 3"]);
  assert.equal(await messages(`${scope}&min_level=error`), ["line 5", "line 4"]);
  assert.equal(await messages(`${scope}&min_level=warning&device_id=hall`), ["line 4", "line 3"]);
  assert.equal(await messages(`${scope}&category=net.wifi`), ["line 5"]);
  const since = new Date((base + 30) * 1000).toISOString();
  const until = new Date((base + 50) * 1000).toISOString();
  assert.equal(await messages(`${scope}&since=${since}`), ["line 7", "line 6", "line 5"]);
  assert.equal(await messages(`${scope}&until=${until}`), ["line 6", "line 5", "line 4", "line 3", "line 2", "line 1"]);
  assert.equal(await messages(`${scope}&since=${since}&until=${until}`), ["line 6", "line 5"]);
  assert.equal(await messages(`?network_id=${other.id}`), ["other network"]);
  assert.equal(await messages(`${scope}&limit=2`), ["line 7", "line 6"]);
});

test("GET /logs filters by message text", async () => {
  const scope = `?network_id=${network.id}`;
  assert.equal(await messages(`${scope}&text=LINE%203`), ["line 3"]);
  assert.equal(await messages(`${scope}&text=ine%205&device_id=porch-cam`), ["line 5"]);
  // % and _ are matched literally, not as LIKE wildcards.
  assert.equal(await messages(`${scope}&text=line%25`), []);
  assert.equal(await messages(`${scope}&text=line_`), []);
});

test("GET /logs invalid date names the parameter", async () => {
  const { status, body } = await getLogs("?since=2026-02-30T00:00:00Z");
  assert.is(status, 400);
  assert.is(body.code, "VALIDATION_FAILED");
  assert.is(body.field, "since");
});

test("GET /logs pages rows of one timestamp without loss", async () => {
  // 25 lines share one timestamp, so only the id orders them; pages of 4 must return each once.
  const same = await insertNetwork(server.deps.db, server.clock, ["porch-cam", "hall"]);
  const at = base + 500;
  const entries = Array.from({ length: 25 }, (_, index) =>
    frameEntry(same, { kind: "log", deviceId: index % 2 ? "hall" : "porch-cam", seq: index + 1, timestamp: at, payload: { level: "info", category: "tie", message: `tie ${index}` } }),
  );
  assert.is((await sendSigned(server, same, batchBody(same, 1, entries))).status, 200);

  const seen: LogPage["items"] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page += 1) {
    const { status, body } = await getLogs(`?network_id=${same.id}&limit=4${cursor ? `&cursor=${cursor}` : ""}`);
    assert.is(status, 200);
    const result = body as unknown as LogPage;
    assert.ok(result.items.length <= 4);
    seen.push(...result.items);
    cursor = result.next_cursor;
    if (!cursor) break;
  }
  assert.is(seen.length, 25);
  assert.is(new Set(seen.map((item) => item.id)).size, 25);
  const ids = seen.map((item) => BigInt(item.id));
  assert.ok(ids.every((id, index) => index === 0 || id < ids[index - 1]!), "ids descend across pages");
});

test("GET /logs accepts offsets in since", async () => {
  const since = new Date((base + 40) * 1000 + 2 * 3600_000).toISOString().replace("Z", "+02:00").replace(/\.\d{3}/, "");
  assert.equal(await messages(`?network_id=${network.id}&since=${encodeURIComponent(since)}`), ["line 7", "line 6"]);
});

test("GET /logs pages with the cursor", async () => {
  // Page size 5 puts lines 3 and 2, which share a timestamp, on different pages.
  for (const limit of [1, 3, 5]) {
    const seen: string[] = [];
    let query = `?network_id=${network.id}&limit=${limit}`;
    for (let page = 0; page < 10; page += 1) {
      const { status, body } = await getLogs(query);
      assert.is(status, 200);
      const result = body as unknown as LogPage;
      assert.ok(result.items.length <= limit);
      seen.push(...result.items.map((item) => item.message));
      if (!result.next_cursor) break;
      query = `?network_id=${network.id}&limit=${limit}&cursor=${result.next_cursor}`;
    }
    assert.equal(seen, ["line 7", "line 6", "line 5", "line 4", "line 3", "line 2", "line 1"], `limit ${limit}`);
  }
});

test("GET /logs rejects bad values naming the parameter", async () => {
  const cases: [string, string][] = [
    ["?network_id=not-a-uuid", "network_id"],
    ["?device_id=bad%20id", "device_id"],
    ["?device_id=" + "d".repeat(16), "device_id"],
    ["?min_level=verbose", "min_level"],
    ["?category=Sensor", "category"],
    ["?since=yesterday", "since"],
    ["?since=2026-01-01T00:00:00", "since"],
    ["?until=2026-13-01T00:00:00Z", "until"],
    ["?limit=0", "limit"],
    ["?limit=1001", "limit"],
    ["?limit=ten", "limit"],
    ["?limit=05", "limit"],
    ["?limit=+5", "limit"],
    ["?since=2026-02-30T00:00:00Z", "since"],
    ["?until=2026-04-31T00:00:00Z", "until"],
    ["?since=2026-01-01T24:00:00Z", "since"],
    ["?text=", "text"],
    ["?text=" + "x".repeat(201), "text"],
    ["?cursor=garbage", "cursor"],
    ["?level=info", "level"],
    ["?device_id=hall&device_id=porch-cam", "device_id"],
  ];
  for (const [query, field] of cases) {
    const { status, body } = await getLogs(query);
    assert.is(status, 400, query);
    assert.is(body.code, "VALIDATION_FAILED", query);
    assert.is(body.field, field, query);
    assert.match(String(body.detail), field);
  }
});

test.run();
