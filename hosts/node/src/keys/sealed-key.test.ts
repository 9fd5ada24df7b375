import { test } from "uvu";
import * as assert from "uvu/assert";
import sodium from "libsodium-wrappers";
import nacl from "tweetnacl";
import { assertRejects } from "../testing/assert.ts";
import { sealNewKey } from "./sealed-key.ts";

test("sealed seed opens only with the current key", async () => {
  await sodium.ready;
  const current = nacl.sign.keyPair.fromSeed(Buffer.alloc(32, 9));
  const other = nacl.sign.keyPair.fromSeed(Buffer.alloc(32, 10));
  const newSeed = Buffer.alloc(32, 0xab);

  const sealed = await sealNewKey(newSeed, current.publicKey);
  assert.is(sealed.length, 80);
  assert.is(sealed.toString("base64").length, 108);

  const open = (pair: nacl.SignKeyPair) =>
    sodium.crypto_box_seal_open(sealed, sodium.crypto_sign_ed25519_pk_to_curve25519(pair.publicKey), sodium.crypto_sign_ed25519_sk_to_curve25519(pair.secretKey));
  assert.equal(Buffer.from(open(current)), newSeed);
  assert.throws(() => open(other));
});

test("two seals of one seed differ", async () => {
  const current = nacl.sign.keyPair.fromSeed(Buffer.alloc(32, 9));
  const first = await sealNewKey(Buffer.alloc(32, 1), current.publicKey);
  const second = await sealNewKey(Buffer.alloc(32, 1), current.publicKey);
  assert.not.equal(first, second);
});

test("wrong lengths are rejected", async () => {
  await assertRejects(sealNewKey(Buffer.alloc(31), Buffer.alloc(32)), /new seed length 31 is not 32/);
  await assertRejects(sealNewKey(Buffer.alloc(32), Buffer.alloc(33)), /public key length 33 is not 32/);
});

test.run();
