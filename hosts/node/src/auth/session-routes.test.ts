import { test } from "uvu";
import * as assert from "uvu/assert";
import { createTestUser, startTestApp, totpCodeAt, type TestApp, type TestUser } from "../testing/app.ts";
import { resetLoginThrottle } from "../testing/throttle.ts";
import { SESSION_IDLE_MS, SESSION_MAX_MS, USER_AGENT_MAX_CHARS } from "./sessions.ts";

let app: TestApp;
let alice: TestUser;
let bob: TestUser;

test.before(async () => {
  app = await startTestApp();
  alice = await createTestUser(app, "alice", "user");
  bob = await createTestUser(app, "bob", "user");
});

test.before.each(async () => {
  await resetLoginThrottle(app.deps.db);
});

test.after(async () => {
  await app.close();
});

/** Logs in at a fresh TOTP step with the given User-Agent; returns the token. */
async function loginWith(user: TestUser, userAgent: string): Promise<string> {
  app.clock.advanceSec(30);
  const response = await app.request("POST", "/auth/session", {
    body: { username: user.username, password: user.password, totp: totpCodeAt(user.totpSecret, app.clock) },
    headers: { "user-agent": userAgent },
  });
  assert.is(response.status, 200, JSON.stringify(response.body));
  return response.body.token;
}

async function listSessions(token: string, query = "") {
  const response = await app.request("GET", `/auth/sessions${query}`, { token });
  assert.is(response.status, 200, JSON.stringify(response.body));
  return response.body as { items: Record<string, unknown>[]; next_cursor: string | null };
}

test("GET /auth/sessions lists own sessions, newest first", async () => {
  const loginTime = app.clock.nowMs() + 30_000;
  await loginWith(alice, "laptop-browser/1.0");
  const phone = await loginWith(alice, "phone-app/2.0");
  await loginWith(bob, "bob-browser/1.0");

  const page = await listSessions(phone);
  const own = page.items.filter((item) => item.user_agent === "laptop-browser/1.0" || item.user_agent === "phone-app/2.0");
  assert.is(own.length, 2);
  assert.not.ok(page.items.some((item) => item.user_agent === "bob-browser/1.0"), "another user's session is not listed");
  assert.is(page.next_cursor, null);

  const [newest, older] = own as [Record<string, unknown>, Record<string, unknown>];
  assert.is(newest.user_agent, "phone-app/2.0");
  assert.is(newest.current, true);
  assert.is(older.user_agent, "laptop-browser/1.0");
  assert.is(older.current, false);
  assert.equal(Object.keys(newest).sort(), ["absolute_expires_at", "client_address", "created_at", "current", "expires_at", "id", "last_used_at", "user_agent"]);
  assert.is(newest.client_address, "127.0.0.1");
  assert.match(String(newest.id), /^[0-9a-f-]{36}$/);

  assert.is(older.created_at, new Date(loginTime).toISOString());
  assert.is(older.absolute_expires_at, new Date(loginTime + SESSION_MAX_MS).toISOString());
  assert.is(older.expires_at, new Date(loginTime + SESSION_IDLE_MS).toISOString());
});

test("GET /auth/sessions leaves out expired sessions", async () => {
  await loginWith(alice, "old-device");
  app.clock.advanceMs(SESSION_IDLE_MS);
  const fresh = await loginWith(alice, "new-device");
  const agents = (await listSessions(fresh)).items.map((item) => item.user_agent);
  assert.ok(agents.includes("new-device"));
  assert.not.ok(agents.includes("old-device"));
});

test("GET /auth/sessions pages with a cursor", async () => {
  await loginWith(alice, "page-1");
  await loginWith(alice, "page-2");
  const token = await loginWith(alice, "page-3");

  const first = await listSessions(token, "?limit=2");
  assert.is(first.items.length, 2);
  assert.ok(first.next_cursor);
  const second = await listSessions(token, `?limit=2&cursor=${first.next_cursor}`);
  const ids = [...first.items, ...second.items].map((item) => item.id);
  assert.is(new Set(ids).size, ids.length, "no session on two pages");
  assert.equal(first.items.map((item) => item.user_agent), ["page-3", "page-2"]);
  assert.is(second.items[0]?.user_agent, "page-1");
});

