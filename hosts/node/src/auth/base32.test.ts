// TOTP secrets travel as base32 (RFC 4648 section 6) in otpauth URIs. otplib decodes them with its
// default plugin, ScureBase32Plugin; this checks that codec against the RFC's own test vectors.
import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ScureBase32Plugin } from "otplib";

interface Base32Vector {
  inputHex: string;
  output: string;
}

const vectorFile = JSON.parse(readFileSync(new URL("../../../../core/vectors/base32-rfc4648.json", import.meta.url), "utf8")) as {
  base32: Base32Vector[];
};

const codec = new ScureBase32Plugin();

test("RFC 4648 base32 vectors are all present", () => {
  assert.is(vectorFile.base32.length, 7);
});

for (const vector of vectorFile.base32) {
  const unpadded = vector.output.replace(/=+$/, "");

  test(`base32 encodes "${vector.inputHex}" without padding`, () => {
    assert.is(codec.encode(Buffer.from(vector.inputHex, "hex")), unpadded);
  });

  test(`base32 decodes "${vector.output}" padded and unpadded`, () => {
    assert.is(Buffer.from(codec.decode(vector.output)).toString("hex"), vector.inputHex);
    assert.is(Buffer.from(codec.decode(unpadded)).toString("hex"), vector.inputHex);
  });
}

test.run();
