import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const TYPES_FILE = join(ROOT, "hosts/node/src/api/openapi-types.ts");
/** Both tools run offline: no telemetry, no update check. */
const OFFLINE_ENV = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

test("redocly lint finds no errors or warnings", () => {
  const output = execFileSync(join(ROOT, "node_modules/.bin/redocly"), ["lint", "openapi.yaml", "--format=json"], { cwd: ROOT, env: OFFLINE_ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const report = JSON.parse(output) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string }[] };
  const listed = report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`).join("\n");
  assert.is(report.totals.errors, 0, listed);
  assert.is(report.totals.warnings, 0, listed);
});

test("openapi-types.ts is generated from the current openapi.yaml", () => {
  const dir = mkdtempSync(join(tmpdir(), "homemesh-openapi-types-"));
  try {
    const fresh = join(dir, "openapi-types.ts");
    execFileSync(join(ROOT, "node_modules/.bin/openapi-typescript"), ["openapi.yaml", "-o", fresh], { cwd: ROOT, env: OFFLINE_ENV, stdio: ["ignore", "pipe", "pipe"] });
    assert.ok(readFileSync(fresh, "utf8") === readFileSync(TYPES_FILE, "utf8"), "hosts/node/src/api/openapi-types.ts is stale; run make api-types");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
