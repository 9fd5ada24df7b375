/**
 * The TOTP code (RFC 6238) that the launcher sends when it logs in as the admin, computed from the
 * otpauth URI that the key generation script wrote. The URI format is the Key Uri Format of Google
 * Authenticator: otpauth://totp/LABEL?secret=BASE32&algorithm=SHA1&digits=6&period=30.
 */
import { createGuardrails, generate } from "otplib";

export interface TotpParameters {
  /** The shared secret in base32 (RFC 4648). */
  secret: string;
  algorithm: "sha1" | "sha256" | "sha512";
  digits: number;
  period: number;
}

// otplib 13 rejects secrets under 16 bytes by default, but RFC 4226 allows 10 (80 bits), which some
// authenticator setups use.
const GUARDRAILS = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** Reads the TOTP parameters of an otpauth:// URI; throws naming the part that is missing or invalid. */
export function parseOtpauthUri(uri: string): TotpParameters {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new Error("otpauth URI is not a valid URL");
  }
  if (url.protocol !== "otpauth:" || url.host !== "totp") throw new Error(`otpauth URI must start with otpauth://totp/, got ${url.protocol}//${url.host}/`);

  const secret = url.searchParams.get("secret");
  if (!secret || !/^[A-Z2-7]+=*$/i.test(secret)) throw new Error("otpauth URI has a missing or non-base32 secret");

  const algorithm = (url.searchParams.get("algorithm") ?? "SHA1").toLowerCase();
  if (algorithm !== "sha1" && algorithm !== "sha256" && algorithm !== "sha512") throw new Error(`otpauth URI algorithm ${algorithm} is not SHA1, SHA256 or SHA512`);

  const digits = Number(url.searchParams.get("digits") ?? "6");
  if (!Number.isInteger(digits) || digits < 6 || digits > 8) throw new Error(`otpauth URI digits ${digits} must be 6 to 8`);
  const period = Number(url.searchParams.get("period") ?? "30");
  if (!Number.isInteger(period) || period < 1) throw new Error(`otpauth URI period ${period} must be a positive whole number of seconds`);

  return { secret: secret.toUpperCase(), algorithm, digits, period };
}

/** Returns the TOTP code for the otpauth URI at `epochSec` (Unix seconds). */
export async function totpCodeFromUri(uri: string, epochSec: number): Promise<string> {
  const { secret, algorithm, digits, period } = parseOtpauthUri(uri);
  return generate({ secret, algorithm, digits, period, epoch: epochSec, guardrails: GUARDRAILS });
}
