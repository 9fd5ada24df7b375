import { test } from "uvu";
import * as assert from "uvu/assert";
import { request } from "node:http";
import { WebSocket } from "ws";
import { nowSec } from "../clock.ts";
import { batchBody, frameEntry } from "../testing/batches.ts";
import { insertNetwork, sendSigned, startTestServer, type TestServer } from "../testing/mesh.ts";
import { attachWebSocket, WS_CLOSE_AUTH_FAILED, type WsAuthenticate, type WsHandle } from "./server.ts";

const GOOD_TOKEN = "good-token";
const authenticate: WsAuthenticate = async (token) => (token === GOOD_TOKEN ? { userId: "user-1", sessionId: "session-1" } : null);

let server: TestServer;
let stream: WsHandle;
let wsUrl: string;

async function start(wsAuthTimeoutMs = 5000): Promise<void> {
  server = await startTestServer({
    wsAuthTimeoutMs,
    attach: (http, deps) => {
      stream = attachWebSocket(http, deps, authenticate);
    },
  });
  wsUrl = server.baseUrl.replace("http://", "ws://") + "/ws";
}

test.after.each(async () => {
  await stream.close();
  await server.close();
});

/** Collects the messages and the close of one client. */
function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  socket.on("message", (data) => {
    messages.push(JSON.parse(data.toString()) as Record<string, unknown>);
    for (const waiter of waiters.splice(0)) waiter();
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  const rejected = new Promise<number>((resolve) => socket.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0)));

  /** Waits until `count` messages arrived; fails after 3 s. */
  const messageCount = (count: number) =>
    new Promise<Record<string, unknown>[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`received ${messages.length} of ${count} messages within 3000 ms`)), 3000);
      const check = () => {
        if (messages.length >= count) {
          clearTimeout(timer);
          resolve(messages);
        } else waiters.push(check);
      };
      check();
    });
  return { socket, messages, opened, closed, rejected, messageCount };
}

test("auth message authenticates the client", async () => {
  await start();
  const client = connect(wsUrl);
  await client.opened;
  client.socket.send(JSON.stringify({ type: "auth", token: GOOD_TOKEN }));
  const [first] = await client.messageCount(1);
  assert.equal(first, { type: "auth_ok" });
  assert.is(stream.clientCount(), 1);
  client.socket.close();
});

test("bearer header authenticates at once", async () => {
  await start();
  const client = connect(wsUrl, { authorization: `Bearer ${GOOD_TOKEN}` });
  await client.opened;
  const [first] = await client.messageCount(1);
  assert.equal(first, { type: "auth_ok" });
  client.socket.close();
});

test("wrong token in auth message closes with 4401", async () => {
  await start();
  const client = connect(wsUrl);
  await client.opened;
  client.socket.send(JSON.stringify({ type: "auth", token: "wrong" }));
  const closed = await client.closed;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.is(client.messages.length, 0);
});

test("malformed first message closes with 4401", async () => {
  await start();
  for (const message of ["not json", JSON.stringify({ type: "hello" }), JSON.stringify({ type: "auth", token: "" }), "[1]"]) {
    const client = connect(wsUrl);
    await client.opened;
    client.socket.send(message);
    assert.is((await client.closed).code, WS_CLOSE_AUTH_FAILED, message);
  }
});

test("wrong bearer header is HTTP 401 before upgrade", async () => {
  await start();
  const client = connect(wsUrl, { authorization: "Bearer wrong" });
  client.opened.catch(() => undefined);
  assert.is(await client.rejected, 401);
});

test("no auth message within the timeout closes with 4401", async () => {
  await start(200);
  const client = connect(wsUrl);
  await client.opened;
  const started = Date.now();
  const closed = await client.closed;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.ok(Date.now() - started < 3000);
});

test("other paths are HTTP 404", async () => {
  await start();
  const status = await new Promise<number>((resolve, reject) => {
    const upgrade = request(server.baseUrl + "/stream", { headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" } });
    upgrade.on("response", (response) => resolve(response.statusCode ?? 0));
    upgrade.on("upgrade", () => reject(new Error("upgraded on /stream")));
    upgrade.on("error", reject);
    upgrade.end();
  });
  assert.is(status, 404);
});

test("ingested motion frame reaches the client as motion_event", async () => {
  await start();
  const network = await insertNetwork(server.deps.db, server.clock);
  const client = connect(wsUrl);
  await client.opened;
  client.socket.send(JSON.stringify({ type: "auth", token: GOOD_TOKEN }));
  await client.messageCount(1);

  const timestamp = nowSec(server.clock) - 20;
  const entry = frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 42, timestamp, payload: { zone: "porch", confidence: 0.9 } });
  const response = await sendSigned(server, network, batchBody(network, 1, [entry]));
  assert.is(response.status, 200);

  const [, event] = await client.messageCount(2);
  assert.is(event?.type, "motion_event");
  assert.is(event?.network_id, network.id);
  const data = event?.data as Record<string, unknown>;
  assert.is(data.device_id, "porch-cam");
  assert.is(data.timestamp, new Date(timestamp * 1000).toISOString());
  assert.is(data.seq, 42);
  assert.equal(data.data, { zone: "porch", confidence: 0.9 });
  client.socket.close();
});

test("unauthenticated client receives no events", async () => {
  await start();
  const network = await insertNetwork(server.deps.db, server.clock);
  const waiting = connect(wsUrl);
  const listening = connect(wsUrl, { authorization: `Bearer ${GOOD_TOKEN}` });
  await Promise.all([waiting.opened, listening.opened]);
  await listening.messageCount(1);

  const entry = frameEntry(network, { kind: "motion", deviceId: "hall", seq: 1, timestamp: nowSec(server.clock), payload: { zone: "hall" } });
  assert.is((await sendSigned(server, network, batchBody(network, 1, [entry]))).status, 200);
  await listening.messageCount(2);
  assert.is(waiting.messages.length, 0);
  waiting.socket.close();
  listening.socket.close();
});

test.run();
