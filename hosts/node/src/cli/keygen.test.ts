import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { verifyPassword } from "../auth/password.ts";
import { recoveryCodeHash } from "../auth/recovery-codes.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { ManualClock, nowSec } from "../clock.ts";
import { openDatabase } from "../db/connect.ts";
import { createMemoryLogger } from "../logger.ts";
import { parseServerConfig } from "../server/config.ts";
import { startServer } from "../server.ts";
import { openTestDatabaseUrl } from "../testing/db.ts";
import { PASSWORD_ALPHABET } from "./password.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const KEYGEN = path.join(REPO_ROOT, "hosts/node/src/cli/keygen.ts");

interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

let dataDir: string;
let database: { url: string | undefined; close(): Promise<void> };

test.before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), "homemesh-keygen-"));
  database = await openTestDatabaseUrl();
});

test.after(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await database.close();
});

/** Runs the script as its own process, the way a user runs it. */
function keygen(...args: string[]): Promise<RunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: "", DATABASE_URL: database.url ?? "" };
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", KEYGEN, "--data-dir", dataDir, ...args], { cwd: REPO_ROOT, env }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

function readCredentials(): { username: string; password: string; otpauth_uri: string } {
  return JSON.parse(readFileSync(path.join(dataDir, "admin-credentials.json"), "utf8"));
}

async function adminRows() {
  const db = openDatabase({ databaseUrl: database.url, dataDir });
  try {
    return await db("users").select("username", "password_hash", "role");
  } finally {
    await db.destroy();
  }
}

test("keygen writes seed and credentials with mode 0600", async () => {
  const run = await keygen();
  assert.is(run.status, 0, run.stderr);

  for (const file of ["master-seed", "admin-credentials.json"]) {
    assert.is(statSync(path.join(dataDir, file)).mode & 0o777, 0o600, file);
  }
  assert.match(readFileSync(path.join(dataDir, "master-seed"), "utf8"), /^[0-9a-f]{64}\n$/);

  const credentials = readCredentials();
  assert.equal(Object.keys(credentials).sort(), ["otpauth_uri", "password", "username"]);
  assert.is(credentials.username, "admin");
  assert.match(credentials.otpauth_uri, /^otpauth:\/\/totp\/homemesh:admin\?secret=[A-Z2-7]{32}&issuer=homemesh$/);
});

test("keygen prints the credentials and a QR code", async () => {
  const credentials = readCredentials();
  const rerun = await keygen("--force");
  assert.is(rerun.status, 0, rerun.stderr);
  const fresh = readCredentials();
  assert.is.not(fresh.password, credentials.password);
  assert.ok(rerun.stdout.includes(`username: admin`));
  assert.ok(rerun.stdout.includes(`password: ${fresh.password}`));
  assert.ok(rerun.stdout.includes(fresh.otpauth_uri));
  assert.match(rerun.stdout, /[▄▀█]{20,}/);
});

test("generated password is strong and printable", () => {
  const { password } = readCredentials();
  assert.match(password, /^[A-Za-z0-9]{6}(-[A-Za-z0-9]{6}){3}$/);
  for (const char of password.replaceAll("-", "")) assert.ok(PASSWORD_ALPHABET.includes(char), char);
});

test("admin is stored with a hash of the printed password", async () => {
  const rows = await adminRows();
  assert.is(rows.length, 1);
  assert.is(rows[0].role, "admin");
  assert.is(await verifyPassword(readCredentials().password, rows[0].password_hash), true);
});

test("keygen refuses a second run", async () => {
  const seedBefore = readFileSync(path.join(dataDir, "master-seed"), "utf8");
  const run = await keygen();
  assert.is(run.status, 3);
  assert.match(run.stderr, /master-seed already exists; pass --force/);
  assert.is(readFileSync(path.join(dataDir, "master-seed"), "utf8"), seedBefore);
});

test("keygen refuses an existing user without the files", async () => {
  rmSync(path.join(dataDir, "master-seed"));
  rmSync(path.join(dataDir, "admin-credentials.json"));
  const run = await keygen();
  assert.is(run.status, 3);
  assert.match(run.stderr, /user admin already exists in the database; pass --force/);
});

test("keygen refuses a username differing in case", async () => {
  const run = await keygen("--username", "ADMIN");
  assert.is(run.status, 3);
  assert.match(run.stderr, /user admin already exists in the database; pass --force/);
});

test("--force replaces seed and admin", async () => {
  const run = await keygen("--force", "--json");
  assert.is(run.status, 0, run.stderr);
  const seedBefore = readFileSync(path.join(dataDir, "master-seed"), "utf8");

  const again = await keygen("--force", "--json");
  assert.is(again.status, 0, again.stderr);
  assert.is.not(readFileSync(path.join(dataDir, "master-seed"), "utf8"), seedBefore);

  const rows = await adminRows();
  assert.is(rows.length, 1);
  assert.is(await verifyPassword(JSON.parse(again.stdout).password, rows[0].password_hash), true);
});

