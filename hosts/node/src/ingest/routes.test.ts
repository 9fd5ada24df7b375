import { test } from "uvu";
import * as assert from "uvu/assert";
import { nowSec } from "../clock.ts";
import type { MeshEvent } from "../deps.ts";
import { batchBody, frameEntry, statusEntry } from "../testing/batches.ts";
import { FRAME_TYPE } from "../testing/frames.ts";
import { insertNetwork, newKey, sendSigned, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import type { ResponseBody, Schemas } from "../testing/api-types.ts";

/** The 200 body of POST /logs/ingest, as openapi.yaml documents it. */
type IngestAnswer = ResponseBody<"ingestBatch", 200>;
type Problem = Schemas["Problem"];

let server: TestServer;
let network: TestNetwork;
let now: number;

// One server per file keeps the run short (a fresh PGlite database takes about two seconds to
// migrate); each test works in a network of its own.
test.before(async () => {
  server = await startTestServer();
});

test.before.each(async () => {
  network = await insertNetwork(server.deps.db, server.clock);
  now = nowSec(server.clock);
});

test.after(async () => {
  await server.close();
});

async function ingest(body: string): Promise<IngestAnswer> {
  const response = await sendSigned(server, network, body);
  const answer = (await response.json()) as IngestAnswer;
  assert.is(response.status, 200, JSON.stringify(answer));
  return answer;
}

function logEntry(deviceId: string, seq: number, message = `line ${seq}`, level = "info") {
  return frameEntry(network, { kind: "log", deviceId, seq, timestamp: now - 100 + seq, payload: { level, category: "sensor", message } });
}

/** Returns the device_status events of the network's devices, without the home base's own heartbeat status. */
async function deviceStatusEvents() {
  const events = await server.deps.db("events").where({ network_id: network.id, type: "device_status" }).orderBy("id");
  return events.filter((event) => event.data.device_id !== network.homeBaseId);
}

async function count(table: string): Promise<number> {
  const row = await server.deps.db(table).where({ network_id: network.id }).count({ total: "*" }).first();
  return Number(row?.total);
}

test("POST /logs/ingest stores logs, motion and status", async () => {
  const entries = [
    logEntry("porch-cam", 1, "door closed"),
    frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 2, timestamp: now - 50, payload: { zone: "porch", confidence: 0.82 } }),
    statusEntry("hall", now - 10, true),
  ];
  const answer = await ingest(batchBody(network, 17, entries));
  assert.equal(answer, { batch_seq: 17, duplicate: false, accepted: 3, rejected: [] });

  const log = await server.deps.db("device_logs").where({ network_id: network.id }).first();
  assert.is(log.device_id, "porch-cam");
  assert.is(log.home_base_id, "homebase");
  assert.is(log.message, "door closed");
  assert.is(log.level_rank, 20);
  assert.is(Number(log.seq), 1);
  assert.is(new Date(log.timestamp).getTime(), (now - 99) * 1000);

  const motion = await server.deps.db("motion_events").where({ network_id: network.id }).first();
  assert.equal(motion.data, { zone: "porch", confidence: 0.82 });
  assert.is(new Date(motion.timestamp).getTime(), (now - 50) * 1000);

  const batch = await server.deps.db("ingest_batches").where({ network_id: network.id, batch_seq: 17 }).first();
  assert.is(batch.entry_count, 3);
  assert.is(batch.accepted_count, 3);

  const porch = await server.deps.db("devices").where({ network_id: network.id, device_id: "porch-cam" }).first();
  assert.is(porch.online, true);
  assert.is(new Date(porch.last_seen).getTime(), (now - 50) * 1000);
  const hall = await server.deps.db("devices").where({ network_id: network.id, device_id: "hall" }).first();
  assert.is(hall.online, true);
});

test("duplicate batch stores nothing again", async () => {
  const body = batchBody(network, 5, [logEntry("porch-cam", 1)]);
  await ingest(body);

  const again = await ingest(batchBody(network, 5, [logEntry("porch-cam", 2), logEntry("porch-cam", 3)]));
  assert.equal(again, { batch_seq: 5, duplicate: true, accepted: 0, rejected: [] });
  assert.is(await count("device_logs"), 1);
  assert.is(await count("ingest_batches"), 1);
});

