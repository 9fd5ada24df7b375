/**
 * Ed25519 through node:crypto (OpenSSL), a second implementation that tests use to check what the
 * encoder signed with tweetnacl.
 */
import { createPrivateKey, createPublicKey, verify, type KeyObject } from "node:crypto";

// DER prefixes of a PKCS#8 private key and an SPKI public key for Ed25519 (RFC 8410), before the 32 raw bytes.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Returns the raw 32-byte public key that OpenSSL derives from a 32-byte seed. */
export function nodePublicKeyFromSeed(seed: Uint8Array): Buffer {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const der = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return der.subarray(SPKI_ED25519_PREFIX.length);
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: "der", type: "spki" });
}

/** Returns whether `signature` is a valid Ed25519 signature of `message` under the raw public key. */
export function nodeVerify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  return verify(null, message, publicKeyObject(publicKey), signature);
}
