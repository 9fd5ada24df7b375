/**
 * Login: username, password and TOTP code, all three checked before the response. Every failure
 * throws the same AUTH_FAILED error, so a client cannot tell which factor was wrong or whether
 * the user exists; the reason goes to the server log only.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { SecretBoxError, type SecretBox } from "../keys/secret-box.ts";
import { findUserByUsername } from "../users/users.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { createSession, type NewSession } from "./sessions.ts";
import { checkTotp } from "./totp.ts";

export interface LoginDeps {
  db: Knex;
  clock: Clock;
  log: Logger;
  secretBox: SecretBox;
}

export interface Credentials {
  username: string;
  password: string;
  totp: string;
}

/**
 * A hash of a random password, made once, so that an unknown username costs one scrypt run like a
 * known one and response times do not reveal which usernames exist.
 */
let decoyHash: Promise<string> | undefined;

type Outcome = { ok: true; userId: string } | { ok: false; reason: string };

async function checkFactors(deps: LoginDeps, credentials: Credentials): Promise<Outcome> {
  const user = await findUserByUsername(deps.db, credentials.username);
  if (!user) {
    decoyHash ??= hashPassword(randomUUID());
    await verifyPassword(credentials.password, await decoyHash);
    return { ok: false, reason: "unknown username" };
  }

  const passwordOk = await verifyPassword(credentials.password, user.password_hash);
  let totpSecret: string;
  try {
    totpSecret = deps.secretBox.open(user.totp_secret_enc, user.id);
  } catch (error) {
    // Happens after the master seed was replaced: the user must be created again.
    if (error instanceof SecretBoxError) return { ok: false, reason: `totp secret cannot be decrypted (${error.message})` };
    throw error;
  }
  const totp = await checkTotp(totpSecret, credentials.totp, deps.clock);
  if (!passwordOk) return { ok: false, reason: "wrong password" };
  if (!totp.valid) return { ok: false, reason: "wrong totp code" };

  // The conditional update lets one request win when two race with the same code. The first
  // successful login also marks the user verified: it proves the authenticator app was set up.
  const claimed = await deps.db("users")
    .where("id", user.id)
    .andWhere((query) => query.whereNull("totp_last_step").orWhere("totp_last_step", "<", totp.timeStep))
    .update({ totp_last_step: totp.timeStep, verified: true });
  if (claimed === 0) return { ok: false, reason: "totp code already used" };

  return { ok: true, userId: user.id };
}

/** Checks every factor and opens a session; throws ApiError AUTH_FAILED for any wrong factor. */
export async function login(deps: LoginDeps, credentials: Credentials, clientAddress: string | null): Promise<NewSession> {
  const outcome = await checkFactors(deps, credentials);
  if (!outcome.ok) {
    deps.log.warn("login failed", { username: credentials.username, reason: outcome.reason, clientAddress });
    throw new ApiError("AUTH_FAILED");
  }

  const session = await createSession(deps, outcome.userId, clientAddress);
  deps.log.info("login succeeded", { username: credentials.username, sessionId: session.sessionId, clientAddress });
  return session;
}
