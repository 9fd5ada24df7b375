import { test } from "uvu";
import * as assert from "uvu/assert";
import { createTestUser, startTestApp, totpCodeAt, type TestApp, type TestUser } from "../testing/app.ts";
import { resetLoginThrottle } from "../testing/throttle.ts";

let app: TestApp;
let user: TestUser;

test.before(async () => {
  app = await startTestApp();
  user = await createTestUser(app, "alice", "user");
});

test.before.each(async () => {
  app.deps.config.trustedProxies = [];
  app.clock.advanceSec(30);
  await resetLoginThrottle(app.deps.db);
});

test.after(async () => {
  await app.close();
});

function login(username: string, password: string, headers: Record<string, string> = {}) {
  return app.request("POST", "/auth/session", { body: { username, password, totp: totpCodeAt(user.totpSecret, app.clock) }, headers });
}

async function failTimes(count: number, username = "alice", headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < count; i++) {
    const response = await login(username, "wrong password", headers);
    assert.is(response.status, 401, `failure ${i + 1} of ${count}`);
  }
}

test("fourth attempt gets 429 with Retry-After", async () => {
  await failTimes(3);
  const response = await login("alice", user.password);
  assert.is(response.status, 429);
  assert.is(response.headers.get("retry-after"), "1");
  assert.is(response.headers.get("content-type"), "application/problem+json");
  assert.is(response.body.code, "LOGIN_THROTTLED");
  assert.is(response.body.status, 429);
  assert.is(response.body.detail, "wait 1 s before the next login attempt");
});

test("throttled attempt checks no credential", async () => {
  await failTimes(3);
  const failedBefore = app.logLines.filter((line) => line.includes("login failed")).length;
  assert.is((await login("alice", "wrong password")).status, 429);
  assert.is(app.logLines.filter((line) => line.includes("login failed")).length, failedBefore);
  assert.ok(app.logLines.some((line) => line.includes("login throttled") && line.includes("user:alice")));
});

test("waits double after each failure", async () => {
  await failTimes(3);
  for (const waitSec of [1, 2, 4, 8]) {
    const refused = await login("alice", "wrong password");
    assert.is(refused.status, 429);
    assert.is(refused.headers.get("retry-after"), String(waitSec));
    app.clock.advanceSec(waitSec);
    assert.is((await login("alice", "wrong password")).status, 401, `attempt allowed after ${waitSec} s`);
  }
});

test("success after the wait resets the user", async () => {
  await failTimes(3);
  app.clock.advanceSec(1);
  assert.is((await login("alice", user.password)).status, 200);

  // A new TOTP step, so the next correct code is not a reused one.
  app.clock.advanceSec(30);
  await failTimes(3);
  assert.is((await login("alice", "wrong password")).status, 429);
});

test("unknown username is throttled like a known one", async () => {
  await failTimes(3, "nobody");
  const response = await login("nobody", "wrong password");
  assert.is(response.status, 429);
  assert.is(response.headers.get("retry-after"), "1");
});

test("429 body does not say which key waits", async () => {
  await failTimes(3);
  const byUser = await login("alice", "wrong password");

  await resetLoginThrottle(app.deps.db);
  for (let i = 0; i < 10; i++) assert.is((await login(`other${i}`, "x")).status, 401);
  const byAddress = await login("alice", user.password);

  assert.is(byUser.status, 429);
  assert.is(byAddress.status, 429);
  assert.equal(byUser.body, byAddress.body);
  assert.is(byUser.headers.get("retry-after"), byAddress.headers.get("retry-after"));
});

test("X-Forwarded-For is ignored without a trusted proxy", async () => {
  for (let i = 0; i < 10; i++) assert.is((await login(`other${i}`, "x", { "x-forwarded-for": `198.51.100.${i}` })).status, 401);
  assert.is((await login("fresh", "x", { "x-forwarded-for": "203.0.113.1" })).status, 429);
});

test("trusted proxy makes each forwarded client count apart", async () => {
  app.deps.config.trustedProxies = ["127.0.0.1"];
  const attacker = { "x-forwarded-for": "203.0.113.50, 198.51.100.9" };
  for (let i = 0; i < 10; i++) assert.is((await login(`other${i}`, "x", attacker)).status, 401);
  assert.is((await login("fresh", "x", attacker)).status, 429, "the right-most address is throttled");
  assert.is((await login("fresh", "x", { "x-forwarded-for": "198.51.100.10" })).status, 401, "another client is not");
  assert.is((await login("fresh2", "x", { "x-forwarded-for": "203.0.113.50, 198.51.100.9, 127.0.0.1" })).status, 429, "trusted entries are skipped");
});

test("throttled login still validates the body first", async () => {
  await failTimes(3);
  const response = await app.request("POST", "/auth/session", { body: { username: "alice", password: "x" } });
  assert.is(response.status, 400);
  assert.is(response.body.code, "VALIDATION_FAILED");
});

test("oversized and odd logins never give 500", async () => {
  const bodies: unknown[] = [
    { username: "a".repeat(64), password: "p".repeat(1024), totp: "9".repeat(64) },
    { username: "alice", password: "\ud800", totp: "123456" },
    { username: "\u202eecila", password: "x", recovery_code: "\u0301".repeat(64) },
    { username: "alice", password: "x", recovery_code: "-".repeat(64) },
  ];
  for (const body of bodies) {
    await resetLoginThrottle(app.deps.db);
    const response = await app.request("POST", "/auth/session", { body, headers: { "user-agent": "\u00ff".repeat(300) } });
    assert.is(response.status, 401, JSON.stringify(body).slice(0, 60));
  }
});

test.run();
