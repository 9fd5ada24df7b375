/**
 * TOTP (RFC 6238) through otplib 13: SHA-1, 6 digits, 30-second steps, the defaults every
 * authenticator app uses.
 *
 * New secrets are 20 bytes (RFC 4226 recommends 160 bits). Secrets of 10 bytes or more are
 * accepted, because some authenticator setups use 80-bit secrets and otplib rejects anything
 * under 16 bytes unless its guardrails are relaxed. A code from the previous or the next step is
 * accepted too, for clock drift between phone and server.
 */
import { createGuardrails, generateSecret, generateURI, verify } from "otplib";
import { nowSec, type Clock } from "../clock.ts";

export const TOTP_SECRET_BYTES = 20;
export const TOTP_MIN_SECRET_BYTES = 10;
export const TOTP_STEP_SEC = 30;
/** One step either way; otplib checks every step that overlaps [now - 30 s, now + 30 s]. */
export const TOTP_TOLERANCE_SEC = 30;
export const TOTP_ISSUER = "homemesh";

const guardrails = createGuardrails({ MIN_SECRET_BYTES: TOTP_MIN_SECRET_BYTES });

export type TotpCheck = { valid: true; timeStep: number } | { valid: false };

/** Returns a new random secret, base32 without padding. */
export function newTotpSecret(): string {
  return generateSecret({ length: TOTP_SECRET_BYTES });
}

/** Returns the otpauth:// URI that authenticator apps read from a QR code. */
export function totpUri(username: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

/**
 * Checks a code at the clock's time. Returns the matched step on success, so the caller can
 * reject a second use of the same code. A token that is not six digits is invalid (never thrown);
 * a secret under 10 bytes or not base32 throws otplib's error.
 */
export async function checkTotp(secret: string, token: string, clock: Clock): Promise<TotpCheck> {
  if (!/^[0-9]{6}$/.test(token)) return { valid: false };

  const result = await verify({ secret, token, epoch: nowSec(clock), epochTolerance: TOTP_TOLERANCE_SEC, guardrails });
  // otplib 13 resolves to an object in every case, so only `.valid` distinguishes success from failure.
  if (result.valid !== true) return { valid: false };
  return { valid: true, timeStep: (result as { timeStep: number }).timeStep };
}
