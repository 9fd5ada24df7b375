import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../clock.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { openTestDatabase, type TestDatabase } from "../testing/db.ts";
import { createUser } from "../users/users.ts";
import { authenticateToken, createSession, hashToken, liveSessionIds, revokeSession, SESSION_IDLE_MS, SESSION_MAX_MS } from "./sessions.ts";

let database: TestDatabase;
let userId: string;

test.before(async () => {
  database = await openTestDatabase();
  const user = await createUser(database.db, new ManualClock(), createSecretBox(Buffer.alloc(32, 1)), { username: "sessions-user", password: "pw", role: "user" });
  userId = user.id;
});

test.after(async () => {
  await database.close();
});

function freshDeps() {
  return { db: database.db, clock: new ManualClock(Date.UTC(2026, 0, 1, 8, 0, 0)) };
}

test("new token authenticates", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, "127.0.0.1");
  assert.match(session.token, /^[A-Za-z0-9_-]{43}$/);
  assert.is(session.expiresAt.getTime(), deps.clock.nowMs() + SESSION_IDLE_MS);
  assert.equal(await authenticateToken(deps, session.token), { userId, sessionId: session.sessionId, username: "sessions-user", role: "user" });
});

test("only the token hash is stored", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  const row = await database.db("sessions").where("id", session.sessionId).first();
  assert.is(row.token_hash, hashToken(session.token));
  assert.not.ok(JSON.stringify(row).includes(session.token));
});

test("session expires after 15 idle minutes", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  deps.clock.advanceMs(SESSION_IDLE_MS - 1000);
  assert.ok(await authenticateToken(deps, session.token), "alive 1 s before the idle limit");

  deps.clock.advanceMs(SESSION_IDLE_MS);
  assert.is(await authenticateToken(deps, session.token), null);
});

test("session expires exactly at the idle limit", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  deps.clock.advanceMs(SESSION_IDLE_MS);
  assert.is(await authenticateToken(deps, session.token), null);
});

test("each use extends the session", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  for (let i = 0; i < 4; i++) {
    deps.clock.advanceMs(10 * 60 * 1000);
    assert.ok(await authenticateToken(deps, session.token), `use ${i + 1}, ${(i + 1) * 10} minutes after login`);
  }

  const row = await database.db("sessions").where("id", session.sessionId).first();
  assert.is(new Date(row.expires_at).getTime(), deps.clock.nowMs() + SESSION_IDLE_MS);
  assert.is(new Date(row.last_used_at).getTime(), deps.clock.nowMs());
});

test("session ends after 12 hours despite use", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  const stepMs = 10 * 60 * 1000;
  for (let elapsed = stepMs; elapsed < SESSION_MAX_MS; elapsed += stepMs) {
    deps.clock.advanceMs(stepMs);
    assert.ok(await authenticateToken(deps, session.token), `alive ${elapsed / 60000} minutes after login`);
  }

  const row = await database.db("sessions").where("id", session.sessionId).first();
  assert.is(new Date(row.expires_at).getTime(), new Date(row.absolute_expires_at).getTime(), "extension is capped at the absolute end");

  deps.clock.setMs(new Date(row.absolute_expires_at).getTime());
  assert.is(await authenticateToken(deps, session.token), null);
});

test("unknown and malformed tokens are rejected", async () => {
  const deps = freshDeps();
  await createSession(deps, userId, null);
  for (const token of ["", "short", "A".repeat(43), "A".repeat(44), "!".repeat(43), 42 as unknown as string]) {
    assert.is(await authenticateToken(deps, token), null, `token ${JSON.stringify(token)}`);
  }
});

test("revoked session no longer authenticates", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  assert.is(await revokeSession(deps, session.sessionId), true);
  assert.is(await authenticateToken(deps, session.token), null);
});

test("login removes the user's expired sessions", async () => {
  const deps = freshDeps();
  const old = await createSession(deps, userId, null);
  deps.clock.advanceMs(SESSION_IDLE_MS + 1);
  await createSession(deps, userId, null);
  assert.is(await database.db("sessions").where("id", old.sessionId).first(), undefined);
});

test("live check leaves out ended sessions", async () => {
  const deps = freshDeps();
  const live = await createSession(deps, userId, null);
  const revoked = await createSession(deps, userId, null);
  await revokeSession(deps, revoked.sessionId);
  const unknown = "00000000-0000-4000-8000-000000000000";

  assert.equal(await liveSessionIds(deps, [live.sessionId, revoked.sessionId, unknown, live.sessionId]), new Set([live.sessionId]));
  assert.equal(await liveSessionIds(deps, []), new Set());

  deps.clock.advanceMs(SESSION_IDLE_MS);
  assert.equal(await liveSessionIds(deps, [live.sessionId]), new Set(), "idle limit reached");
});

test("live check ends at the absolute limit", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  // Push expires_at past the absolute end, which authenticateToken never does, to test that bound alone.
  await database.db("sessions").where("id", session.sessionId).update({ expires_at: new Date(deps.clock.nowMs() + 2 * SESSION_MAX_MS) });

  deps.clock.advanceMs(SESSION_MAX_MS - 1000);
  assert.equal(await liveSessionIds(deps, [session.sessionId]), new Set([session.sessionId]));
  deps.clock.advanceMs(1000);
  assert.equal(await liveSessionIds(deps, [session.sessionId]), new Set());
});

test("live check does not extend the session", async () => {
  const deps = freshDeps();
  const session = await createSession(deps, userId, null);
  const before = await database.db("sessions").where("id", session.sessionId).first();

  deps.clock.advanceMs(SESSION_IDLE_MS - 1000);
  assert.equal(await liveSessionIds(deps, [session.sessionId]), new Set([session.sessionId]));
  const after = await database.db("sessions").where("id", session.sessionId).first();
  assert.is(new Date(after.expires_at).getTime(), new Date(before.expires_at).getTime());
  assert.is(new Date(after.last_used_at).getTime(), new Date(before.last_used_at).getTime());
});

test.run();
