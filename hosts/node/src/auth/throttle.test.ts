import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../clock.ts";
import { openTestDatabase, type TestDatabase } from "../testing/db.ts";
import { resetLoginThrottle } from "../testing/throttle.ts";
import { chargeLoginAttempt, FORGET_AFTER_MS, loginThrottleKeys, refundLoginAttempt, throttleDelayMs, userThrottleKey } from "./throttle.ts";

let database: TestDatabase;
let clock: ManualClock;

test.before(async () => {
  database = await openTestDatabase();
});

test.before.each(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 1, 8, 0, 0));
  await resetLoginThrottle(database.db);
});

test.after(async () => {
  await database.close();
});

function deps() {
  return { db: database.db, clock };
}

/** Charges `count` attempts one after another at the clock's current time; returns how many were allowed. */
async function chargeMany(keys: ReturnType<typeof loginThrottleKeys>, count: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < count; i++) if ((await chargeLoginAttempt(deps(), keys)).allowed) allowed += 1;
  return allowed;
}

test("delay rule doubles from 1 s to 15 min", () => {
  // Written out by hand from the rule: 0 below `free`, then 1 s * 2^(n - free), at most 900 s.
  const expectedSec: [number, number][] = [[0, 0], [2, 0], [3, 1], [4, 2], [5, 4], [6, 8], [12, 512], [13, 900], [40, 900], [1e9, 900]];
  for (const [failures, seconds] of expectedSec) assert.is(throttleDelayMs(failures, 3), seconds * 1000, `${failures} failures`);
  assert.is(throttleDelayMs(9, 10), 0);
  assert.is(throttleDelayMs(10, 10), 1000);
});

test("keys name the user and the address", () => {
  assert.equal(loginThrottleKeys("alice", "198.51.100.7").map((key) => key.key), ["user:alice", "address:198.51.100.7"]);
  assert.equal(loginThrottleKeys("alice", "2001:db8::5").map((key) => key.key), ["user:alice", "address:2001:db8:0:0::/64"]);
  assert.equal(loginThrottleKeys("alice", null).map((key) => key.key), ["user:alice"]);
});

test("fourth attempt within a second is refused", async () => {
  const keys = loginThrottleKeys("alice", null);
  assert.is(await chargeMany(keys, 3), 3);

  const refused = await chargeLoginAttempt(deps(), keys);
  assert.equal(refused, { allowed: false, retryAfterMs: 1000, blockedKeys: ["user:alice"] });

  clock.advanceMs(999);
  assert.is((await chargeLoginAttempt(deps(), keys)).allowed, false);
  clock.advanceMs(1);
  assert.is((await chargeLoginAttempt(deps(), keys)).allowed, true);
});

test("waits grow 1 s, 2 s, 4 s", async () => {
  const keys = loginThrottleKeys("alice", null);
  await chargeMany(keys, 3);
  for (const waitMs of [1000, 2000, 4000, 8000]) {
    const refused = await chargeLoginAttempt(deps(), keys);
    assert.is(refused.allowed ? 0 : refused.retryAfterMs, waitMs);
    clock.advanceMs(waitMs);
    assert.is((await chargeLoginAttempt(deps(), keys)).allowed, true, `allowed after ${waitMs} ms`);
  }
});

test("wait stops growing at 15 minutes", async () => {
  const keys = loginThrottleKeys("alice", null);
  for (let i = 0; i < 30; i++) {
    await chargeLoginAttempt(deps(), keys);
    clock.advanceMs(15 * 60 * 1000);
  }
  clock.advanceMs(-15 * 60 * 1000);
  const refused = await chargeLoginAttempt(deps(), keys);
  assert.is(refused.allowed ? 0 : refused.retryAfterMs, 15 * 60 * 1000);
});

test("refused attempt does not lengthen the wait", async () => {
  const keys = loginThrottleKeys("alice", null);
  await chargeMany(keys, 3);
  clock.advanceMs(500);
  assert.is(await chargeMany(keys, 5), 0);
  clock.advanceMs(500);
  assert.is((await chargeLoginAttempt(deps(), keys)).allowed, true);
});

test("address allows ten failures across usernames", async () => {
  const address = "198.51.100.7";
  for (let i = 0; i < 10; i++) assert.ok((await chargeLoginAttempt(deps(), loginThrottleKeys(`user${i}`, address))).allowed, `attempt ${i + 1}`);

  const refused = await chargeLoginAttempt(deps(), loginThrottleKeys("fresh-user", address));
  assert.equal(refused, { allowed: false, retryAfterMs: 1000, blockedKeys: [`address:${address}`] });
  assert.ok((await chargeLoginAttempt(deps(), loginThrottleKeys("fresh-user", "198.51.100.8"))).allowed, "another address is not affected");
});

test("IPv6 addresses of one /64 share a count", async () => {
  for (let i = 1; i <= 10; i++) await chargeLoginAttempt(deps(), loginThrottleKeys(`user${i}`, `2001:db8:5:6::${i.toString(16)}`));
  assert.is((await chargeLoginAttempt(deps(), loginThrottleKeys("next", "2001:db8:5:6:ffff::1"))).allowed, false);
  assert.is((await chargeLoginAttempt(deps(), loginThrottleKeys("next", "2001:db8:5:7::1"))).allowed, true);
});

test("success resets the user but only refunds the address", async () => {
  const keys = loginThrottleKeys("alice", "198.51.100.7");
  await chargeMany(keys, 3);
  clock.advanceMs(1000);
  assert.ok((await chargeLoginAttempt(deps(), keys)).allowed);
  await refundLoginAttempt(deps(), keys, userThrottleKey("alice"));

  const rows = await database.db("login_throttle").orderBy("key");
  assert.equal(rows.map((row: { key: string; failures: number }) => [row.key, row.failures]), [["address:198.51.100.7", 3]]);
  assert.is(await chargeMany(keys, 3), 3, "three free failures again for alice");
});

test("refund shortens the address wait", async () => {
  const address = "198.51.100.7";
  for (let i = 0; i < 10; i++) await chargeLoginAttempt(deps(), loginThrottleKeys(`user${i}`, address));
  clock.advanceMs(1000);
  const keys = loginThrottleKeys("good-user", address);
  assert.ok((await chargeLoginAttempt(deps(), keys)).allowed);
  assert.is((await chargeLoginAttempt(deps(), loginThrottleKeys("other", address))).allowed, false, "11 failures: 2 s wait");

  await refundLoginAttempt(deps(), keys, userThrottleKey("good-user"));
  const row = await database.db("login_throttle").where("key", `address:${address}`).first();
  assert.is(row.failures, 10);
  assert.is(new Date(row.blocked_until).getTime(), clock.nowMs() + 1000);
});

test("count is forgotten after 24 hours", async () => {
  const keys = loginThrottleKeys("alice", null);
  await chargeMany(keys, 8);
  clock.advanceMs(FORGET_AFTER_MS);
  assert.is(await chargeMany(keys, 3), 3);
  assert.is((await chargeLoginAttempt(deps(), keys)).allowed, false);
});

test("concurrent attempts cannot pass the limit", async () => {
  const keys = loginThrottleKeys("alice", "198.51.100.7");
  const results = await Promise.all(Array.from({ length: 12 }, () => chargeLoginAttempt(deps(), keys)));
  assert.is(results.filter((result) => result.allowed).length, 3);
});

test.run();