test("out-of-order and gapped batch_seq are accepted", async () => {
  for (const [index, batchSeq] of [10, 3, 250, 4].entries()) {
    const answer = await ingest(batchBody(network, batchSeq, [logEntry("porch-cam", index + 1)]));
    assert.is(answer.duplicate, false);
    assert.is(answer.accepted, 1);
  }
  assert.is(await count("device_logs"), 4);
  assert.is(await count("ingest_batches"), 4);
});

test("forged frame is rejected while the others are stored", async () => {
  const forged = frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: 2, timestamp: now, payload: { level: "error", category: "sensor", message: "forged" }, signerSeed: newKey().seed });
  const answer = await ingest(batchBody(network, 1, [logEntry("porch-cam", 1), forged, logEntry("hall", 3)]));
  assert.is(answer.accepted, 2);
  assert.equal(answer.rejected, [{ index: 1, code: "SIGNATURE_INVALID" }]);

  const messages = (await server.deps.db("device_logs").where({ network_id: network.id }).orderBy("seq")).map((row) => row.message);
  assert.equal(messages, ["line 1", "line 3"]);
  assert.ok(server.logLines.some((line) => line.includes("ingest entry rejected") && line.includes("SIGNATURE_INVALID")));
  assert.not.ok(server.logLines.some((line) => line.includes("forged")), "rejected payload must not be logged");
});

test("frame signed by the home base for a device is rejected", async () => {
  const relayed = frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: 1, timestamp: now, payload: { level: "info", category: "sensor", message: "invented" }, signerSeed: network.homeBaseKey.seed });
  const answer = await ingest(batchBody(network, 1, [relayed]));
  assert.equal(answer.rejected, [{ index: 0, code: "SIGNATURE_INVALID" }]);
  assert.is(await count("device_logs"), 0);
});

test("frame of another network is rejected", async () => {
  const other = await insertNetwork(server.deps.db, server.clock, ["porch-cam"]);
  const foreign = frameEntry(other, { kind: "log", deviceId: "porch-cam", seq: 1, timestamp: now, payload: { level: "info", category: "sensor", message: "elsewhere" } });
  const answer = await ingest(batchBody(network, 1, [foreign]));
  assert.equal(answer.rejected, [{ index: 0, code: "SIGNATURE_INVALID" }]);
});

test("same frame in two batches is stored once", async () => {
  const entry = logEntry("porch-cam", 7);
  const first = await ingest(batchBody(network, 1, [entry]));
  const second = await ingest(batchBody(network, 2, [entry, entry]));
  assert.is(first.accepted, 1);
  assert.is(second.accepted, 2);
  assert.is(await count("device_logs"), 1);
  const events = await server.deps.db("events").where({ network_id: network.id, type: "log_entry" });
  assert.is(events.length, 1);
});

test("motion entries store zone, confidence and media path", async () => {
  const motion = (seq: number, payload: Record<string, unknown>) => frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq, timestamp: now - 30 + seq, payload });
  const entries = [
    motion(1, { zone: "porch", confidence: 0.5, media: "2026/01/01/porch-1.jpg" }),
    motion(2, { zone: "drive" }),
    motion(3, { zone: "porch", media: "../secrets" }),
    motion(4, { zone: "porch", media: "/etc/passwd" }),
    motion(5, { zone: "porch", media: 7 }),
    motion(6, { zone: "porch", media: "a//b.jpg" }),
  ];
  const answer = await ingest(batchBody(network, 1, entries));
  assert.equal(answer.rejected, [3, 4, 5, 6].map((seq) => ({ index: seq - 1, code: "INVALID_PAYLOAD" })));

  const rows = await server.deps.db("motion_events").where({ network_id: network.id }).orderBy("seq");
  assert.equal(rows.map((row) => [row.zone, row.confidence, row.media_path]), [["porch", 0.5, "2026/01/01/porch-1.jpg"], ["drive", null, null]]);
  assert.is(new Date(rows[0].received_at).getTime(), (now - 29 + 1) * 1000);
});

