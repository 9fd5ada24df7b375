import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isFirstStart, KEYGEN_SCRIPT, runKeygen } from "./keygen-step.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Builds a stand-in repository whose key generation script is `body`, with the real node_modules for tsx. */
function fakeRepo(body: string): string {
  const root = mkdtempSync(join(tmpdir(), "launcher-keygen-"));
  symlinkSync(join(REPO_ROOT, "node_modules"), join(root, "node_modules"));
  mkdirSync(join(root, "hosts/node/src/cli"), { recursive: true });
  writeFileSync(join(root, KEYGEN_SCRIPT), body);
  return root;
}

const WRITES_CREDENTIALS = `
import { mkdirSync, writeFileSync } from "node:fs";
const dir = process.argv[process.argv.indexOf("--data-dir") + 1];
mkdirSync(dir, { recursive: true });
writeFileSync(dir + "/admin-credentials.json", JSON.stringify({ username: "admin", password: "p", otpauth_uri: "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP" }));
`;

test("first start is a folder without seed or credentials", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-data-"));

  assert.ok(isFirstStart(join(dir, "missing")), "missing folder");
  assert.ok(isFirstStart(dir), "empty folder");
  mkdirSync(join(dir, "pglite"));
  assert.ok(isFirstStart(dir), "folder left by an interrupted key generation");
  writeFileSync(join(dir, "master-seed"), "x");
  assert.not.ok(isFirstStart(dir), "folder with a master seed");
  rmSync(join(dir, "master-seed"));
  writeFileSync(join(dir, "admin-credentials.json"), "{}");
  assert.not.ok(isFirstStart(dir), "folder with a credentials file");
  rmSync(dir, { recursive: true });
});

test("keygen step passes the data folder and checks the credentials file", async () => {
  const root = fakeRepo(WRITES_CREDENTIALS);
  const dataDir = join(root, "data");

  await runKeygen(root, dataDir, new AbortController().signal);

  assert.not.ok(isFirstStart(dataDir));
  rmSync(root, { recursive: true });
});

test("keygen step reports a failing script", async () => {
  const root = fakeRepo("process.exit(4);");

  const error = await runKeygen(root, join(root, "data"), new AbortController().signal).catch((caught: unknown) => caught);

  assert.match((error as Error).message, "key generation failed (exit code 4, signal null)");
  rmSync(root, { recursive: true });
});

test("keygen step reports a script that writes no credentials", async () => {
  const root = fakeRepo("");

  const error = await runKeygen(root, join(root, "data"), new AbortController().signal).catch((caught: unknown) => caught);

  assert.match((error as Error).message, /key generation wrote no .*admin-credentials.json/);
  rmSync(root, { recursive: true });
});

test("keygen step reports a missing script", async () => {
  const root = mkdtempSync(join(tmpdir(), "launcher-keygen-"));

  const error = await runKeygen(root, join(root, "data"), new AbortController().signal).catch((caught: unknown) => caught);

  assert.match((error as Error).message, `key generation script ${KEYGEN_SCRIPT} not found`);
  rmSync(root, { recursive: true });
});

test.run();