test("--json prints one JSON object", async () => {
  const run = await keygen("--force", "--json", "--username", "ops@home");
  assert.is(run.status, 0, run.stderr);
  assert.is(run.stdout.trim().split("\n").length, 1);

  const output = JSON.parse(run.stdout);
  assert.is(output.username, "ops@home");
  assert.equal(readCredentials(), { username: output.username, password: output.password, otpauth_uri: output.otpauth_uri });
  assert.is(output.master_seed_file, path.join(dataDir, "master-seed"));
  assert.is(output.credentials_file, path.join(dataDir, "admin-credentials.json"));
});

test("keygen prints ten recovery codes once", async () => {
  const json = await keygen("--force", "--json");
  assert.is(json.status, 0, json.stderr);
  const codes: string[] = JSON.parse(json.stdout).recovery_codes;
  assert.is(codes.length, 10);
  for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  assert.not.ok(readFileSync(path.join(dataDir, "admin-credentials.json"), "utf8").includes(codes[0]!), "codes are not in the credentials file");

  const db = openDatabase({ databaseUrl: database.url, dataDir });
  try {
    const user = await db("users").where("username", "admin").first("id");
    const stored = (await db("recovery_codes").where("user_id", user.id)).map((row: { code_hash: string }) => row.code_hash).sort();
    assert.equal(stored, codes.map((code) => recoveryCodeHash(user.id, code)).sort());
  } finally {
    await db.destroy();
  }

  const text = await keygen("--force");
  assert.is(text.status, 0, text.stderr);
  const printed = text.stdout.split("\n").filter((line) => /^  [0-9a-z]{4}(-[0-9a-z]{4}){3}$/.test(line));
  assert.is(printed.length, 10);
  assert.match(text.stdout, /shown only now/);
});

test("TOTP secret is sealed under the master seed", async () => {
  const run = await keygen("--force", "--json");
  assert.is(run.status, 0, run.stderr);
  const secret = new URL(JSON.parse(run.stdout).otpauth_uri).searchParams.get("secret")!;
  const seed = Buffer.from(readFileSync(path.join(dataDir, "master-seed"), "utf8").trim(), "hex");

  const db = openDatabase({ databaseUrl: database.url, dataDir });
  try {
    const row = await db("users").where("username", "admin").first("id", "totp_secret_enc");
    assert.not.ok(row.totp_secret_enc.includes(secret));
    assert.is(createSecretBox(seed).open(row.totp_secret_enc, row.id), secret);
    assert.throws(() => createSecretBox(Buffer.alloc(32, 0x5a)).open(row.totp_secret_enc, row.id), /failed authentication/);
  } finally {
    await db.destroy();
  }
});

test("bad command lines exit 2", async () => {
  for (const args of [["--unknown"], ["--username", "has space"], ["--username"], ["extra"]]) {
    const run = await keygen(...args);
    assert.is(run.status, 2, args.join(" "));
    assert.match(run.stderr, /usage: keygen/);
  }
});

/** Starts the server at a random port from 18000-18999, trying another port when one is taken. */
async function startOnTestPort(clock: ManualClock) {
  for (let attempt = 0; ; attempt++) {
    const port = 18000 + Math.floor(Math.random() * 1000);
    const config = parseServerConfig({ PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: database.url ?? "" });
    try {
      return await startServer(config, { clock, log: createMemoryLogger() });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || attempt === 10) throw error;
    }
  }
}

test("server accepts the generated credentials", async () => {
  const run = await keygen("--force", "--json");
  assert.is(run.status, 0, run.stderr);
  const { username, password, otpauth_uri: uri } = JSON.parse(run.stdout);
  const secret = new URL(uri).searchParams.get("secret")!;

  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  const server = await startOnTestPort(clock);
  try {
    const totp = await new Promise<string>((resolve, reject) => {
      execFile("oathtool", ["--totp", "-b", "-N", `@${nowSec(clock)}`, secret], (error, stdout) => (error ? reject(error) : resolve(stdout.trim())));
    });
    const response = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password, totp }),
    });
    assert.is(response.status, 200);

    const { token } = (await response.json()) as { token: string };
    const networks = await fetch(`${server.url}/networks`, { headers: { authorization: `Bearer ${token}` } });
    assert.is(networks.status, 200);

    const recovery = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password, recovery_code: JSON.parse(run.stdout).recovery_codes[3] }),
    });
    assert.is(recovery.status, 200, "a printed recovery code logs in");
  } finally {
    await server.close();
  }
});

test.run();
