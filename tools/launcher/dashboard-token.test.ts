import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { dashboardTokenPath, dashboardTokenSha256, ensureDashboardToken } from "./dashboard-token.ts";

test("first call creates a private token, later calls reuse it", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-token-"));
  const token = ensureDashboardToken(dir);

  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.is(statSync(dashboardTokenPath(dir)).mode & 0o777, 0o600);
  assert.is(ensureDashboardToken(dir), token);
  rmSync(dir, { recursive: true });
});

test("file without a token throws", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-token-"));
  writeFileSync(dashboardTokenPath(dir), "short\n");

  assert.throws(() => ensureDashboardToken(dir), /no valid dashboard token/);
  rmSync(dir, { recursive: true });
});

test("token hash is base64 SHA-256", () => {
  // SHA-256 of "abc" from FIPS 180-2, appendix B.1.
  assert.is(Buffer.from(dashboardTokenSha256("abc"), "base64").toString("hex"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test.run();
