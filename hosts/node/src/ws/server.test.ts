import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, request } from "node:http";
import { connect as connectTcp } from "node:net";
import { WebSocket } from "ws";
import { nowSec } from "../clock.ts";
import { batchBody, frameEntry } from "../testing/batches.ts";
import { authenticateToken, liveSessionIds } from "../auth/sessions.ts";
import { loadApiSpec } from "../api/spec.ts";
import { listenInTestRange } from "../testing/app.ts";
import { checkResponse, type ObservedResponse } from "../testing/spec-responses.ts";
import { connectWs as connect } from "../testing/ws-client.ts";
import { insertNetwork, sendSigned, sessionHeaders, startTestServer, type TestServer } from "../testing/mesh.ts";
import { attachWebSocket, WS_CLOSE_AUTH_FAILED, type WsAuthenticate, type WsHandle } from "./server.ts";

/** A live session's token, from sessionHeaders(). */
let goodToken: string;

let server: TestServer;
let stream: WsHandle;
let wsUrl: string;

/** Short enough for the timeout test, long enough for a client that sends its auth message at once. */
const AUTH_TIMEOUT_MS = 1000;

// One server per file keeps the run short (a fresh PGlite database takes about two seconds to migrate).
test.before(async () => {
  server = await startTestServer({
    wsAuthTimeoutMs: AUTH_TIMEOUT_MS,
    attach: (http, deps) => {
      const authenticate: WsAuthenticate = (token) => authenticateToken(deps, token);
      stream = attachWebSocket(http, deps, authenticate, (sessionIds) => liveSessionIds(deps, sessionIds));
    },
  });
  goodToken = (await sessionHeaders(server)).authorization!.slice("Bearer ".length);
  wsUrl = server.baseUrl.replace("http://", "ws://") + "/ws";
});

test.after(async () => {
  await stream.close();
  await server.close();
});

test("auth message authenticates the client", async () => {
  const client = connect(wsUrl);
  await client.opened;
  client.socket.send(JSON.stringify({ type: "auth", token: goodToken }));
  const [first] = await client.messageCount(1);
  assert.equal(first, { type: "auth_ok" });
  assert.ok(stream.clientCount() >= 1);

  client.socket.close();
  await client.closed;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.is(stream.clientCount(), 0);
});

test("bearer header authenticates at once", async () => {
  const client = connect(wsUrl, { authorization: `Bearer ${goodToken}` });
  await client.opened;
  const [first] = await client.messageCount(1);
  assert.equal(first, { type: "auth_ok" });
  client.socket.close();
});

test("wrong token in auth message closes with 4401", async () => {
  const client = connect(wsUrl);
  await client.opened;
  client.socket.send(JSON.stringify({ type: "auth", token: "wrong" }));
  const closed = await client.closed;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.is(client.messages.length, 0);
});

test("malformed first message closes with 4401", async () => {
  for (const message of ["not json", JSON.stringify({ type: "hello" }), JSON.stringify({ type: "auth", token: "" }), "[1]"]) {
    const client = connect(wsUrl);
    await client.opened;
    client.socket.send(message);
    assert.is((await client.closed).code, WS_CLOSE_AUTH_FAILED, message);
  }
});

test("wrong bearer header is HTTP 401 before upgrade", async () => {
  const client = connect(wsUrl, { authorization: "Bearer wrong" });
  client.opened.catch(() => undefined);
  assert.is(await client.rejected, 401);
});

test("no auth message within the timeout closes with 4401", async () => {
  const client = connect(wsUrl);
  await client.opened;
  const started = Date.now();
  const closed = await client.closed;
  const waitedMs = Date.now() - started;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.ok(waitedMs >= AUTH_TIMEOUT_MS - 50, `closed after ${waitedMs} ms`);
  assert.ok(waitedMs < AUTH_TIMEOUT_MS + 2000, `closed after ${waitedMs} ms`);
});

