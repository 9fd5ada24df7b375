import { test } from "uvu";
import * as assert from "uvu/assert";
import { verifyPassword } from "../auth/password.ts";
import { recoveryCodeHash } from "../auth/recovery-codes.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { createTestUser, loginAs, startTestApp, totpCodeAt, type TestApp, type TestUser } from "../testing/app.ts";
import { resetLoginThrottle } from "../testing/throttle.ts";

let app: TestApp;
let admin: TestUser;
let adminToken: string;
let plainToken: string;

test.before(async () => {
  app = await startTestApp();
  admin = await createTestUser(app, "root", "admin");
  const plain = await createTestUser(app, "plain", "user");
  adminToken = await loginAs(app, admin);
  plainToken = await loginAs(app, plain);
});

test.before.each(async () => {
  await resetLoginThrottle(app.deps.db);
});

test.after(async () => {
  await app.close();
});

function createUserRequest(body: unknown, token = adminToken) {
  return app.request("POST", "/users", { body, token });
}

/** Keeps the admin's session alive: every request extends it, but tests move the clock a lot. */
async function freshAdminToken(): Promise<string> {
  adminToken = await loginAs(app, admin);
  return adminToken;
}

test("POST /users returns secret, URI and ten codes", async () => {
  const response = await createUserRequest({ username: "bob", role: "user", password: "a long enough password" });
  assert.is(response.status, 201, JSON.stringify(response.body));
  const body = response.body;
  assert.equal(Object.keys(body).sort(), ["created_at", "id", "otpauth_uri", "recovery_codes", "role", "totp_secret", "username", "verified"]);
  assert.is(body.username, "bob");
  assert.is(body.role, "user");
  assert.is(body.verified, false);
  assert.is(body.created_at, new Date(app.clock.nowMs()).toISOString());
  assert.match(body.totp_secret, /^[A-Z2-7]{32}$/);
  assert.is(body.otpauth_uri, `otpauth://totp/homemesh:bob?secret=${body.totp_secret}&issuer=homemesh`);
  assert.is(body.recovery_codes.length, 10);
  assert.is(new Set(body.recovery_codes).size, 10);
});

test("POST /users stores only hashes and the sealed secret", async () => {
  const response = await createUserRequest({ username: "carol", role: "user", password: "another long password" });
  const { id, totp_secret: secret, recovery_codes: codes } = response.body;

  const row = await app.deps.db("users").where("id", id).first();
  assert.is(await verifyPassword("another long password", row.password_hash), true);
  assert.not.ok(row.totp_secret_enc.includes(secret));
  assert.is(createSecretBox(app.deps.masterSeed).open(row.totp_secret_enc, id), secret, "sealed under the master seed's key");
  assert.throws(() => createSecretBox(Buffer.alloc(32, 1)).open(row.totp_secret_enc, id), /failed authentication/);

  const stored = (await app.deps.db("recovery_codes").where("user_id", id)).map((entry: { code_hash: string }) => entry.code_hash).sort();
  assert.equal(stored, codes.map((code: string) => recoveryCodeHash(id, code)).sort());
  assert.not.ok(JSON.stringify(stored).includes(codes[0].replaceAll("-", "")));
});

test("POST /users generates a password when none is given", async () => {
  const response = await createUserRequest({ username: "dave", role: "admin" });
  assert.is(response.status, 201);
  assert.match(response.body.password, /^[A-Za-z0-9]{6}(-[A-Za-z0-9]{6}){3}$/);
  const row = await app.deps.db("users").where("username", "dave").first();
  assert.is(await verifyPassword(response.body.password, row.password_hash), true);
  assert.is(row.role, "admin");
});

test("new user logs in and becomes verified", async () => {
  const created = (await createUserRequest({ username: "erin", role: "user", password: "erin's password!" })).body;
  const before = await app.request("GET", "/users", { token: adminToken });
  assert.is(before.body.items.find((user: { username: string }) => user.username === "erin").verified, false);

  await loginAs(app, { id: created.id, username: "erin", password: "erin's password!", totpSecret: created.totp_secret, recoveryCodes: [] });
  const after = await app.request("GET", "/users", { token: await freshAdminToken() });
  assert.is(after.body.items.find((user: { username: string }) => user.username === "erin").verified, true);
});

test("recovery code logs in once and leaves user unverified", async () => {
  const created = (await createUserRequest({ username: "frank", role: "user", password: "frank's password" })).body;
  const login = (recoveryCode: string) => app.request("POST", "/auth/session", { body: { username: "frank", password: "frank's password", recovery_code: recoveryCode } });

  const first = await login(created.recovery_codes[0]);
  assert.is(first.status, 200);
  assert.match(first.body.token, /^[A-Za-z0-9_-]{43}$/);
  assert.is((await app.request("GET", "/auth/sessions", { token: first.body.token })).status, 200);

  const again = await login(created.recovery_codes[0]);
  assert.is(again.status, 401);
  assert.is(again.body.code, "AUTH_FAILED");
  assert.ok(app.logLines.some((line) => line.includes("login failed") && line.includes("recovery code already used")));

  assert.is((await login(created.recovery_codes[1].toUpperCase().replaceAll("-", " "))).status, 200, "typed in capitals with spaces");
  const row = await app.deps.db("users").where("username", "frank").first();
  assert.is(row.verified, false);
});

test("recovery code of another user is rejected", async () => {
  const first = (await createUserRequest({ username: "gina", role: "user", password: "gina's password!" })).body;
  await createUserRequest({ username: "hank", role: "user", password: "hank's password!" });
  const response = await app.request("POST", "/auth/session", { body: { username: "hank", password: "hank's password!", recovery_code: first.recovery_codes[0] } });
  assert.is(response.status, 401);
  assert.is(response.body.code, "AUTH_FAILED");
});

