/**
 * Encryption at rest for small secrets (TOTP secrets in users.totp_secret_enc).
 *
 * AES-256-GCM with a key derived from the master seed by HKDF-SHA256 (RFC 5869) under a fixed
 * info string, so the database alone does not reveal the secrets. Each value gets a random
 * 12-byte IV. The caller's `context` (the user id) is bound as associated data, so a sealed value
 * copied to another row does not open there.
 *
 * Text format, version 1: `v1.<iv>.<ciphertext>.<tag>`, each part base64url without padding.
 * A later version gets a new prefix; `open` rejects prefixes it does not know.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const HKDF_INFO = "homemesh/secret-box/v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = "v1";

/** A sealed value that is malformed, from an unknown version, or fails authentication. */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

export interface SecretBox {
  /** Encrypts `plaintext` bound to `context`; returns the text format above. */
  seal(plaintext: string, context: string): string;
  /** Decrypts a sealed value; throws SecretBoxError when it is malformed or was sealed under another key or context. */
  open(sealed: string, context: string): string;
}

/** Creates a box whose key derives from the master seed. */
export function createSecretBox(masterSeed: Uint8Array): SecretBox {
  const key = Buffer.from(hkdfSync("sha256", masterSeed, Buffer.alloc(0), HKDF_INFO, KEY_BYTES));

  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
      return [FORMAT_VERSION, ...parts].join(".");
    },

    open(sealed, context) {
      const [version, ...parts] = sealed.split(".");
      if (version !== FORMAT_VERSION) throw new SecretBoxError(`sealed value has version ${JSON.stringify(version)}, expected ${FORMAT_VERSION}`);
      if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]*$/.test(part))) {
        throw new SecretBoxError("sealed value must have 4 dot-separated parts: version, iv, ciphertext, tag (base64url)");
      }

      const [iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, "base64url")) as [Buffer, Buffer, Buffer];
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new SecretBoxError(`sealed value has a ${iv.length}-byte iv and a ${tag.length}-byte tag, expected ${IV_BYTES} and ${TAG_BYTES}`);
      }

      const decipher = createDecipheriv("aes-256-gcm", key, iv);
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
      } catch {
        throw new SecretBoxError("sealed value failed authentication: wrong master seed, wrong context, or altered data");
      }
    },
  };
}
