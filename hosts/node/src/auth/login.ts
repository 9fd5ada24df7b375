/**
 * Login: username, password and either the current TOTP code or one unused recovery code, all
 * checked before the response. Every failure throws the same AUTH_FAILED error, so a client cannot
 * tell which factor was wrong or whether the user exists. The reason goes to the server log only.
 * Attempts are throttled first (auth/throttle.ts): a throttled attempt gets 429 LOGIN_THROTTLED
 * with Retry-After and no credential is checked.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import { ApiError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { SecretBoxError, type SecretBox } from "../keys/secret-box.ts";
import { findUserByUsername, type UserRow } from "../users/users.ts";
import { hashPassword, verifyPassword } from "./password.ts";
import { consumeRecoveryCode, recoveryCodeState } from "./recovery-codes.ts";
import { createSession, type NewSession } from "./sessions.ts";
import { chargeLoginAttempt, loginThrottleKeys, refundLoginAttempt, userThrottleKey } from "./throttle.ts";
import { checkTotp } from "./totp.ts";

export interface LoginDeps {
  db: Knex;
  clock: Clock;
  log: Logger;
  secretBox: SecretBox;
}

/** The second factor: exactly one of a TOTP code and a recovery code. */
export type SecondFactor = { totp: string } | { recoveryCode: string };

export interface Credentials {
  username: string;
  password: string;
  secondFactor: SecondFactor;
}

export interface LoginClient {
  address: string | null;
  userAgent: string | null;
}

/**
 * A hash of a random password, made once, so that an unknown username costs one scrypt run like a
 * known one and response times do not reveal which usernames exist.
 */
let decoyHash: Promise<string> | undefined;

type Outcome = { ok: true; userId: string; factor: "totp" | "recovery code" } | { ok: false; reason: string };

async function checkTotpFactor(deps: LoginDeps, user: UserRow, passwordOk: boolean, code: string): Promise<Outcome> {
  let totpSecret: string;
  try {
    totpSecret = deps.secretBox.open(user.totp_secret_enc, user.id);
  } catch (error) {
    // Happens after the master seed was replaced: the user must be created again.
    if (error instanceof SecretBoxError) return { ok: false, reason: `totp secret cannot be decrypted (${error.message})` };
    throw error;
  }
  const totp = await checkTotp(totpSecret, code, deps.clock);
  if (!passwordOk) return { ok: false, reason: "wrong password" };
  if (!totp.valid) return { ok: false, reason: "wrong totp code" };

  // The conditional update lets one request win when two race with the same code. The first
  // successful login also marks the user verified: it proves the authenticator app was set up.
  const claimed = await deps.db("users")
    .where("id", user.id)
    .andWhere((query) => query.whereNull("totp_last_step").orWhere("totp_last_step", "<", totp.timeStep))
    .update({ totp_last_step: totp.timeStep, verified: true });
  if (claimed === 0) return { ok: false, reason: "totp code already used" };
  return { ok: true, userId: user.id, factor: "totp" };
}

/** Checks a recovery code; a success does not mark the user verified, because it proves nothing about the authenticator. */
async function checkRecoveryFactor(deps: LoginDeps, user: UserRow, passwordOk: boolean, code: string): Promise<Outcome> {
  const state = await recoveryCodeState(deps.db, user.id, code);
  if (!passwordOk) return { ok: false, reason: "wrong password" };
  if (state === "unknown") return { ok: false, reason: "wrong recovery code" };
  if (state === "used") return { ok: false, reason: "recovery code already used" };

  if (!(await consumeRecoveryCode(deps.db, user.id, code, new Date(deps.clock.nowMs())))) return { ok: false, reason: "recovery code already used" };
  return { ok: true, userId: user.id, factor: "recovery code" };
}

async function checkFactors(deps: LoginDeps, credentials: Credentials): Promise<Outcome> {
  const user = await findUserByUsername(deps.db, credentials.username);
  if (!user) {
    decoyHash ??= hashPassword(randomUUID());
    await verifyPassword(credentials.password, await decoyHash);
    return { ok: false, reason: "unknown username" };
  }

  const passwordOk = await verifyPassword(credentials.password, user.password_hash);
  const factor = credentials.secondFactor;
  if ("totp" in factor) return checkTotpFactor(deps, user, passwordOk, factor.totp);
  return checkRecoveryFactor(deps, user, passwordOk, factor.recoveryCode);
}

/**
 * Checks the throttle and every factor, then opens a session. Throws ApiError LOGIN_THROTTLED
 * (with a Retry-After header) while the username or the client address must wait, and
 * AUTH_FAILED for any wrong factor.
 */
export async function login(deps: LoginDeps, credentials: Credentials, client: LoginClient): Promise<NewSession> {
  const keys = loginThrottleKeys(credentials.username, client.address);
  const charge = await chargeLoginAttempt(deps, keys);
  if (!charge.allowed) {
    const retryAfterSec = Math.max(1, Math.ceil(charge.retryAfterMs / 1000));
    deps.log.warn("login throttled", { username: credentials.username, clientAddress: client.address, blockedKeys: charge.blockedKeys, retryAfterSec });
    throw new ApiError("LOGIN_THROTTLED", `wait ${retryAfterSec} s before the next login attempt`, undefined, { "Retry-After": String(retryAfterSec) });
  }

  const outcome = await checkFactors(deps, credentials);
  if (!outcome.ok) {
    deps.log.warn("login failed", { username: credentials.username, reason: outcome.reason, clientAddress: client.address });
    throw new ApiError("AUTH_FAILED");
  }

  await refundLoginAttempt(deps, keys, userThrottleKey(credentials.username));
  const session = await createSession(deps, outcome.userId, client.address, client.userAgent);
  deps.log.info("login succeeded", { username: credentials.username, factor: outcome.factor, sessionId: session.sessionId, clientAddress: client.address });
  return session;
}
