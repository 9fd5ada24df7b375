import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalRecoveryCode, newRecoveryCodes, RECOVERY_CODE_ALPHABET, RECOVERY_CODE_COUNT, recoveryCodeHash } from "./recovery-codes.ts";

const USER_ID = "0f6c1b2e-4a5d-4e8f-9a7b-3c2d1e0f9a8b";

/** From `printf '%s' "0f6c1b2e-4a5d-4e8f-9a7b-3c2d1e0f9a8b:7k2m9xqah4c8vd3e" | sha256sum` (GNU coreutils). */
const SHA256_OF_VECTOR = "e770e64924169e6c2cbfd3b01a1d2dff5c80bf88e7637f07b0c8475e54f71f4b";

test("new codes are ten distinct grouped codes", () => {
  const codes = newRecoveryCodes();
  assert.is(codes.length, RECOVERY_CODE_COUNT);
  assert.is(RECOVERY_CODE_COUNT, 10);
  assert.is(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
});

test("alphabet is Crockford base32", () => {
  assert.is(RECOVERY_CODE_ALPHABET, "0123456789abcdefghjkmnpqrstvwxyz");
  assert.is(new Set(RECOVERY_CODE_ALPHABET).size, 32);
});

test("hash matches sha256sum of user id and code", () => {
  assert.is(recoveryCodeHash(USER_ID, "7k2m-9xqa-h4c8-vd3e"), SHA256_OF_VECTOR);
});

test("typed variants hash alike", () => {
  for (const typed of ["7K2M-9XQA-H4C8-VD3E", "7k2m 9xqa h4c8 vd3e", "7k2m9xqah4c8vd3e", " 7k2m-9xqa-h4c8-vd3e\n"]) {
    assert.is(recoveryCodeHash(USER_ID, typed), SHA256_OF_VECTOR, JSON.stringify(typed));
  }
});

test("look-alike letters read as digits", () => {
  assert.is(canonicalRecoveryCode("IL0O-aaaa-bbbb-cccc"), "1100aaaabbbbcccc");
});

test("malformed codes have no hash", () => {
  for (const typed of ["", "123456", "7k2m-9xqa-h4c8-vd3", "7k2m-9xqa-h4c8-vd3ee", "7k2m-9xqa-h4c8-vd3u", "7k2m_9xqa_h4c8_vd3e", "7k2m-9xqa-h4c8-vd3\u00e9"]) {
    assert.is(recoveryCodeHash(USER_ID, typed), null, JSON.stringify(typed));
  }
});

test("same code of two users hashes differently", () => {
  const other = "1b6c1b2e-4a5d-4e8f-9a7b-3c2d1e0f9a8b";
  assert.is.not(recoveryCodeHash(other, "7k2m-9xqa-h4c8-vd3e"), SHA256_OF_VECTOR);
});

test.run();
