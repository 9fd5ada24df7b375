/**
 * The sealed new key of `rotate_key` (docs/protocol.md section 7): the new 32-byte seed sealed with
 * libsodium's crypto_box_seal to the Curve25519 form of the device's current Ed25519 public key.
 * Only the holder of the current private key can open it.
 */
import sodium from "libsodium-wrappers";

export const SEALED_KEY_LEN = 80;
const SEED_LEN = 32;

/**
 * Seals `newSeed` to `currentPublicKey`; returns the 80 bytes (ephemeral public key, MAC, ciphertext).
 * Throws RangeError for inputs of the wrong length, and libsodium's error for a public key that is
 * not a valid Ed25519 point.
 */
export async function sealNewKey(newSeed: Uint8Array, currentPublicKey: Uint8Array): Promise<Buffer> {
  if (newSeed.length !== SEED_LEN) throw new RangeError(`new seed length ${newSeed.length} is not ${SEED_LEN}`);
  if (currentPublicKey.length !== 32) throw new RangeError(`public key length ${currentPublicKey.length} is not 32`);
  await sodium.ready;

  const recipient = sodium.crypto_sign_ed25519_pk_to_curve25519(currentPublicKey);
  const sealed = Buffer.from(sodium.crypto_box_seal(newSeed, recipient));
  if (sealed.length !== SEALED_KEY_LEN) throw new Error(`crypto_box_seal returned ${sealed.length} bytes, expected ${SEALED_KEY_LEN}`);
  return sealed;
}
