import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertRejects } from "../testing/assert.ts";
import { hashPassword, verifyPassword } from "./password.ts";

/*
 * RFC 7914 section 12, second vector: scrypt(P="password", S="NaCl", N=1024, r=8, p=16, dkLen=64),
 * the key "fdbabe1c9d34...cc0640" recomputed with Python's hashlib.scrypt and written here in the
 * PHC format (base64 without padding).
 */
const RFC7914_PHC = "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA";

test("verifyPassword accepts the RFC 7914 vector", async () => {
  assert.is(await verifyPassword("password", RFC7914_PHC), true);
});

test("verifyPassword rejects a wrong password for the vector", async () => {
  assert.is(await verifyPassword("Password", RFC7914_PHC), false);
});

test("hashPassword output verifies", async () => {
  const encoded = await hashPassword("correct horse battery staple");
  assert.match(encoded, /^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.is(await verifyPassword("correct horse battery staple", encoded), true);
  assert.is(await verifyPassword("correct horse battery stapler", encoded), false);
});

test("hashPassword salts every hash", async () => {
  assert.is.not(await hashPassword("same"), await hashPassword("same"));
});

test("verifyPassword matches composed and decomposed accents", async () => {
  const encoded = await hashPassword("caf\u00e9");
  assert.is(await verifyPassword("cafe\u0301", encoded), true);
});

test("verifyPassword rejects malformed hashes", async () => {
  await assertRejects(verifyPassword("x", "plain"), /not a \$scrypt\$ln=/);
  await assertRejects(verifyPassword("x", "$scrypt$ln=10,r=8,p=1$***$AAAA"), /salt is not base64/);
  await assertRejects(verifyPassword("x", "$scrypt$ln=21,r=8,p=1$TmFDbEFBQUE$" + "A".repeat(43)), /logN 21 is outside 1 to 20/);
  await assertRejects(verifyPassword("x", "$scrypt$ln=10,r=8,p=1$TmFD$" + "A".repeat(43)), /saltBytes 3 is outside 4 to 64/);
});

test.run();
