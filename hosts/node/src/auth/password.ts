/**
 * Password hashing with scrypt (RFC 7914) from node:crypto.
 *
 * Parameters for new hashes: N = 2^15, r = 8, p = 1, a 16-byte random salt and a 32-byte key.
 * That costs 32 MiB of memory (128 * N * r bytes) and on the order of 100 ms per hash, an estimate
 * for a current x86-64 core. Hashes are stored in the PHC string format, so a later change of
 * parameters still verifies old hashes:
 *
 *   $scrypt$ln=15,r=8,p=1$<salt>$<key>     (salt and key in base64 without padding)
 *
 * Passwords are NFC-normalised first, so the same text typed on systems that compose accents
 * differently gives the same hash.
 *
 * Stored parameters are bounded (ln 1 to 20, r 1 to 32, p 1 to 16, salt 4 to 64 bytes, key 16 to
 * 64 bytes) so that a corrupted row cannot make one login allocate gigabytes. The 4-byte salt
 * minimum admits the RFC 7914 test vector; new hashes always use 16 bytes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

export const SCRYPT_LOG_N = 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;

const LIMITS = { logN: [1, 20], r: [1, 32], p: [1, 16], saltBytes: [4, 64], keyBytes: [16, 64] } as const;

/** A stored hash that is not a PHC scrypt string within the bounds above. */
export class PasswordHashError extends Error {
  override name = "PasswordHashError";
}

interface ScryptParameters {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function deriveKey(password: string, salt: Buffer, keyBytes: number, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  // node:crypto rejects a cost above maxmem (default 32 MiB); 128 * N * r is scrypt's main buffer.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 128 * r * p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password with a fresh salt; returns the PHC string. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P);
  return `$scrypt$ln=${SCRYPT_LOG_N},r=${SCRYPT_R},p=${SCRYPT_P}$${toB64(salt)}$${toB64(key)}`;
}

/**
 * Checks a password against a stored PHC string in constant time. Returns false for a wrong
 * password; throws PasswordHashError when the stored string is malformed.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const stored = parseHash(encoded);
  const key = await deriveKey(password, stored.salt, stored.key.length, stored.logN, stored.r, stored.p);
  return timingSafeEqual(key, stored.key);
}

function toB64(bytes: Buffer): string {
  return bytes.toString("base64").replace(/=+$/, "");
}

function fromB64(text: string, field: string): Buffer {
  if (!/^[A-Za-z0-9+/]+$/.test(text)) throw new PasswordHashError(`password hash ${field} is not base64`);
  return Buffer.from(text, "base64");
}

function inRange(name: keyof typeof LIMITS, value: number): number {
  const [min, max] = LIMITS[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PasswordHashError(`password hash ${name} ${value} is outside ${min} to ${max}`);
  }
  return value;
}

function parseHash(encoded: string): ScryptParameters {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([^$]+)\$([^$]+)$/.exec(encoded);
  if (!match) throw new PasswordHashError("password hash is not a $scrypt$ln=..,r=..,p=..$salt$key string");

  const salt = fromB64(match[4]!, "salt");
  const key = fromB64(match[5]!, "key");
  inRange("saltBytes", salt.length);
  inRange("keyBytes", key.length);
  return { logN: inRange("logN", Number(match[1])), r: inRange("r", Number(match[2])), p: inRange("p", Number(match[3])), salt, key };
}
