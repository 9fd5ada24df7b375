/**
 * One-time recovery codes, accepted at login in place of a TOTP code when the authenticator is lost.
 *
 * A user gets RECOVERY_CODE_COUNT codes when the account is created, shown once. A code is 16
 * characters of the Crockford base32 alphabet (0-9 and a-z without i, l, o, u), 80 random bits,
 * written as four groups of four joined by "-", e.g. `7k2m-9xqa-h4c8-vd3e`. When a code is typed
 * back, case, hyphens and spaces are ignored, and i, l and o are read as 1, 1 and 0.
 *
 * Only `SHA-256("<user id>:<16 lower-case characters>")` in hex is stored. A fast hash is enough
 * because, unlike a password, 80 random bits cannot be guessed offline from the hash (2^80 SHA-256
 * runs). The user id in the input makes equal codes of two users hash differently. A used code
 * keeps its row with used_at set and is never accepted again.
 */
import { createHash, randomInt } from "node:crypto";
import type { Knex } from "knex";

export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const CODE_CHARS = 16;
const GROUP_CHARS = 4;

/** Returns RECOVERY_CODE_COUNT new codes in the display form `xxxx-xxxx-xxxx-xxxx`. */
export function newRecoveryCodes(): string[] {
  const codes: string[] = [];
  for (let index = 0; index < RECOVERY_CODE_COUNT; index++) {
    let text = "";
    for (let char = 0; char < CODE_CHARS; char++) text += RECOVERY_CODE_ALPHABET[randomInt(RECOVERY_CODE_ALPHABET.length)];
    codes.push(text.match(new RegExp(`.{${GROUP_CHARS}}`, "g"))!.join("-"));
  }
  return codes;
}

/** Returns the 16-character canonical form of a typed code, or null when it cannot be a recovery code. */
export function canonicalRecoveryCode(typed: string): string | null {
  const text = typed.toLowerCase().replace(/[\s-]/g, "").replace(/[il]/g, "1").replace(/o/g, "0");
  if (text.length !== CODE_CHARS) return null;
  for (const char of text) if (!RECOVERY_CODE_ALPHABET.includes(char)) return null;
  return text;
}

/** Returns the stored hash of a code for a user, or null when the typed text cannot be a code. */
export function recoveryCodeHash(userId: string, typed: string): string | null {
  const canonical = canonicalRecoveryCode(typed);
  if (canonical === null) return null;
  return createHash("sha256").update(`${userId.toLowerCase()}:${canonical}`, "utf8").digest("hex");
}

/** Stores the hashes of a user's codes. */
export async function storeRecoveryCodes(db: Knex | Knex.Transaction, userId: string, codes: readonly string[]): Promise<void> {
  const rows = codes.map((code) => ({ user_id: userId, code_hash: recoveryCodeHash(userId, code), used_at: null }));
  await db("recovery_codes").insert(rows);
}

export type RecoveryCodeState = "unused" | "used" | "unknown";

/** Tells whether a typed code is one of the user's codes and whether it was used; only reads. */
export async function recoveryCodeState(db: Knex, userId: string, typed: string): Promise<RecoveryCodeState> {
  const hash = recoveryCodeHash(userId, typed);
  if (hash === null) return "unknown";
  const row = await db("recovery_codes").where({ user_id: userId, code_hash: hash }).first("used_at");
  if (!row) return "unknown";
  return row.used_at === null ? "unused" : "used";
}

/**
 * Marks an unused code as used at `now`; returns false when it was not unused. The conditional
 * update lets exactly one of two concurrent logins with the same code succeed.
 */
export async function consumeRecoveryCode(db: Knex, userId: string, typed: string, now: Date): Promise<boolean> {
  const hash = recoveryCodeHash(userId, typed);
  if (hash === null) return false;
  const updated = await db("recovery_codes").where({ user_id: userId, code_hash: hash }).whereNull("used_at").update({ used_at: now });
  return updated > 0;
}
