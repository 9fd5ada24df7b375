/**
 * The core's `env.ed25519_verify` import, backed by node:crypto. node:crypto takes keys as
 * KeyObjects, so a raw 32-byte public key is wrapped in an Ed25519 SubjectPublicKeyInfo (RFC 8410)
 * first.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";

/** DER of SubjectPublicKeyInfo { AlgorithmIdentifier { id-Ed25519 }, BIT STRING of 32 bytes }, minus the key. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

const ED25519_KEY_LEN = 32;
const ED25519_SIGNATURE_LEN = 64;

/** Keys seen recently; a home base's key verifies every one of its requests. */
const KEY_CACHE_MAX_ENTRIES = 256;

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_KEY_LEN) {
    throw new RangeError(`ed25519 public key length ${raw.length} is not ${ED25519_KEY_LEN}`);
  }
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: "der", type: "spki" });
}

/**
 * Builds the import: it reads signature, message and key from the core's memory and returns 1 when
 * node:crypto accepts the signature, 0 otherwise (including keys that are not valid points).
 */
export function makeEd25519Verify(memory: () => WebAssembly.Memory) {
  const keys = new Map<string, KeyObject | null>();

  function keyFor(raw: Uint8Array): KeyObject | null {
    const id = Buffer.from(raw).toString("hex");
    const cached = keys.get(id);
    if (cached !== undefined) return cached;

    let key: KeyObject | null;
    try {
      key = ed25519PublicKey(raw);
    } catch {
      key = null;
    }
    if (keys.size >= KEY_CACHE_MAX_ENTRIES) keys.clear();
    keys.set(id, key);
    return key;
  }

  return function ed25519_verify(sigPtr: number, msgPtr: number, msgLen: number, keyPtr: number): number {
    const bytes = new Uint8Array(memory().buffer);
    const sig = bytes.subarray(sigPtr >>> 0, (sigPtr >>> 0) + ED25519_SIGNATURE_LEN);
    const msg = bytes.subarray(msgPtr >>> 0, (msgPtr >>> 0) + (msgLen >>> 0));
    const key = keyFor(bytes.subarray(keyPtr >>> 0, (keyPtr >>> 0) + ED25519_KEY_LEN));
    if (key === null) return 0;

    try {
      return verify(null, msg, key, sig) ? 1 : 0;
    } catch {
      return 0;
    }
  };
}
