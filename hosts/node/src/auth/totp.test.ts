import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../clock.ts";
import { checkTotp, newTotpSecret, totpUri } from "./totp.ts";

interface TotpVector {
  time: number;
  totp: string;
  mode: string;
}

const vectorFile = JSON.parse(readFileSync(new URL("../../../../core/vectors/totp-rfc6238.json", import.meta.url), "utf8")) as {
  totp: { seeds: { SHA1: { ascii: string } }; vectors: TotpVector[] };
};

/** The RFC 6238 SHA-1 seed "12345678901234567890" in base32, from `printf 12345678901234567890 | base32` (GNU coreutils). */
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** A 10-byte secret ("1234567890"), the shortest that checkTotp accepts. */
const SHORT_SECRET = "GEZDGNBVGY3TQOJQ";

const START_SEC = 1_767_225_600;

/** Computes the code for `secret` at `unixSec` with the independent oathtool (OATH Toolkit). */
function oathtoolCode(secret: string, unixSec: number): string {
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${unixSec}`, secret], { encoding: "utf8" }).trim();
}

test("RFC 6238 vector seed matches the base32 secret", () => {
  assert.is(vectorFile.totp.seeds.SHA1.ascii, "12345678901234567890");
});

for (const vector of vectorFile.totp.vectors.filter((candidate) => candidate.mode === "SHA1")) {
  test(`RFC 6238 SHA-1 code at ${vector.time} is valid`, async () => {
    // A 6-digit code is the last 6 digits of the 8-digit one: both reduce the same 31-bit value.
    const result = await checkTotp(RFC_SECRET, vector.totp.slice(-6), new ManualClock(vector.time * 1000));
    assert.equal(result, { valid: true, timeStep: Math.floor(vector.time / 30) });
  });
}

test("oathtool code is valid at its time", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  assert.is((await checkTotp(RFC_SECRET, oathtoolCode(RFC_SECRET, START_SEC), clock)).valid, true);
});

test("adjacent steps are valid", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  assert.is((await checkTotp(RFC_SECRET, oathtoolCode(RFC_SECRET, START_SEC - 30), clock)).valid, true);
  assert.is((await checkTotp(RFC_SECRET, oathtoolCode(RFC_SECRET, START_SEC + 30), clock)).valid, true);
});

test("steps two away are invalid", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  assert.is((await checkTotp(RFC_SECRET, oathtoolCode(RFC_SECRET, START_SEC - 60), clock)).valid, false);
  assert.is((await checkTotp(RFC_SECRET, oathtoolCode(RFC_SECRET, START_SEC + 60), clock)).valid, false);
});

test("code expires as the clock moves", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  const code = oathtoolCode(RFC_SECRET, START_SEC);
  clock.advanceSec(90);
  assert.is((await checkTotp(RFC_SECRET, code, clock)).valid, false);
});

test("10-byte secret is accepted", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  assert.is((await checkTotp(SHORT_SECRET, oathtoolCode(SHORT_SECRET, START_SEC), clock)).valid, true);
});

test("new secret is 20 bytes and works with oathtool", async () => {
  const secret = newTotpSecret();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const clock = new ManualClock(START_SEC * 1000);
  assert.is((await checkTotp(secret, oathtoolCode(secret, START_SEC), clock)).valid, true);
});

test("malformed tokens are invalid", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  const code = oathtoolCode(RFC_SECRET, START_SEC);
  for (const token of ["", "12345", "1234567", "12345a", ` ${code.slice(1)}`, `${code}\n`]) {
    assert.equal(await checkTotp(RFC_SECRET, token, clock), { valid: false }, `token ${JSON.stringify(token)}`);
  }
});

test("wrong code is invalid", async () => {
  const clock = new ManualClock(START_SEC * 1000);
  const code = oathtoolCode(RFC_SECRET, START_SEC);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
  assert.equal(await checkTotp(RFC_SECRET, wrong, clock), { valid: false });
});

test("uri names the issuer and the user", () => {
  assert.is(totpUri("admin", RFC_SECRET), `otpauth://totp/homemesh:admin?secret=${RFC_SECRET}&issuer=homemesh`);
});

test.run();
