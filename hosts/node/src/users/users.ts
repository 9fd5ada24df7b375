/**
 * User accounts. A user logs in with a password (stored as a scrypt hash) and a TOTP code. The
 * TOTP secret is stored encrypted with the secret box and bound to the user's id.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import { hashPassword } from "../auth/password.ts";
import { newTotpSecret } from "../auth/totp.ts";
import type { SecretBox } from "../keys/secret-box.ts";

export type UserRole = "admin" | "user";

/** 1 to 64 characters of letters, digits and `. _ @ -`, so a username is safe in a URI label and a log line. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

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
}

export interface CreateUserOptions {
  username: string;
  password: string;
  role: UserRole;
}

/**
 * Inserts a user with a new TOTP secret. Throws RangeError for a username that breaks
 * USERNAME_PATTERN; a taken username surfaces as the database's unique violation.
 */
export async function createUser(db: Knex, clock: Clock, secretBox: SecretBox, options: CreateUserOptions): Promise<NewUser> {
  if (!USERNAME_PATTERN.test(options.username)) {
    throw new RangeError(`username ${JSON.stringify(options.username)} must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -`);
  }

  const id = randomUUID();
  const totpSecret = newTotpSecret();
  await db("users").insert({
    id,
    username: options.username,
    password_hash: await hashPassword(options.password),
    totp_secret_enc: secretBox.seal(totpSecret, id),
    verified: false,
    role: options.role,
    created_at: new Date(clock.nowMs()),
  });
  return { id, username: options.username, totpSecret };
}

export async function findUserByUsername(db: Knex, username: string): Promise<UserRow | undefined> {
  return db<UserRow>("users").where("username", username).first();
}