test("recovery code with a wrong password is not used up", async () => {
  const created = (await createUserRequest({ username: "ivan", role: "user", password: "ivan's password!" })).body;
  const wrong = await app.request("POST", "/auth/session", { body: { username: "ivan", password: "wrong password", recovery_code: created.recovery_codes[0] } });
  assert.is(wrong.status, 401);
  const right = await app.request("POST", "/auth/session", { body: { username: "ivan", password: "ivan's password!", recovery_code: created.recovery_codes[0] } });
  assert.is(right.status, 200);
});

test("login rejects both second factors at once", async () => {
  const response = await app.request("POST", "/auth/session", { body: { username: "root", password: admin.password, totp: "123456", recovery_code: admin.recoveryCodes[0] } });
  assert.is(response.status, 400);
  assert.is(response.body.code, "VALIDATION_FAILED");
  assert.is(response.body.field, "recovery_code");
});

test("POST /users rejects a taken username in any case", async () => {
  await createUserRequest({ username: "Jules", role: "user", password: "jules password!" });
  for (const username of ["Jules", "jules", "JULES"]) {
    const response = await createUserRequest({ username, role: "user", password: "jules password!" });
    assert.is(response.status, 409, username);
    assert.is(response.body.code, "USER_EXISTS");
  }
});

test("POST /users and GET /users need the admin role", async () => {
  const create = await createUserRequest({ username: "kim", role: "user" }, plainToken);
  assert.is(create.status, 403);
  assert.is(create.body.code, "FORBIDDEN");
  assert.is(await app.deps.db("users").where("username", "kim").first(), undefined);

  const list = await app.request("GET", "/users", { token: plainToken });
  assert.is(list.status, 403);
  assert.is(list.body.code, "FORBIDDEN");

  assert.is((await app.request("GET", "/users")).status, 401);
  assert.is((await app.request("POST", "/users", { body: { username: "kim", role: "user" } })).status, 401);
});

test("POST /users validates every field", async () => {
  await freshAdminToken();
  const cases: [unknown, string][] = [
    [{ role: "user" }, "username"],
    [{ username: "", role: "user" }, "username"],
    [{ username: "has space", role: "user" }, "username"],
    [{ username: "x".repeat(65), role: "user" }, "username"],
    [{ username: "caf\u00e9", role: "user" }, "username"],
    [{ username: "nul\u0000", role: "user" }, "username"],
    [{ username: 42, role: "user" }, "username"],
    [{ username: "lee" }, "role"],
    [{ username: "lee", role: "root" }, "role"],
    [{ username: "lee", role: ["admin"] }, "role"],
    [{ username: "lee", role: "user", password: "short" }, "password"],
    [{ username: "lee", role: "user", password: "x".repeat(1025) }, "password"],
    [{ username: "lee", role: "user", password: null }, "password"],
    [{ username: "lee", role: "user", password: 123456789012 }, "password"],
    [{ username: "lee", role: "user", verified: true }, "verified"],
  ];
  for (const [body, field] of cases) {
    const response = await createUserRequest(body);
    assert.is(response.status, 400, JSON.stringify(body).slice(0, 80));
    assert.is(response.body.code, "VALIDATION_FAILED");
    assert.is(response.body.field, field, JSON.stringify(body).slice(0, 80));
  }
  assert.is(await app.deps.db("users").where("username", "lee").first(), undefined);
});

test("POST /users rejects malformed bodies without 500", async () => {
  const raw = (rawBody: string, contentType = "application/json") => app.request("POST", "/users", { rawBody, token: adminToken, headers: { "content-type": contentType } });
  assert.is((await raw("{")).body.code, "BAD_JSON");
  assert.is((await raw("[]")).body.code, "VALIDATION_FAILED");
  assert.is((await raw("null")).body.code, "VALIDATION_FAILED");
  assert.is((await raw('"text"')).body.code, "VALIDATION_FAILED");
  assert.is((await raw("username=x", "text/plain")).body.code, "UNSUPPORTED_MEDIA_TYPE");
  const large = await createUserRequest({ username: "big", role: "user", password: "p".repeat(5000) });
  assert.is(large.status, 413);
  assert.is(large.body.code, "BODY_TOO_LARGE");
});

test("GET /users pages through every user", async () => {
  await freshAdminToken();
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
    const response = await app.request("GET", `/users${query}`, { token: adminToken });
    assert.is(response.status, 200);
    assert.ok(response.body.items.length <= 2);
    for (const user of response.body.items) {
      assert.equal(Object.keys(user).sort(), ["created_at", "id", "role", "username", "verified"]);
      seen.push(user.username);
    }
    cursor = response.body.next_cursor;
  } while (cursor);

  const all = (await app.deps.db("users").select("username")).map((row: { username: string }) => row.username);
  assert.equal([...seen].sort(), all.sort());
  assert.is(new Set(seen).size, seen.length);
});

test("GET /users rejects bad limit and cursor", async () => {
  for (const query of ["?limit=0", "?limit=201", "?limit=abc", "?limit=1&limit=2", "?cursor=!!", "?cursor=" + "A".repeat(600), "?cursor=WyJ4Il0"]) {
    const response = await app.request("GET", `/users${query}`, { token: adminToken });
    assert.is(response.status, 400, query);
    assert.is(response.body.code, "VALIDATION_FAILED", query);
  }
});

test("TOTP of a created user works with oathtool", async () => {
  const created = (await createUserRequest({ username: "mia", role: "user", password: "mia's password!" })).body;
  app.clock.advanceSec(30);
  const response = await app.request("POST", "/auth/session", { body: { username: "mia", password: "mia's password!", totp: totpCodeAt(created.totp_secret, app.clock) } });
  assert.is(response.status, 200);
});

test.run();
