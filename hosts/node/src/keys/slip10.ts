/**
 * SLIP-0010 key derivation for ed25519 (https://github.com/satoshilabs/slips/blob/master/slip-0010.md).
 * The ed25519 curve allows hardened derivation only, so every index is hardened: index i is
 * derived as i + 2^31. HMAC-SHA512 comes from node:crypto, and the public key from tweetnacl
 * (RFC 8032 key generation from the 32-byte private key, used as the seed).
 */
import { createHmac } from "node:crypto";
import nacl from "tweetnacl";

/** The HMAC key for the master node, fixed by SLIP-0010 for ed25519. */
const MASTER_HMAC_KEY = Buffer.from("ed25519 seed", "ascii");

/** The offset that marks an index as hardened; indexes below it are the caller's. */
export const HARDENED_OFFSET = 0x8000_0000;

/** SLIP-0010 allows master seeds of 16 to 64 bytes (BIP-32's range). */
export const SEED_MIN_BYTES = 16;
export const SEED_MAX_BYTES = 64;

export interface Slip10Node {
  /** The 32-byte ed25519 private key, which is the RFC 8032 seed. */
  privateKey: Buffer;
  chainCode: Buffer;
}

function hmacSha512(key: Buffer, data: Buffer): Slip10Node {
  const digest = createHmac("sha512", key).update(data).digest();
  return { privateKey: digest.subarray(0, 32), chainCode: digest.subarray(32, 64) };
}

/** Derives the master node from a seed; throws RangeError for a seed outside 16 to 64 bytes. */
export function masterNode(seed: Uint8Array): Slip10Node {
  if (seed.length < SEED_MIN_BYTES || seed.length > SEED_MAX_BYTES) {
    throw new RangeError(`seed length ${seed.length} is outside ${SEED_MIN_BYTES} to ${SEED_MAX_BYTES} bytes`);
  }
  return hmacSha512(MASTER_HMAC_KEY, Buffer.from(seed));
}

/** Derives the hardened child `index'` of `parent`; `index` is below 2^31 and gets the offset added here. */
export function hardenedChild(parent: Slip10Node, index: number): Slip10Node {
  if (!Number.isInteger(index) || index < 0 || index >= HARDENED_OFFSET) {
    throw new RangeError(`index ${index} is not an integer from 0 to ${HARDENED_OFFSET - 1}`);
  }

  const data = Buffer.alloc(1 + 32 + 4);
  data[0] = 0x00;
  parent.privateKey.copy(data, 1);
  data.writeUInt32BE(index + HARDENED_OFFSET, 33);
  return hmacSha512(parent.chainCode, data);
}

/**
 * Parses a path such as `m/0'/1'` into unhardened index numbers ([0, 1]). Throws RangeError for a
 * path that does not start with `m` or that has an index without the hardened mark.
 */
export function parsePath(derivationPath: string): number[] {
  const parts = derivationPath.split("/");
  if (parts[0] !== "m") throw new RangeError(`derivation path ${JSON.stringify(derivationPath)} does not start with "m"`);

  return parts.slice(1).map((part) => {
    const match = /^(0|[1-9][0-9]{0,9})'$/.exec(part);
    const index = match ? Number(match[1]) : NaN;
    if (!match || index >= HARDENED_OFFSET) {
      throw new RangeError(`path segment ${JSON.stringify(part)} is not a hardened index from 0' to ${HARDENED_OFFSET - 1}'`);
    }
    return index;
  });
}

/** Derives the node at `derivationPath` (for example `m/3'/1'`) from a seed. */
export function deriveNode(seed: Uint8Array, derivationPath: string): Slip10Node {
  return parsePath(derivationPath).reduce(hardenedChild, masterNode(seed));
}

/** Returns the 32-byte ed25519 public key of a private key (SLIP-0010 prefixes it with 0x00; this does not). */
export function publicKeyOf(privateKey: Uint8Array): Buffer {
  return Buffer.from(nacl.sign.keyPair.fromSeed(privateKey).publicKey);
}