test("same frame twice in one batch is stored once", async () => {
  const entry = logEntry("hall", 3);
  const motion = frameEntry(network, { kind: "motion", deviceId: "hall", seq: 4, timestamp: now, payload: { zone: "hall" } });
  const answer = await ingest(batchBody(network, 1, [entry, motion, entry, motion]));
  assert.is(answer.accepted, 4);
  assert.is(await count("device_logs"), 1);
  assert.is(await count("motion_events"), 1);
  const events = await server.deps.db("events").where({ network_id: network.id }).whereIn("type", ["log_entry", "motion_event"]);
  assert.is(events.length, 2);
});

test("entries of any age keep device time and receive time", async () => {
  const old = frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: 1, timestamp: 86_400, payload: { level: "info", category: "sensor", message: "1970" } });
  old.received_at = 90_000;
  const answer = await ingest(batchBody(network, 1, [old]));
  assert.is(answer.accepted, 1);
  const row = await server.deps.db("device_logs").where({ network_id: network.id }).first();
  assert.is(new Date(row.timestamp).toISOString(), "1970-01-02T00:00:00.000Z");
  assert.is(new Date(row.received_at).toISOString(), "1970-01-02T01:00:00.000Z");
});

test("batch writes in bulk whatever its size", async () => {
  // Counts the writes of two requests with the same mix, one of 6 entries and one of 60: bulk
  // writes make the two counts equal, a statement per entry would add 54. Reads are not counted,
  // because the event bus of this process reads events on the same pool at times of its own.
  const mix = (first: number, count: number) =>
    Array.from({ length: count }, (_, offset) => {
      const seq = first + offset;
      if (offset % 3 === 0) return frameEntry(network, { kind: "motion", deviceId: "hall", seq, timestamp: now - 1000 + seq, payload: { zone: "hall" } });
      if (offset % 3 === 1) return statusEntry("porch-cam", now - 1000 + seq, offset % 2 === 0);
      return logEntry("porch-cam", seq);
    });
  const statementsOf = async (batchSeq: number, entries: Record<string, unknown>[]) => {
    let statements = 0;
    const onQuery = (query: { sql: string }) => {
      if (/^\s*(insert|update|delete|with)\b/i.test(query.sql)) statements += 1;
    };
    server.deps.db.on("query", onQuery);
    try {
      await ingest(batchBody(network, batchSeq, entries));
    } finally {
      server.deps.db.off("query", onQuery);
    }
    return statements;
  };
  const small = await statementsOf(1, mix(1, 6));
  const large = await statementsOf(2, mix(100, 60));
  assert.is(large, small);
  assert.ok(small <= 10, `${small} writes for one request`);
  assert.is(await count("device_logs"), 2 + 20);
  assert.is(await count("motion_events"), 2 + 20);
});

test("invalid payloads are INVALID_PAYLOAD", async () => {
  const bad = [
    { level: "loud", category: "sensor", message: "x" },
    { level: "info", category: "Sensor", message: "x" },
    { level: "info", category: "a".repeat(33), message: "x" },
    { level: "info", category: "sensor", message: 5 },
    { level: "info", message: "no category" },
  ];
  const entries = bad.map((payload, index) => frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: index + 1, timestamp: now, payload }));
  entries.push(frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 20, timestamp: now, payload: { confidence: 0.5 } }));
  entries.push(frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 21, timestamp: now, payload: { zone: "porch", confidence: 1.5 } }));

  const answer = await ingest(batchBody(network, 1, entries));
  assert.is(answer.accepted, 0);
  assert.equal(answer.rejected.map((entry) => entry.code), Array(7).fill("INVALID_PAYLOAD"));
  assert.is(await count("device_logs"), 0);
  assert.is(await count("motion_events"), 0);
});

// Regression: a signed log frame whose message contained "\u0000" made PostgreSQL fail the whole
// batch transaction, so every retry of the home base got 500 and its spool stopped draining.
test("every batch marks the home base online", async () => {
  const homeBase = () => server.deps.db("devices").where({ network_id: network.id, device_id: network.homeBaseId }).first();
  assert.is((await homeBase()).online, false);

  await ingest(batchBody(network, 1, []));
  const first = await homeBase();
  assert.is(first.online, true);
  assert.ok(first.last_seen, "last_seen is set by an empty batch");
  const events = await server.deps.db("events").where({ network_id: network.id, type: "device_status" });
  assert.is(events.length, 1);

  server.clock.advanceSec(60);
  await ingest(batchBody(network, 1, []));
  const second = await homeBase();
  assert.ok(new Date(second.last_seen) > new Date(first.last_seen), "a repeated batch still counts as a heartbeat");
  assert.is((await server.deps.db("events").where({ network_id: network.id, type: "device_status" })).length, 1);
});

