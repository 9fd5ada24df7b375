/**
 * Login throttling, with its state in the login_throttle table so that every server process on the
 * database shares it. Time comes from the injected clock only.
 *
 * Failures are counted per key: `user:<username as typed>` (known or not, so throttling does not
 * reveal which usernames exist) and `address:<client address>` (an IPv6 client by its /64). The
 * rule for a key with `free` allowed failures (USER_FREE_FAILURES 3, ADDRESS_FREE_FAILURES 10):
 *
 *   after n failures, the next attempt waits 0 when n < free, else min(1 s * 2^(n - free), 15 min)
 *
 * counted from the last failure. So a user gets 3 free attempts, then waits 1 s, 2 s, 4 s, ...,
 * 512 s, then 15 min after each further failure. An attempt made while either key is waiting is
 * rejected with 429 LOGIN_THROTTLED without checking any credential, and is not counted. A key's count
 * starts again at 0 when its last failure is FORGET_AFTER_MS (24 h) old.
 *
 * Each attempt is charged as a failure to both keys before the credentials are checked, in one
 * transaction with the rows locked, so concurrent attempts cannot all slip in before any failure is
 * recorded. A successful login then deletes the user key's row and takes the charge back from the
 * address key. The address count is not reset by a success, because an attacker with one valid
 * account could otherwise clear it between guesses at other accounts.
 *
 * NOTE: anyone can make a known username wait up to 15 min per attempt by failing logins for it;
 * the address key limits how fast one client can do that, not a distributed attacker.
 */
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import { throttleAddress } from "../http/client-address.ts";

export const USER_FREE_FAILURES = 3;
/** Higher than the user's, because a household or office shares one address behind NAT. */
export const ADDRESS_FREE_FAILURES = 10;
export const FIRST_DELAY_MS = 1000;
export const MAX_DELAY_MS = 15 * 60 * 1000;
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export interface ThrottleDeps {
  db: Knex;
  clock: Clock;
}

export interface ThrottleKey {
  key: string;
  freeFailures: number;
}

export type ThrottleCharge = { allowed: true } | { allowed: false; retryAfterMs: number; blockedKeys: string[] };

interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: Date;
  blocked_until: Date | null;
}

/** Returns the wait in milliseconds after `failures` counted failures of a key with `freeFailures`. */
export function throttleDelayMs(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  // 2^20 s is far above the cap, and a bounded exponent keeps the number finite.
  const exponent = Math.min(failures - freeFailures, 20);
  return Math.min(FIRST_DELAY_MS * 2 ** exponent, MAX_DELAY_MS);
}

/** Returns the keys a login attempt is counted under; no address key when the address is unknown. */
export function loginThrottleKeys(username: string, clientAddress: string | null): ThrottleKey[] {
  const keys = [{ key: `user:${username}`, freeFailures: USER_FREE_FAILURES }];
  if (clientAddress !== null) keys.push({ key: `address:${throttleAddress(clientAddress)}`, freeFailures: ADDRESS_FREE_FAILURES });
  return keys;
}

/** Returns the user key of loginThrottleKeys, the one a successful login resets. */
export function userThrottleKey(username: string): string {
  return `user:${username}`;
}

function blockedUntil(failures: number, freeFailures: number, lastFailureAt: Date): Date | null {
  const delay = throttleDelayMs(failures, freeFailures);
  return delay === 0 ? null : new Date(lastFailureAt.getTime() + delay);
}

/**
 * Locks the rows of `keys`, creating missing ones, in sorted key order. An attempt has at most one
 * `address:` and one `user:` key, which sort alike in JavaScript and in any PostgreSQL collation,
 * so two attempts take their locks in the same order and cannot deadlock.
 */
async function lockRows(trx: Knex.Transaction, keys: readonly ThrottleKey[], now: Date): Promise<Map<string, ThrottleRow>> {
  const names = keys.map((entry) => entry.key).sort();
  for (const key of names) {
    await trx.raw("insert into login_throttle (key, failures, last_failure_at) values (?, 0, ?) on conflict (key) do nothing", [key, now]);
  }
  const rows = (await trx("login_throttle").whereIn("key", names).orderBy("key").forUpdate()) as ThrottleRow[];
  return new Map(rows.map((row) => [row.key, row]));
}

/**
 * Checks whether an attempt may go ahead and, if so, charges it as a failure to every key.
 * Returns the longest remaining wait when a key is waiting; then nothing is charged.
 */
export async function chargeLoginAttempt(deps: ThrottleDeps, keys: readonly ThrottleKey[]): Promise<ThrottleCharge> {
  const now = new Date(deps.clock.nowMs());
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);

  return deps.db.transaction(async (trx) => {
    // Old rows of every key go here, so the table stays as small as the last day's failures.
    await trx("login_throttle").where("last_failure_at", "<=", forgetBefore).delete();
    const rows = await lockRows(trx, keys, now);

    const blocked = [...rows.values()].filter((row) => row.blocked_until !== null && row.blocked_until.getTime() > now.getTime());
    if (blocked.length > 0) {
      const retryAfterMs = Math.max(...blocked.map((row) => row.blocked_until!.getTime() - now.getTime()));
      return { allowed: false, retryAfterMs, blockedKeys: blocked.map((row) => row.key) };
    }

    for (const { key, freeFailures } of keys) {
      const failures = rows.get(key)!.failures + 1;
      await trx("login_throttle").where("key", key).update({ failures, last_failure_at: now, blocked_until: blockedUntil(failures, freeFailures, now) });
    }
    return { allowed: true };
  });
}

/**
 * Takes back the failure that chargeLoginAttempt counted for a login that succeeded: the user key
 * is deleted, every other key loses one failure and its wait is recomputed from its last failure.
 */
export async function refundLoginAttempt(deps: ThrottleDeps, keys: readonly ThrottleKey[], userKey: string): Promise<void> {
  const now = new Date(deps.clock.nowMs());
  await deps.db.transaction(async (trx) => {
    const rows = await lockRows(trx, keys, now);
    for (const { key, freeFailures } of keys) {
      const row = rows.get(key)!;
      const failures = row.failures - 1;
      if (key === userKey || failures <= 0) {
        await trx("login_throttle").where("key", key).delete();
        continue;
      }
      await trx("login_throttle").where("key", key).update({ failures, blocked_until: blockedUntil(failures, freeFailures, row.last_failure_at) });
    }
  });
}

