import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSecretBox } from "./secret-box.ts";

const SEED = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

/*
 * Made with Python's `cryptography` 48.0.0, independently of this module:
 *   key = HKDF(SHA256(), length=32, salt=None, info=b"homemesh/secret-box/v1").derive(bytes(range(32)))
 *   ct  = AESGCM(key).encrypt(bytes(range(100, 112)), b"JBSWY3DPEHPK3PXP", b"user-1")
 *   "v1." + b64url(iv) + "." + b64url(ct[:-16]) + "." + b64url(ct[-16:]), padding stripped
 */
const PYTHON_SEALED = "v1.ZGVmZ2hpamtsbW5v.G4Ol7y94Fsyzas8pIa858g.vmCrTfuMhw1AN7DBoZLqTg";

test("open reads a value sealed by Python", () => {
  assert.is(createSecretBox(SEED).open(PYTHON_SEALED, "user-1"), "JBSWY3DPEHPK3PXP");
});

test("seal then open returns the plaintext", () => {
  const box = createSecretBox(SEED);
  assert.is(box.open(box.seal("GEZDGNBVGY3TQOJQ", "user-2"), "user-2"), "GEZDGNBVGY3TQOJQ");
});

test("seal uses a fresh iv each time", () => {
  const box = createSecretBox(SEED);
  const first = box.seal("same", "ctx");
  const second = box.seal("same", "ctx");
  assert.is.not(first, second);
  assert.is.not(first.split(".")[1], second.split(".")[1]);
});

test("open rejects another context", () => {
  assert.throws(() => createSecretBox(SEED).open(PYTHON_SEALED, "user-2"), /failed authentication/);
});

test("open rejects another master seed", () => {
  assert.throws(() => createSecretBox(Buffer.alloc(32, 1)).open(PYTHON_SEALED, "user-1"), /failed authentication/);
});

test("open rejects an altered ciphertext", () => {
  const parts = PYTHON_SEALED.split(".");
  parts[2] = "H" + parts[2]!.slice(1);
  assert.throws(() => createSecretBox(SEED).open(parts.join("."), "user-1"), /failed authentication/);
});

test("open rejects an unknown version", () => {
  assert.throws(() => createSecretBox(SEED).open("v2" + PYTHON_SEALED.slice(2), "user-1"), /version "v2", expected v1/);
});

test("open rejects a malformed value", () => {
  const box = createSecretBox(SEED);
  assert.throws(() => box.open("v1.abc", "user-1"), /4 dot-separated parts/);
  assert.throws(() => box.open("v1.a+b.c.d", "user-1"), /4 dot-separated parts/);
  assert.throws(() => box.open("v1.AAAA.AAAA.AAAA", "user-1"), /3-byte iv and a 3-byte tag, expected 12 and 16/);
});

test.run();
