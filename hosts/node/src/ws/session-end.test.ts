import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type Server } from "node:http";
import { WebSocket } from "ws";
import { createApp } from "../app.ts";
import { nowSec } from "../clock.ts";
import { createEventBus } from "../events/bus.ts";
import { authenticateToken, hashToken, liveSessionIds, revokeSession, SESSION_IDLE_MS } from "../auth/sessions.ts";
import { listenInTestRange } from "../testing/app.ts";
import { batchBody, frameEntry } from "../testing/batches.ts";
import { insertNetwork, sendSigned, sessionHeaders, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import { connectWs } from "../testing/ws-client.ts";
import { attachWebSocket, WS_CLOSE_AUTH_FAILED, type WsHandle } from "./server.ts";

/** The session check interval of the second stream, short so that tests wait well under a second. */
const QUICK_CHECK_MS = 100;

let server: TestServer;
let network: TestNetwork;
let seq = 0;

/** The stream of the app's own server, with the default 30 s check interval. */
let stream: WsHandle;
let wsUrl: string;

/** A second stream on its own HTTP server that checks sessions every QUICK_CHECK_MS. */
let quickHttp: Server;
let quick: WsHandle;
let quickUrl: string;
/** Number of finished session checks of the quick stream. */
let quickChecks = 0;

test.before(async () => {
  server = await startTestServer({
    attach: (http, deps) => {
      stream = attachWebSocket(
        http,
        deps,
        (token) => authenticateToken(deps, token),
        (sessionIds) => liveSessionIds(deps, sessionIds),
      );
    },
  });
  wsUrl = server.baseUrl.replace("http://", "ws://") + "/ws";
  network = await insertNetwork(server.deps.db, server.clock);

  const quickDeps = { ...server.deps, config: { ...server.deps.config, wsSessionCheckMs: QUICK_CHECK_MS } };
  quickHttp = createServer();
  quick = attachWebSocket(
    quickHttp,
    quickDeps,
    (token) => authenticateToken(quickDeps, token),
    async (sessionIds) => {
      const live = await liveSessionIds(quickDeps, sessionIds);
      quickChecks += 1;
      return live;
    },
  );
  quickUrl = `ws://127.0.0.1:${await listenInTestRange(quickHttp)}/ws`;
});

test.after(async () => {
  await quick.close();
  quickHttp.closeAllConnections();
  await new Promise<void>((resolve) => quickHttp.close(() => resolve()));
  await stream.close();
  await server.close();
});

/** Opens a client with a new session's bearer token and waits for auth_ok. */
async function authenticatedClient(url: string) {
  const headers = await sessionHeaders(server);
  const client = connectWs(url, headers);
  await client.opened;
  assert.equal((await client.messageCount(1))[0], { type: "auth_ok" });
  return { ...client, headers };
}

/** Ingests one motion frame, which the bus publishes as a motion_event. */
async function ingestMotion(): Promise<void> {
  seq += 1;
  const entry = frameEntry(network, { kind: "motion", deviceId: "hall", seq, timestamp: nowSec(server.clock), payload: { zone: "hall" } });
  const response = await sendSigned(server, network, batchBody(network, seq, [entry]));
  assert.is(response.status, 200);
}

/** Waits until the quick stream finished `count` more session checks; fails after 3 s. */
async function quickChecksPass(count: number): Promise<void> {
  const target = quickChecks + count;
  const deadline = Date.now() + 3000;
  while (quickChecks < target) {
    if (Date.now() > deadline) throw new Error(`${quickChecks - target + count} of ${count} session checks ran within 3000 ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the sessions row of a client's bearer token without using (and so extending) the session. */
async function sessionRow(headers: Record<string, string>) {
  return server.deps.db("sessions").where("token_hash", hashToken(headers.authorization!.slice("Bearer ".length))).first();
}

test("logout closes the socket before the next event", async () => {
  const loggedOut = await authenticatedClient(wsUrl);
  const staying = await authenticatedClient(wsUrl);

  const logout = await server.fetch("/auth/session", { method: "DELETE", headers: loggedOut.headers });
  assert.is(logout.status, 204);
  await ingestMotion();

  // The home base's own device_status (its first batch) may come first.
  const event = await staying.messageOfType("motion_event");
  assert.is(event.type, "motion_event");
  const closed = await loggedOut.closed;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.is(closed.reason, "session ended");
  assert.equal(loggedOut.messages, [{ type: "auth_ok" }]);
  staying.socket.close();
});

/** Waits for a client's close; fails when it takes `limitMs`, far below the 30 s timed check of `wsUrl`. */
async function closedWithin(client: { closed: Promise<{ code: number; reason: string }> }, limitMs: number) {
  const started = Date.now();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${limitMs} ms`)), limitMs));
  const closed = await Promise.race([client.closed, timeout]);
  return { ...closed, waitedMs: Date.now() - started };
}

