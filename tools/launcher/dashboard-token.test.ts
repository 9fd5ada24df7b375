import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dashboardTokenPath, dashboardTokenSha256, ensureDashboardToken } from "./dashboard-token.ts";

test("dashboard token is created once and kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-token-"));
  try {
    const first = ensureDashboardToken(dir);
    assert.match(first, /^[A-Za-z0-9_-]{43}$/);
    assert.is(statSync(dashboardTokenPath(dir)).mode & 0o777, 0o600);
    assert.is(ensureDashboardToken(dir), first);
    assert.equal(JSON.parse(readFileSync(dashboardTokenPath(dir), "utf8")), { token: first });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dashboard token file with a bad token is rejected", () => {
  const dir = mkdtempSync(join(tmpdir(), "dashboard-token-"));
  try {
    writeFileSync(dashboardTokenPath(dir), JSON.stringify({ token: "short" }));
    assert.throws(() => ensureDashboardToken(dir), /no 43-character base64url token/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dashboard token hash is base64 SHA-256", () => {
  // FIPS 180-2's example: SHA-256("abc").
  assert.is(dashboardTokenSha256("abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
});

test.run();