test("frame dated far ahead is FRAME_TIMESTAMP_SKEW", async () => {
  const ahead = (seq: number, timestamp: number) => frameEntry(network, { kind: "log", deviceId: "porch-cam", seq, timestamp, payload: { level: "info", category: "t", message: `at ${timestamp}` } });
  const entries = [ahead(1, now + 600), ahead(2, now + 601), ahead(3, 4_294_960_000), ahead(4, 0)];

  const answer = await ingest(batchBody(network, 1, entries));
  assert.equal(answer.rejected, [
    { index: 1, code: "FRAME_TIMESTAMP_SKEW" },
    { index: 2, code: "FRAME_TIMESTAMP_SKEW" },
  ]);
  assert.is(await count("device_logs"), 2);
});

// The core refuses both escapes (docs/protocol.md section 1.2): PostgreSQL can store neither as text.
test("payload with U+0000 or a lone surrogate is rejected alone", async () => {
  const entries = [
    frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: 1, timestamp: now, payload: { level: "error", category: "t", message: "poison\u0000pill" } }),
    frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 2, timestamp: now, payload: { zone: "porch\u0000" } }),
    frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 3, timestamp: now, payload: { zone: "porch", "extra\u0000": 1 } }),
    frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 5, timestamp: now, payload: { zone: "porch\ud800" } }),
    frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: 6, timestamp: now, payload: { level: "info", category: "t", message: "\udc00" } }),
    logEntry("hall", 4, "kept"),
  ];

  const answer = await ingest(batchBody(network, 1, entries));
  assert.is(answer.accepted, 1);
  assert.equal(answer.rejected, [
    { index: 0, code: "FRAME_BAD_JSON" },
    { index: 1, code: "FRAME_BAD_JSON" },
    { index: 2, code: "FRAME_BAD_JSON" },
    { index: 3, code: "FRAME_BAD_JSON" },
    { index: 4, code: "FRAME_BAD_JSON" },
  ]);
  assert.is(await count("device_logs"), 1);
  assert.is(await count("motion_events"), 0);
});

test("entry checks reject mismatches and unknown devices", async () => {
  const mismatch = { ...logEntry("porch-cam", 1), device_id: "hall" };
  const wrongKind = frameEntry(network, { kind: "log", deviceId: "porch-cam", seq: 2, timestamp: now, payload: { zone: "porch" }, type: FRAME_TYPE.motion });
  const unknown = frameEntry(network, { kind: "log", deviceId: "ghost", seq: 3, timestamp: now, payload: { level: "info", category: "a", message: "b" }, signerSeed: newKey().seed });
  const truncated = { ...logEntry("porch-cam", 4), frame: "0103" };
  const unknownStatus = statusEntry("ghost", now, false);

  const answer = await ingest(batchBody(network, 1, [mismatch, wrongKind, unknown, truncated, unknownStatus]));
  assert.equal(answer.rejected, [
    { index: 0, code: "DEVICE_ID_MISMATCH" },
    { index: 1, code: "FRAME_KIND_MISMATCH" },
    { index: 2, code: "FRAME_UNKNOWN_DEVICE" },
    { index: 3, code: "FRAME_TOO_SHORT" },
    { index: 4, code: "UNKNOWN_DEVICE" },
  ]);
});

test("older device status does not override a newer one", async () => {
  await ingest(batchBody(network, 1, [statusEntry("hall", now, false)]));
  await ingest(batchBody(network, 2, [statusEntry("hall", now - 30, true)]));
  const hall = await server.deps.db("devices").where({ network_id: network.id, device_id: "hall" }).first();
  assert.is(hall.online, false);
  assert.is(new Date(hall.last_seen).getTime(), now * 1000);
  const events = await deviceStatusEvents();
  assert.is(events.length, 1);
});