test("DELETE /auth/sessions/{id} closes the socket at once", async () => {
  const revoked = await authenticatedClient(wsUrl);
  const staying = await authenticatedClient(wsUrl);
  const sessionId = (await sessionRow(revoked.headers)).id as string;

  const response = await fetch(`${server.baseUrl}/auth/sessions/${sessionId}`, { method: "DELETE", headers: revoked.headers });
  assert.is(response.status, 204);

  const closed = await closedWithin(revoked, 2000);
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.is(closed.reason, "session ended");
  assert.is(staying.socket.readyState, WebSocket.OPEN, "another session's socket stays open");
  assert.ok(server.logLines.some((line) => line.includes("websocket session ended") && line.includes(sessionId)));
  staying.socket.close();
});

test("logout closes an idle socket at once", async () => {
  const client = await authenticatedClient(wsUrl);
  assert.is((await fetch(server.baseUrl + "/auth/session", { method: "DELETE", headers: client.headers })).status, 204);
  assert.is((await closedWithin(client, 2000)).code, WS_CLOSE_AUTH_FAILED);
});

test("revocation in another process closes the socket", async () => {
  // A second app with its own event bus on the same database acts as a second server process.
  // On PostgreSQL its bus listens on a connection of its own.
  const otherEvents = await createEventBus({ db: server.deps.db, clock: server.clock, log: server.deps.log });
  const otherHttp = createServer(createApp({ ...server.deps, events: otherEvents }).callback());
  const otherUrl = `http://127.0.0.1:${await listenInTestRange(otherHttp)}`;
  try {
    const client = await authenticatedClient(wsUrl);
    const sessionId = (await sessionRow(client.headers)).id as string;

    const response = await fetch(`${otherUrl}/auth/sessions/${sessionId}`, { method: "DELETE", headers: client.headers });
    assert.is(response.status, 204);
    assert.is((await closedWithin(client, 2000)).code, WS_CLOSE_AUTH_FAILED);
  } finally {
    otherHttp.closeAllConnections();
    await new Promise<void>((resolve) => otherHttp.close(() => resolve()));
    await otherEvents.close();
  }
});

test("revocation elsewhere closes an idle socket", async () => {
  const client = await authenticatedClient(quickUrl);
  const sessionId = (await sessionRow(client.headers)).id as string;

  // Deleting the row directly is what a logout in another server process on this database does.
  assert.ok(await revokeSession(server.deps, sessionId));
  const closed = await client.closed;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.is(client.messages.length, 1);
});

test("expired session closes the socket", async () => {
  const client = await authenticatedClient(quickUrl);

  server.clock.advanceMs(16 * 60 * 1000);
  const closed = await client.closed;
  assert.is(closed.code, WS_CLOSE_AUTH_FAILED);
  assert.is(client.messages.length, 1);
});

test("expired session gets no event", async () => {
  const expired = await authenticatedClient(wsUrl);

  server.clock.advanceMs(16 * 60 * 1000);
  const fresh = await authenticatedClient(wsUrl);
  await ingestMotion();

  assert.is((await fresh.messageOfType("motion_event")).type, "motion_event");
  assert.is((await expired.closed).code, WS_CLOSE_AUTH_FAILED);
  assert.equal(expired.messages, [{ type: "auth_ok" }]);
  fresh.socket.close();
});

test("checks leave live session unextended", async () => {
  const client = await authenticatedClient(quickUrl);
  const before = await sessionRow(client.headers);

  server.clock.advanceMs(10 * 60 * 1000);
  await quickChecksPass(3);
  await stream.checkSessions();
  await quick.checkSessions();
  const after = await server.deps.db("sessions").where("id", before.id).first();
  assert.is(client.socket.readyState, WebSocket.OPEN);
  assert.is(after.expires_at.getTime(), before.expires_at.getTime());
  assert.is(after.last_used_at.getTime(), before.last_used_at.getTime());

  // The session ends SESSION_IDLE_MS after its last use by a token, however often it was checked.
  server.clock.setMs(before.expires_at.getTime());
  assert.is(before.expires_at.getTime() - before.last_used_at.getTime(), SESSION_IDLE_MS);
  assert.is((await client.closed).code, WS_CLOSE_AUTH_FAILED);
});

test("failed check still delivers events", async () => {
  const http = createServer();
  const failing = attachWebSocket(
    http,
    server.deps,
    (token) => authenticateToken(server.deps, token),
    () => Promise.reject(new Error("database unreachable")),
  );
  try {
    const client = await authenticatedClient(`ws://127.0.0.1:${await listenInTestRange(http)}/ws`);
    await ingestMotion();

    assert.is((await client.messageOfType("motion_event")).type, "motion_event");
    assert.ok(server.logLines.some((line) => line.includes("websocket session check failed")), "check failure is logged");
    assert.is(client.socket.readyState, WebSocket.OPEN);
    client.socket.close();
  } finally {
    await failing.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test.run();
