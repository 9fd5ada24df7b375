/**
 * User accounts. A user logs in with a password (stored as a scrypt hash) and a TOTP code, or one
 * of their recovery codes in place of the TOTP code. The TOTP secret is stored encrypted with the
 * secret box (a key derived from the master seed) and bound to the user's id.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import { hashPassword } from "../auth/password.ts";
import { newRecoveryCodes, storeRecoveryCodes } from "../auth/recovery-codes.ts";
import { newTotpSecret } from "../auth/totp.ts";
import { toPage, type Page } from "../http/pagination.ts";
import type { SecretBox } from "../keys/secret-box.ts";

export type UserRole = "admin" | "user";

/** 1 to 64 characters of letters, digits and `. _ @ -`, so a username is safe in a URI label and a log line. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** Shortest password POST /users accepts; generated passwords are 27 characters. */
export const PASSWORD_MIN_CHARS = 12;
/** Maximum password length accepted anywhere, which keeps scrypt's input and the request small. */
export const PASSWORD_MAX_CHARS = 1024;

export interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  totp_secret_enc: string;
  verified: boolean;
  role: UserRole;
  created_at: Date;
  totp_last_step: string | null;
}

export interface NewUser {
  id: string;
  username: string;
  /** Base32; the only plain copy, for the otpauth:// URI. */
  totpSecret: string;
  /** The only plain copies of the user's one-time recovery codes. */
  recoveryCodes: string[];
  createdAt: Date;
}

/** A user as GET /users lists it. */
export interface UserView {
  id: string;
  username: string;
  role: UserRole;
  /** True once the user has logged in with a TOTP code, which shows the authenticator works. */
  verified: boolean;
  created_at: string;
}

export interface CreateUserOptions {
  username: string;
  password: string;
  role: UserRole;
}

/**
 * Inserts a user with a new TOTP secret and new recovery codes, in one transaction (a savepoint
 * when `db` is a transaction). Throws RangeError for a username that breaks USERNAME_PATTERN; a
 * taken username, in any letter case, surfaces as the database's unique violation.
 */
export async function createUser(db: Knex | Knex.Transaction, clock: Clock, secretBox: SecretBox, options: CreateUserOptions): Promise<NewUser> {
  if (!USERNAME_PATTERN.test(options.username)) {
    throw new RangeError(`username ${JSON.stringify(options.username)} must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -`);
  }

  const id = randomUUID();
  const totpSecret = newTotpSecret();
  const recoveryCodes = newRecoveryCodes();
  const passwordHash = await hashPassword(options.password);
  const createdAt = new Date(clock.nowMs());
  await db.transaction(async (trx) => {
    await trx("users").insert({
      id,
      username: options.username,
      password_hash: passwordHash,
      totp_secret_enc: secretBox.seal(totpSecret, id),
      verified: false,
      role: options.role,
      created_at: createdAt,
    });
    await storeRecoveryCodes(trx, id, recoveryCodes);
  });
  return { id, username: options.username, totpSecret, recoveryCodes, createdAt };
}

/** Returns one page of users, oldest first; `after` is the cursor key [created_at ISO, id]. */
export async function listUsers(db: Knex, limit: number, after: string[] | null): Promise<Page<UserView>> {
  const query = db<UserRow>("users")
    .select("id", "username", "role", "verified", "created_at")
    .orderBy([{ column: "created_at" }, { column: "id" }])
    .limit(limit + 1);
  if (after) query.whereRaw("(created_at, id) > (?::timestamptz, ?::uuid)", [after[0]!, after[1]!]);

  const rows = (await query) as Pick<UserRow, "id" | "username" | "role" | "verified" | "created_at">[];
  return toPage(rows, limit, (row) => [row.created_at.toISOString(), row.id], (row) => ({
    id: row.id,
    username: row.username,
    role: row.role,
    verified: row.verified,
    created_at: row.created_at.toISOString(),
  }));
}

export async function findUserByUsername(db: Knex, username: string): Promise<UserRow | undefined> {
  return db<UserRow>("users").where("username", username).first();
}