test("frames and status in one batch apply in order", async () => {
  const motion = (seq: number, timestamp: number) => frameEntry(network, { kind: "motion", deviceId: "hall", seq, timestamp, payload: { zone: "hall" } });
  const entries = [motion(1, now - 100), statusEntry("hall", now - 110, false), motion(2, now - 60), statusEntry("hall", now - 50, false)];
  const answer = await ingest(batchBody(network, 1, entries));
  assert.is(answer.accepted, 4);

  const hall = await server.deps.db("devices").where({ network_id: network.id, device_id: "hall" }).first();
  assert.is(hall.online, false);
  assert.is(new Date(hall.last_seen).getTime(), (now - 50) * 1000);
  // The first frame brings hall online. The status at now - 110 is older than that frame, so it
  // changes nothing; the frame at now - 60 finds hall online already.
  const events = await deviceStatusEvents();
  assert.equal(events.map((event) => [event.data.online, event.data.cause]), [[true, "frame"], [false, "status_entry"]]);
  assert.is(events[0].data.timestamp, new Date((now - 100) * 1000).toISOString());
  assert.is(events[1].data.timestamp, new Date((now - 50) * 1000).toISOString());

  await ingest(batchBody(network, 2, [motion(3, now - 40)]));
  const later = await server.deps.db("devices").where({ network_id: network.id, device_id: "hall" }).first();
  assert.is(later.online, true);
  assert.is(new Date(later.last_seen).getTime(), (now - 40) * 1000);
});

test("ingest publishes events with the documented shapes", async () => {
  const received: MeshEvent[] = [];
  const unsubscribe = server.deps.events.subscribe((event) => {
    if (event.data.device_id !== network.homeBaseId) received.push(event);
  });
  const entries = [
    logEntry("porch-cam", 1, "door closed", "warning"),
    frameEntry(network, { kind: "motion", deviceId: "hall", seq: 9, timestamp: now - 5, payload: { zone: "hall" } }),
    statusEntry("porch-cam", now, false),
  ];
  await ingest(batchBody(network, 1, entries));
  for (let attempt = 0; attempt < 100 && received.length < 5; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  unsubscribe();

  // Each device's first frame brings it online, so its device_status follows that frame's event.
  assert.equal(received.map((event) => event.type), ["log_entry", "device_status", "motion_event", "device_status", "device_status"]);
  const [log, porchOnline, motion, hallOnline, status] = received as [MeshEvent, MeshEvent, MeshEvent, MeshEvent, MeshEvent];
  const stored = await server.deps.db("device_logs").where({ network_id: network.id }).first();
  assert.equal(log.data, {
    id: String(stored.id),
    network_id: network.id,
    device_id: "porch-cam",
    home_base_id: "homebase",
    timestamp: new Date((now - 99) * 1000).toISOString(),
    seq: 1,
    level: "warning",
    category: "sensor",
    message: "door closed",
    received_at: new Date((now - 98) * 1000).toISOString(),
  });
  assert.equal(porchOnline.data, { device_id: "porch-cam", home_base_id: "homebase", online: true, timestamp: new Date((now - 99) * 1000).toISOString(), cause: "frame" });
  const storedMotion = await server.deps.db("motion_events").where({ network_id: network.id }).first();
  assert.equal(motion.data, {
    id: String(storedMotion.id),
    network_id: network.id,
    device_id: "hall",
    home_base_id: "homebase",
    timestamp: new Date((now - 5) * 1000).toISOString(),
    seq: 9,
    zone: "hall",
    confidence: null,
    media_path: null,
    received_at: new Date((now - 4) * 1000).toISOString(),
    data: { zone: "hall" },
  });
  assert.equal(hallOnline.data, { device_id: "hall", home_base_id: "homebase", online: true, timestamp: new Date((now - 5) * 1000).toISOString(), cause: "frame" });
  assert.equal(status.data, { device_id: "porch-cam", home_base_id: "homebase", online: false, timestamp: new Date(now * 1000).toISOString(), cause: "status_entry" });
  assert.is(status.network_id, network.id);
});

test("concurrent batches touching the same devices all succeed", async () => {
  const sends = [];
  for (let pair = 0; pair < 5; pair += 1) {
    const at = now + pair * 10;
    sends.push(sendSigned(server, network, batchBody(network, 100 + pair * 2, [statusEntry("porch-cam", at, true), statusEntry("hall", at + 1, true)])));
    sends.push(sendSigned(server, network, batchBody(network, 101 + pair * 2, [statusEntry("hall", at + 2, false), statusEntry("porch-cam", at + 3, false)])));
  }
  const statuses = (await Promise.all(sends)).map((response) => response.status);
  assert.equal(statuses, Array(10).fill(200));
  assert.is(await count("ingest_batches"), 10);
});

test("key_id differing from the header is KEY_ID_MISMATCH", async () => {
  const other = await insertNetwork(server.deps.db, server.clock, []);
  const body = JSON.stringify({ key_id: other.keyId, batch_seq: 1, interval_sec: 60, sealed_at: now, entries: [] });
  const response = await sendSigned(server, network, body);
  assert.is(response.status, 400);
  assert.is(((await response.json()) as Problem).code, "KEY_ID_MISMATCH");
  assert.is(await count("ingest_batches"), 0);
});

test("malformed batches are VALIDATION_FAILED naming the field", async () => {
  const valid = { key_id: network.keyId, batch_seq: 1, interval_sec: 60, sealed_at: now, entries: [] as unknown[] };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...valid, batch_seq: -1 }, "batch_seq"],
    [{ ...valid, batch_seq: 2 ** 32 }, "batch_seq"],
    [{ ...valid, batch_seq: "7" }, "batch_seq"],
    [{ ...valid, interval_sec: 0 }, "interval_sec"],
    [{ ...valid, sealed_at: 1.5 }, "sealed_at"],
    [{ ...valid, key_id: 7 }, "key_id"],
    [{ ...valid, entries: {} }, "entries"],
    [{ ...valid, entries: Array(10_001).fill(statusEntry("hall", now, true)) }, "entries"],
    [{ ...valid, entries: [{ kind: "photo", device_id: "hall" }] }, "entries[0].kind"],
    [{ ...valid, entries: [{ ...logEntry("hall", 1), frame: "xyz" }] }, "entries[0].frame"],
    [{ ...valid, entries: [{ ...logEntry("hall", 1), received_at: "now" }] }, "entries[0].received_at"],
    [{ ...valid, entries: [{ ...logEntry("hall", 1), device_id: "bad id" }] }, "entries[0].device_id"],
    [{ ...valid, entries: [statusEntry("hall", now, true), { ...statusEntry("hall", now, true), online: "yes" }] }, "entries[1].online"],
  ];
  for (const [body, field] of cases) {
    const response = await sendSigned(server, network, JSON.stringify(body));
    const problem = (await response.json()) as Problem;
    assert.is(response.status, 400, field);
    assert.is(problem.code, "VALIDATION_FAILED");
    assert.is(problem.field, field);
    assert.match(String(problem.detail), field);
  }
  assert.is(await count("ingest_batches"), 0);
});