test("GET /auth/sessions rejects bad paging without 500", async () => {
  const token = await loginWith(alice, "paging");
  // The last cursor names February 30, which JavaScript's Date.parse accepts and PostgreSQL rejects.
  const february30 = Buffer.from(JSON.stringify(["2026-02-30T10:00:00.000Z", "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11"])).toString("base64url");
  for (const query of ["?limit=-1", "?limit=1e3", "?cursor=%00", "?cursor=WyJub3QgYSBkYXRlIiwieCJd", `?cursor=${february30}`]) {
    const response = await app.request("GET", `/auth/sessions${query}`, { token });
    assert.is(response.status, 400, query);
    assert.is(response.body.code, "VALIDATION_FAILED");
  }
});

test("user agent is cleaned and cut", async () => {
  const token = await loginWith(alice, "A".repeat(2000) + "\t");
  const current = (await listSessions(token)).items.find((item) => item.current)!;
  assert.is(current.user_agent, "A".repeat(USER_AGENT_MAX_CHARS));
});

test("missing user agent is null", async () => {
  app.clock.advanceSec(30);
  const response = await app.request("POST", "/auth/session", {
    body: { username: "alice", password: alice.password, totp: totpCodeAt(alice.totpSecret, app.clock) },
    headers: { "user-agent": "" },
  });
  const current = (await listSessions(response.body.token)).items.find((item) => item.current)!;
  assert.is(current.user_agent, null);
});

test("DELETE /auth/sessions/{id} ends own session", async () => {
  const keep = await loginWith(alice, "keep");
  const revoke = await loginWith(alice, "revoke");
  const target = (await listSessions(keep)).items.find((item) => item.user_agent === "revoke")!;

  const response = await app.request("DELETE", `/auth/sessions/${target.id}`, { token: keep });
  assert.is(response.status, 204);
  assert.is(response.body, null);

  const after = await app.request("GET", "/auth/sessions", { token: revoke });
  assert.is(after.status, 401);
  assert.is(after.body.code, "SESSION_INVALID");
  assert.not.ok((await listSessions(keep)).items.some((item) => item.id === target.id));
  assert.ok(app.logLines.some((line) => line.includes("session revoked") && line.includes(String(target.id))));
});

test("DELETE /auth/sessions/{id} ends the current session", async () => {
  const token = await loginWith(alice, "self");
  const current = (await listSessions(token)).items.find((item) => item.current)!;
  assert.is((await app.request("DELETE", `/auth/sessions/${current.id}`, { token })).status, 204);
  assert.is((await app.request("GET", "/auth/sessions", { token })).status, 401);
});

test("another user's session is not found and survives", async () => {
  const aliceToken = await loginWith(alice, "alice-device");
  const bobToken = await loginWith(bob, "bob-device");
  const bobSession = (await listSessions(bobToken)).items.find((item) => item.current)!;

  const foreign = await app.request("DELETE", `/auth/sessions/${bobSession.id}`, { token: aliceToken });
  const unknown = await app.request("DELETE", "/auth/sessions/6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11", { token: aliceToken });
  assert.is(foreign.status, 404);
  assert.is(foreign.body.code, "SESSION_NOT_FOUND");
  assert.is(unknown.status, 404);
  // The detail names the id the client sent, so only the rest of the body must match.
  const withoutDetail = (body: Record<string, unknown>) => ({ ...body, detail: undefined });
  assert.equal(withoutDetail(foreign.body), withoutDetail(unknown.body));
  assert.is(foreign.body.detail, `you have no session "${bobSession.id}"`);

  assert.is((await app.request("GET", "/auth/sessions", { token: bobToken })).status, 200, "bob's session still works");
});

test("malformed session ids are 404 without 500", async () => {
  const token = await loginWith(alice, "malformed");
  for (const id of ["not-a-uuid", "1", "%00", "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e1", "x".repeat(3000), "6F1C2D0A-8A55-4C3E-9D1B-2F7F0C4B9E11"]) {
    const response = await app.request("DELETE", `/auth/sessions/${id}`, { token });
    assert.is(response.status, 404, id.slice(0, 40));
    assert.is(response.body.code, "SESSION_NOT_FOUND");
  }
});

test("session routes need a session", async () => {
  assert.is((await app.request("GET", "/auth/sessions")).body.code, "AUTH_REQUIRED");
  assert.is((await app.request("DELETE", "/auth/sessions/6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11")).body.code, "AUTH_REQUIRED");
  assert.is((await app.request("PUT", "/auth/sessions")).status, 405);
});

test.run();