/** Sends an upgrade request and returns the HTTP response that refused it. */
function refusedUpgrade(path: string, headers: Record<string, string> = {}): Promise<ObservedResponse> {
  return new Promise((resolve, reject) => {
    const upgrade = request(server.baseUrl + path, { headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers } });
    upgrade.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ method: "GET", url: path, status: response.statusCode ?? 0, contentType: response.headers["content-type"], body: Buffer.concat(chunks) }));
    });
    upgrade.on("upgrade", () => reject(new Error(`upgraded on ${path}`)));
    upgrade.on("error", reject);
    upgrade.end();
  });
}

test("refused upgrades are problems of openapi.yaml", async () => {
  const unauthorized = await refusedUpgrade("/ws", { authorization: "Bearer wrong" });
  const notFound = await refusedUpgrade("/stream");

  assert.is(unauthorized.status, 401);
  assert.equal(checkResponse(loadApiSpec(), unauthorized), []);
  assert.is(JSON.parse(unauthorized.body.toString()).type, "https://homemesh.invalid/problems/session-invalid");
  assert.is(notFound.status, 404);
  assert.equal(checkResponse(loadApiSpec(), notFound), []);
  assert.is(JSON.parse(notFound.body.toString()).type, "https://homemesh.invalid/problems/not-found");
});

test("other paths are HTTP 404", async () => {
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
  const network = await insertNetwork(server.deps.db, server.clock);
  const client = connect(wsUrl);
  await client.opened;
  client.socket.send(JSON.stringify({ type: "auth", token: goodToken }));
  await client.messageCount(1);

  const timestamp = nowSec(server.clock) - 20;
  const entry = frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 42, timestamp, payload: { zone: "porch", confidence: 0.9 } });
  const response = await sendSigned(server, network, batchBody(network, 1, [entry]));
  assert.is(response.status, 200);

  // After auth_ok: the home base's own device_status (its first batch), then the motion event.
  const [, status, event] = await client.messageCount(3);
  assert.is(status?.type, "device_status");
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
  const network = await insertNetwork(server.deps.db, server.clock);
  const waiting = connect(wsUrl);
  const listening = connect(wsUrl, { authorization: `Bearer ${goodToken}` });
  await Promise.all([waiting.opened, listening.opened]);
  await listening.messageCount(1);

  const entry = frameEntry(network, { kind: "motion", deviceId: "hall", seq: 1, timestamp: nowSec(server.clock), payload: { zone: "hall" } });
  assert.is((await sendSigned(server, network, batchBody(network, 1, [entry]))).status, 200);
  await listening.messageCount(2);
  assert.is(waiting.messages.length, 0);
  waiting.socket.close();
  listening.socket.close();
});

test("client that answers pings stays, silent one is dropped", async () => {
  const http = createServer();
  const quick = attachWebSocket(http, server.deps, (token) => authenticateToken(server.deps, token), (sessionIds) => liveSessionIds(server.deps, sessionIds), { pingIntervalMs: 100 });
  const port = await listenInTestRange(http);
  try {
    const live = connect(`ws://127.0.0.1:${port}/ws`, { authorization: `Bearer ${goodToken}` });
    await live.opened;

    // A raw TCP client completes the handshake but never answers a ping.
    const silent = connectTcp(port, "127.0.0.1");
    const silentClosed = new Promise<void>((resolve) => silent.once("close", () => resolve()));
    silent.write(["GET /ws HTTP/1.1", "Host: 127.0.0.1", "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", `Authorization: Bearer ${goodToken}`, "", ""].join("\r\n"));
    const handshake = await new Promise<string>((resolve) => silent.once("data", (data) => resolve(data.toString())));
    assert.match(handshake, /^HTTP\/1\.1 101/);

    const started = Date.now();
    const dropped = await Promise.race([silentClosed.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000))]);
    silent.destroy();
    assert.ok(dropped, "silent client still connected after 3000 ms");
    assert.ok(Date.now() - started >= 100, `silent client dropped after ${Date.now() - started} ms, before the first ping`);
    assert.is(live.socket.readyState, WebSocket.OPEN);
    live.socket.close();
  } finally {
    await quick.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test.run();