test("batch of 10,000 entries is processed", async () => {
  // Entries of an unknown device keep the database out of this test of the entry limit.
  const entries = Array.from({ length: 10_000 }, (_, index) => statusEntry("ghost", now - 10_000 + index, true));
  entries[9_999] = statusEntry("hall", now, true);
  const answer = await ingest(batchBody(network, 1, entries));
  assert.is(answer.accepted, 1);
  assert.is(answer.rejected.length, 9_999);
  assert.equal(answer.rejected[9_998], { index: 9_998, code: "UNKNOWN_DEVICE" });
});

test("malformed JSON is 400 problem+json", async () => {
  const response = await sendSigned(server, network, '{"key_id": ');
  assert.is(response.status, 400);
  assert.match(String(response.headers.get("content-type")), /^application\/problem\+json/);
  assert.is(((await response.json()) as Problem).code, "BAD_JSON");
});

test("body over 1 MiB is 413", async () => {
  const body = JSON.stringify({ pad: "x".repeat(1024 * 1024) });
  const response = await sendSigned(server, network, body);
  assert.is(response.status, 413);
  assert.is(((await response.json()) as Problem).code, "BODY_TOO_LARGE");
});

test("body of another media type is 415", async () => {
  const response = await sendSigned(server, network, batchBody(network, 1, []), { headers: { "content-type": "text/plain" } });
  assert.is(response.status, 415);
});

test.run();
