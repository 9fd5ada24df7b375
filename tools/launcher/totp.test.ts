import { execFileSync } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseOtpauthUri, totpCodeFromUri } from "./totp.ts";

// A 20-byte secret in base32 and a 10-byte one; oathtool (a separate TOTP implementation) computes the expected codes.
const SECRET_20 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const SECRET_10 = "JBSWY3DPEHPK3PXP";

function oathtool(secret: string, epochSec: number, extra: string[] = ["--totp"]): string {
  return execFileSync("oathtool", [...extra, "-b", "-N", `@${epochSec}`, secret], { encoding: "utf8" }).trim();
}

test("TOTP code equals oathtool for a 20-byte secret", async () => {
  for (const epochSec of [1764871200, 1764871229, 1764871230, 2000000000]) {
    const uri = `otpauth://totp/homemesh:admin?secret=${SECRET_20}&issuer=homemesh&algorithm=SHA1&digits=6&period=30`;

    assert.is(await totpCodeFromUri(uri, epochSec), oathtool(SECRET_20, epochSec), `at ${epochSec}`);
  }
});

test("TOTP code equals oathtool for a 10-byte secret", async () => {
  const uri = `otpauth://totp/admin?secret=${SECRET_10}`;

  assert.is(await totpCodeFromUri(uri, 1764871200), oathtool(SECRET_10, 1764871200));
});

test("TOTP code follows the URI's digits and algorithm", async () => {
  const uri = `otpauth://totp/admin?secret=${SECRET_20}&algorithm=SHA256&digits=8&period=60`;

  assert.is(await totpCodeFromUri(uri, 1764871200), oathtool(SECRET_20, 1764871200, ["--totp=sha256", "--digits=8", "--time-step-size=60s"]));
});

const badUris: Array<[string, string, RegExp]> = [
  ["text that is not a URL", "not a uri", /not a valid URL/],
  ["an hotp URI", `otpauth://hotp/admin?secret=${SECRET_20}`, /must start with otpauth:\/\/totp\//],
  ["a missing secret", "otpauth://totp/admin?issuer=x", /missing or non-base32 secret/],
  ["a secret with a 1", "otpauth://totp/admin?secret=ABC1", /missing or non-base32 secret/],
  ["an MD5 algorithm", `otpauth://totp/admin?secret=${SECRET_20}&algorithm=MD5`, /algorithm md5 is not SHA1/],
  ["5 digits", `otpauth://totp/admin?secret=${SECRET_20}&digits=5`, /digits 5 must be 6 to 8/],
  ["a zero period", `otpauth://totp/admin?secret=${SECRET_20}&period=0`, /period 0 must be a positive/],
];

for (const [name, uri, message] of badUris) {
  test(`otpauth parser rejects ${name}`, () => {
    assert.throws(() => parseOtpauthUri(uri), message);
  });
}

test.run();
