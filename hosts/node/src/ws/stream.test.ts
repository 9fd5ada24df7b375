import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:http";
import { connect as connectTcp } from "node:net";
import { authenticateToken, liveSessionIds } from "../auth/sessions.ts";
import { nowSec } from "../clock.ts";
import type { EventBus, MeshEvent } from "../deps.ts";
import { createEventBus } from "../events/bus.ts";
import { pruneEvents } from "../events/retention.ts";
import { createMemoryLogger } from "../logger.ts";
import { listenInTestRange } from "../testing/app.ts";
import { batchBody, frameEntry, statusEntry } from "../testing/batches.ts";
import { eventViolations } from "../testing/json-schema.ts";
import { insertNetwork, sendSigned, sessionHeaders, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import { connectWs } from "../testing/ws-client.ts";
import { attachWebSocket, type WsHandle } from "./server.ts";

let server: TestServer;
let stream: WsHandle;
let wsUrl: string;
let network: TestNetwork;
let other: TestNetwork;
let seq = 0;

test.before(async () => {
  server = await startTestServer({
    attach: (http, deps) => {
      stream = attachWebSocket(http, deps, (token) => authenticateToken(deps, token), (sessionIds) => liveSessionIds(deps, sessionIds));
    },
  });
  wsUrl = server.baseUrl.replace("http://", "ws://") + "/ws";
  // Longer than the slowest test, so fetch never reuses a connection that the server is closing (ECONNRESET).
  server.http.keepAliveTimeout = 60_000;
  network = await insertNetwork(server.deps.db, server.clock);
  other = await insertNetwork(server.deps.db, server.clock);
});

test.after(async () => {
  await stream.close();
  await server.close();
});

type Client = ReturnType<typeof connectWs>;

async function authenticatedClient(url = wsUrl): Promise<Client> {
  const client = connectWs(url, await sessionHeaders(server));
  await client.opened;
  assert.equal((await client.messageCount(1))[0], { type: "auth_ok" });
  return client;
}

/** Sends a subscribe message and waits for the `subscribed` reply. */
async function subscribe(client: Client, message: Record<string, unknown>): Promise<Record<string, unknown>> {
  const before = client.messages.length;
  client.socket.send(JSON.stringify({ type: "subscribe", ...message }));
  for (;;) {
    const messages = await client.messageCount(client.messages.length + 1);
    const answer = messages.slice(before).find((item) => item.type === "subscribed");
    if (answer) return answer;
  }
}

/** Ingests a log line, a motion frame and a status entry into `target`: three or more events. */
async function ingestMix(target: TestNetwork): Promise<void> {
  seq += 1;
  const now = nowSec(server.clock);
  const entries = [
    frameEntry(target, { kind: "log", deviceId: "hall", seq: seq * 10 + 1, timestamp: now, payload: { level: "info", category: "door", message: `mix ${seq}` } }),
    frameEntry(target, { kind: "motion", deviceId: "porch-cam", seq: seq * 10 + 2, timestamp: now, payload: { zone: "porch", media: `clip-${seq}.jpg`, confidence: 0.7 } }),
    statusEntry("porch-cam", now + 1, false),
  ];
  const response = await sendSigned(server, target, batchBody(target, seq, entries));
  assert.is(response.status, 200, await response.text());
  server.clock.advanceSec(2);
}

/** Returns the events among a client's messages (those with an id). */
function eventsOf(client: Client): MeshEvent[] {
  return client.messages.filter((message) => typeof message.id === "string") as unknown as MeshEvent[];
}

/** Waits until the client has `count` events; fails after 3 s. */
async function eventCount(client: Client, count: number): Promise<MeshEvent[]> {
  const deadline = Date.now() + 3000;
  while (eventsOf(client).length < count) {
    if (Date.now() > deadline) throw new Error(`received ${eventsOf(client).length} of ${count} events within 3000 ms: ${JSON.stringify(eventsOf(client).map((event) => event.type))}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return eventsOf(client);
}

function assertValidEvents(events: MeshEvent[]): void {
  for (const event of events) assert.equal(eventViolations(event), [], JSON.stringify(event));
}

test("every sent event matches its schema", async () => {
  const client = await authenticatedClient();
  await ingestMix(network);
  const events = await eventCount(client, 5);
  // The home base's first batch, then each device's first frame, are device_status events too.
  assert.equal(new Set(events.map((event) => event.type)), new Set(["device_status", "log_entry", "motion_event"]));
  assertValidEvents(events);
  const log = events.find((event) => event.type === "log_entry")!;
  const stored = await server.deps.db("device_logs").where({ network_id: network.id, message: `mix ${seq}` }).first();
  assert.is(log.data.id, String(stored.id));
  client.socket.close();
});

test("subscription filters networks and types", async () => {
  const client = await authenticatedClient();
  const answer = await subscribe(client, { networks: [network.id], types: ["motion_event"] });
  assert.equal(answer, { type: "subscribed", networks: [network.id], types: ["motion_event"], replayed: 0 });

  await ingestMix(other);
  await ingestMix(network);
  const [motion] = await eventCount(client, 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.is(eventsOf(client).length, 1, JSON.stringify(eventsOf(client)));
  assert.is(motion!.type, "motion_event");
  assert.is(motion!.network_id, network.id);
  assertValidEvents([motion!]);
  client.socket.close();
});

test("resume replays missed events once, then live ones", async () => {
  const first = await authenticatedClient();
  await subscribe(first, { networks: [network.id] });
  await ingestMix(network);
  const seen = await eventCount(first, 3);
  const lastSeen = seen[0]!.id;
  first.socket.close();
  await first.closed;

  // Events after lastSeen: the rest of that batch and one more batch sent while disconnected.
  await ingestMix(network);
  const missed = await server.deps.db("events").where({ network_id: network.id }).andWhere("id", ">", lastSeen).orderByRaw("events.id").select(server.deps.db.raw("id::text as id"));

  const second = await authenticatedClient();
  const answer = await subscribe(second, { networks: [network.id], resume_after: lastSeen });
  assert.is(answer.replayed, missed.length);
  await ingestMix(network);
  const events = await eventCount(second, missed.length + 3);
  const ids = events.map((event) => event.id);
  assert.equal(ids.slice(0, missed.length), missed.map((row) => row.id));
  assert.is(new Set(ids).size, ids.length, "no event twice");
  assert.ok(ids.every((id, index) => index === 0 || BigInt(id) > BigInt(ids[index - 1]!)), "ids ascend");
  assertValidEvents(events);

  // The replayed events come before `subscribed`, the live ones after it.
  const subscribedAt = second.messages.findIndex((message) => message.type === "subscribed");
  assert.is(second.messages.slice(0, subscribedAt).filter((message) => typeof message.id === "string").length, missed.length);
  second.socket.close();
});

test("resume from a pruned id gets RESUME_TOO_OLD", async () => {
  await ingestMix(network);
  const oldest = await server.deps.db("events").min({ id: "id" }).first();

  // A day later every event so far is past the retention time.
  server.clock.advanceSec(24 * 3600 + 1);
  assert.ok((await pruneEvents(server.deps.db, server.clock.nowMs())) > 0);

  const client = await authenticatedClient();
  const answer = await subscribe(client, { resume_after: String(oldest!.id) });
  assert.is(answer.replayed, 0);
  const error = client.messages.find((message) => message.type === "error")!;
  assert.is(error.code, "RESUME_TOO_OLD");
  assert.match(String(error.message), "were deleted");
  assert.match(String(error.pruned_through), /^[0-9]+$/);

  await ingestMix(network);
  await eventCount(client, 1);
  client.socket.close();
});

test("invalid subscribe is an error and the socket stays", async () => {
  const client = await authenticatedClient();
  const cases: [Record<string, unknown> | string, string][] = [
    [{ type: "subscribe", networks: ["not-a-uuid"] }, "INVALID_SUBSCRIBE"],
    [{ type: "subscribe", types: ["alarm"] }, "INVALID_SUBSCRIBE"],
    [{ type: "subscribe", resume_after: 12 }, "INVALID_SUBSCRIBE"],
    [{ type: "subscribe", colour: "red" }, "INVALID_SUBSCRIBE"],
    [{ type: "hello" }, "INVALID_MESSAGE"],
    ["[1, 2]", "INVALID_MESSAGE"],
  ];
  for (const [message, code] of cases) {
    const before = client.messages.length;
    client.socket.send(typeof message === "string" ? message : JSON.stringify(message));
    const [answer] = (await client.messageCount(before + 1)).slice(before);
    assert.is(answer!.type, "error", JSON.stringify(message));
    assert.is(answer!.code, code, JSON.stringify(message));
  }
  assert.is(client.socket.readyState, client.socket.OPEN);
  client.socket.close();
});

test("subscribe sent right after the auth message applies", async () => {
  const client = connectWs(wsUrl);
  await client.opened;
  const token = (await sessionHeaders(server)).authorization!.slice("Bearer ".length);
  client.socket.send(JSON.stringify({ type: "auth", token }));
  client.socket.send(JSON.stringify({ type: "subscribe", types: ["log_entry"] }));
  await client.messageOfType("subscribed");

  await ingestMix(network);
  const [log] = await eventCount(client, 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(eventsOf(client).map((event) => event.type), ["log_entry"]);
  assert.is(log!.type, "log_entry");
  client.socket.close();
});

test("client that stops reading is dropped", async () => {
  // A bus of this test's own, so events of 64 KiB can be raised without the database.
  const listeners = new Set<(event: MeshEvent) => void>();
  const bus: EventBus = {
    publish: async () => undefined,
    publishMany: async () => undefined,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publishSessionEnded: async () => undefined,
    subscribeSessionEnded: () => () => undefined,
    close: async () => undefined,
  };
  const deps = { ...server.deps, events: bus, log: createMemoryLogger() };
  const http = createServer();
  const limited = attachWebSocket(http, deps, (token) => authenticateToken(deps, token), async (sessionIds) => new Set(sessionIds), { maxBufferedBytes: 256 * 1024 });
  const port = await listenInTestRange(http);
  const { authorization } = await sessionHeaders(server);
  try {
    const reader = connectWs(`ws://127.0.0.1:${port}/ws`, { authorization: authorization! });
    await reader.opened;
    await reader.messageCount(1);

    // A raw TCP client completes the handshake and then never reads again.
    const stalled = connectTcp(port, "127.0.0.1");
    stalled.write(["GET /ws HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", `Authorization: Bearer ${authorization!.slice(7)}`, "", ""].join("\r\n"));
    assert.match(await new Promise<string>((resolve) => stalled.once("data", (data) => resolve(data.toString()))), /^HTTP\/1\.1 101/);
    stalled.pause();
    assert.is(limited.clientCount(), 2);

    // 64 MiB in all: more than the loopback socket buffers hold, so the server's buffer must grow.
    const padding = "x".repeat(64 * 1024);
    let sent = 0;
    for (; sent < 1024 && limited.clientCount() === 2; sent += 1) {
      const event: MeshEvent = { id: String(sent + 1), type: "log_entry", time: new Date(server.clock.nowMs()).toISOString(), network_id: network.id, data: { padding } };
      for (const listener of listeners) listener(event);
      await new Promise((resolve) => setImmediate(resolve));
      if (sent % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.is(limited.clientCount(), 1, `stalled client still connected after ${sent} events`);
    assert.ok(deps.log.lines.some((line) => line.includes("websocket dropped") && line.includes("client stopped reading")));

    // The reading client got every event up to the last one raised.
    await reader.messageCount(sent + 1);
    assert.is(reader.messages.length, sent + 1);
    stalled.destroy();
    reader.socket.close();
  } finally {
    await limited.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test("replay waits for a client that pauses", async () => {
  // 24 MiB of stored events against a 1 MiB buffer limit: more than the loopback socket buffers
  // hold, so the replay must wait while the client is paused instead of dropping it.
  const http = createServer();
  const limited = attachWebSocket(http, server.deps, (token) => authenticateToken(server.deps, token), (sessionIds) => liveSessionIds(server.deps, sessionIds), { maxBufferedBytes: 1024 * 1024 });
  const port = await listenInTestRange(http);
  const quiet = await insertNetwork(server.deps.db, server.clock);
  try {
    const before = await server.deps.db("events").max({ id: "id" }).first();
    const padding = "p".repeat(64 * 1024);
    for (let chunk = 0; chunk < 4; chunk += 1) {
      await server.deps.events.publishMany(server.deps.db, Array.from({ length: 96 }, (_, index) => ({ type: "log_entry" as const, networkId: quiet.id, data: { index: chunk * 96 + index, padding } })));
    }

    const client = await authenticatedClient(`ws://127.0.0.1:${port}/ws`);
    const tcp = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    client.socket.send(JSON.stringify({ type: "subscribe", networks: [quiet.id], resume_after: String(before!.id ?? 0) }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.is(limited.clientCount(), 1, "paused client was dropped");
    tcp.resume();

    const answer = await client.messageOfType("subscribed");
    assert.is(answer.replayed, 384);
    const indexes = eventsOf(client).map((event) => event.data.index);
    assert.equal(indexes, Array.from({ length: 384 }, (_, index) => index));
    client.socket.close();
  } finally {
    await limited.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test("event of one server reaches clients of another", async () => {
  // A second server process on the same database: its own bus (its own LISTEN) and stream.
  const secondBus = await createEventBus({ db: server.deps.db, clock: server.clock, log: createMemoryLogger() });
  const secondDeps = { ...server.deps, events: secondBus };
  const http = createServer();
  const second = attachWebSocket(http, secondDeps, (token) => authenticateToken(secondDeps, token), (sessionIds) => liveSessionIds(secondDeps, sessionIds));
  const port = await listenInTestRange(http);
  try {
    const client = await authenticatedClient(`ws://127.0.0.1:${port}/ws`);
    await subscribe(client, { networks: [network.id], types: ["log_entry"] });
    await ingestMix(network);
    const [log] = await eventCount(client, 1);
    assert.is(log!.type, "log_entry");
    assert.is(log!.data.message, `mix ${seq}`);
    client.socket.close();
  } finally {
    await second.close();
    await secondBus.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test.run();
