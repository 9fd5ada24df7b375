import { test } from "uvu";
import * as assert from "uvu/assert";
import { createTestUser, loginAs, startTestApp, totpCodeAt, type TestApp, type TestUser } from "../testing/app.ts";
import { resetLoginThrottle } from "../testing/throttle.ts";
import { SESSION_IDLE_MS } from "./sessions.ts";

let app: TestApp;
let user: TestUser;

test.before(async () => {
  app = await startTestApp();
  user = await createTestUser(app, "alice");
});

// Every case starts with no failed logins counted, so throttling from earlier cases cannot return 429.
test.before.each(async () => {
  await resetLoginThrottle(app.deps.db);
});

test.after(async () => {
  await app.close();
});

/** Moves to a fresh TOTP step, so that the current code has not been used yet. */
function freshCode(offsetSec = 0): string {
  app.clock.advanceSec(30);
  return totpCodeAt(user.totpSecret, app.clock, offsetSec);
}

function login(body: unknown) {
  return app.request("POST", "/auth/session", { body });
}

test("POST /auth/session returns a token", async () => {
  const response = await login({ username: "alice", password: user.password, totp: freshCode() });
  assert.is(response.status, 200);
  assert.match(response.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.is(response.body.expires_at, new Date(app.clock.nowMs() + SESSION_IDLE_MS).toISOString());
  assert.equal(Object.keys(response.body).sort(), ["expires_at", "token"]);
});

test("POST /auth/session accepts the previous step's code", async () => {
  // Two steps ahead, so the previous step is one that no earlier test used.
  app.clock.advanceSec(30);
  const response = await login({ username: "alice", password: user.password, totp: freshCode(-30) });
  assert.is(response.status, 200);
});

test("POST /auth/session marks the user verified", async () => {
  await login({ username: "alice", password: user.password, totp: freshCode() });
  const row = await app.deps.db("users").where("username", "alice").first();
  assert.is(row.verified, true);
});

test("POST /auth/session gives one body for every wrong factor", async () => {
  const failures = [
    { username: "alice", password: "wrong password", totp: freshCode() },
    { username: "alice", password: user.password, totp: String((Number(freshCode()) + 1) % 1_000_000).padStart(6, "0") },
    { username: "alice", password: user.password, totp: freshCode(90) },
    { username: "mallory", password: user.password, totp: freshCode() },
    { username: "alice", password: user.password, totp: "abcdef" },
  ];

  const bodies: string[] = [];
  for (const credentials of failures) {
    // The codes above were made at one clock time, so without a reset the fourth failure for alice would be throttled.
    await resetLoginThrottle(app.deps.db);
    const response = await login(credentials);
    assert.is(response.status, 401, `credentials ${JSON.stringify(credentials)}`);
    assert.is(response.headers.get("content-type"), "application/problem+json");
    bodies.push(JSON.stringify(response.body));
  }
  assert.is(new Set(bodies).size, 1, `bodies differ: ${bodies.join(" | ")}`);
  assert.is(JSON.parse(bodies[0]!).code, "AUTH_FAILED");
});

test("POST /auth/session rejects a reused code", async () => {
  const totp = freshCode();
  assert.is((await login({ username: "alice", password: user.password, totp })).status, 200);

  const second = await login({ username: "alice", password: user.password, totp });
  assert.is(second.status, 401);
  assert.is(second.body.code, "AUTH_FAILED");
  assert.ok(app.logLines.some((line) => line.includes("login failed") && line.includes("totp code already used")));
});

test("POST /auth/session logs the reason but not the password", async () => {
  await login({ username: "alice", password: "hunter2-secret", totp: freshCode() });
  const line = [...app.logLines].reverse().find((candidate) => candidate.includes("login failed"));
  assert.ok(line?.includes("wrong password"), line);
  assert.not.ok(app.logLines.some((candidate) => candidate.includes("hunter2-secret")));
});

test("POST /auth/session fails cleanly for an undecryptable secret", async () => {
  const other = await createTestUser(app, "stale");
  await app.deps.db("users").where("username", "stale").update({ totp_secret_enc: "v1.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA" });
  app.clock.advanceSec(30);
  const response = await login({ username: "stale", password: other.password, totp: totpCodeAt(other.totpSecret, app.clock) });
  assert.is(response.status, 401);
  assert.is(response.body.code, "AUTH_FAILED");
  assert.ok(app.logLines.some((line) => line.includes("login failed") && line.includes("totp secret cannot be decrypted")));
});

test("POST /auth/session validates the body", async () => {
  const cases: [unknown, string][] = [
    [{ password: "x", totp: "123456" }, "username"],
    [{ username: "alice", totp: "123456" }, "password"],
    [{ username: "alice", password: "x" }, "totp"],
    [{ username: 7, password: "x", totp: "123456" }, "username"],
    [{ username: "alice", password: ["x"], totp: "123456" }, "password"],
    [{ username: "alice", password: "x", totp: 123456 }, "totp"],
    [{ username: "", password: "x", totp: "123456" }, "username"],
    [{ username: "alice", password: "x", totp: "123456", remember: true }, "remember"],
    // Regression: a NUL in the username reached PostgreSQL and got a 500 response.
    [{ username: "alice\u0000", password: "x", totp: "123456" }, "username"],
  ];
  for (const [body, field] of cases) {
    const response = await login(body);
    assert.is(response.status, 400, JSON.stringify(body));
    assert.is(response.body.code, "VALIDATION_FAILED");
    assert.is(response.body.field, field);
  }
});

test("POST /auth/session rejects bad JSON and other media types", async () => {
  const badJson = await app.request("POST", "/auth/session", { rawBody: "{", headers: { "content-type": "application/json" } });
  assert.is(badJson.status, 400);
  assert.is(badJson.body.code, "BAD_JSON");

  const array = await app.request("POST", "/auth/session", { rawBody: "[]", headers: { "content-type": "application/json" } });
  assert.is(array.status, 400);
  assert.is(array.body.code, "VALIDATION_FAILED");

  const form = await app.request("POST", "/auth/session", { rawBody: "username=alice", headers: { "content-type": "application/x-www-form-urlencoded" } });
  assert.is(form.status, 415);
  assert.is(form.body.code, "UNSUPPORTED_MEDIA_TYPE");
});

test("POST /auth/session rejects a body over 4 KiB", async () => {
  const response = await login({ username: "alice", password: "x".repeat(5000), totp: "123456" });
  assert.is(response.status, 413);
  assert.is(response.body.code, "BODY_TOO_LARGE");
});

test("DELETE /auth/session ends the session", async () => {
  const token = await loginAs(app, user);
  assert.is((await app.request("GET", "/networks", { token })).status, 200);

  assert.is((await app.request("DELETE", "/auth/session", { token })).status, 204);
  const after = await app.request("GET", "/networks", { token });
  assert.is(after.status, 401);
  assert.is(after.body.code, "SESSION_INVALID");
});

test("requireSession rejects missing and malformed headers", async () => {
  const missing = await app.request("GET", "/networks");
  assert.is(missing.status, 401);
  assert.is(missing.body.code, "AUTH_REQUIRED");
  assert.is(missing.headers.get("www-authenticate"), 'Bearer realm="homemesh"');

  const basic = await app.request("GET", "/networks", { headers: { authorization: "Basic YWxpY2U6eA==" } });
  assert.is(basic.status, 401);
  assert.is(basic.body.code, "AUTH_REQUIRED");
});

test("requireSession rejects an unknown token", async () => {
  const response = await app.request("GET", "/networks", { token: "A".repeat(43) });
  assert.is(response.status, 401);
  assert.is(response.body.code, "SESSION_INVALID");
  assert.match(response.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
});

test("requireSession rejects a session idle for 15 minutes", async () => {
  const token = await loginAs(app, user);
  app.clock.advanceMs(SESSION_IDLE_MS);
  const response = await app.request("GET", "/networks", { token });
  assert.is(response.status, 401);
  assert.is(response.body.code, "SESSION_INVALID");
});

test("GET /healthz reports ok", async () => {
  const response = await app.request("GET", "/healthz");
  assert.is(response.status, 200);
  assert.equal(response.body, { status: "ok" });
});

test("request log records method, path, status and duration", async () => {
  await app.request("GET", "/healthz");
  const line = [...app.logLines].reverse().find((candidate) => candidate.includes("request completed"));
  assert.match(line ?? "", /request completed requestId=[0-9a-f]{16} method=GET path=\/healthz status=200 durationMs=[0-9.]+/);
});

test("unknown path is a problem+json 404", async () => {
  const response = await app.request("GET", "/nowhere");
  assert.is(response.status, 404);
  assert.is(response.body.code, "NOT_FOUND");
});

test("wrong method is a problem+json 405", async () => {
  const response = await app.request("PUT", "/auth/session");
  assert.is(response.status, 405);
  assert.is(response.body.code, "METHOD_NOT_ALLOWED");
});

test.run();
