/**
 * The key generation script: creates the master seed and the first admin account, with no prompts.
 *
 *   npm run keygen -- [--data-dir DIR] [--database-url URL] [--username NAME] [--force] [--json]
 *
 * It writes `<data dir>/master-seed` and `<data dir>/admin-credentials.json` (both mode 0600), and
 * prints the username, a generated password, the otpauth:// URI for an authenticator app, the
 * same URI as a QR code and ten one-time recovery codes. With --json it prints one JSON object
 * instead. The recovery codes are printed only, never written to the credentials file, so that
 * they stay a separate copy to keep apart from the password. When the database is the
 * embedded one (no --database-url and no DATABASE_URL), stop the server first: PGlite files must
 * not be opened by two processes.
 *
 * Exit status:
 *   0  done
 *   1  failed (database, file system); nothing is left half-written in the database
 *   2  bad command line
 *   3  rejected: the seed, the credentials file or the user already exists; --force replaces them
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import qrcode from "qrcode-terminal";
import { totpUri } from "../auth/totp.ts";
import { systemClock } from "../clock.ts";
import { openDatabase } from "../db/connect.ts";
import { migrateLatest } from "../db/migrations/index.ts";
import { masterSeedPath, MASTER_SEED_BYTES, writeMasterSeed } from "../keys/master-seed.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { createUser, USERNAME_PATTERN } from "../users/users.ts";
import { generatePassword } from "./password.ts";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_EXISTS = 3;

export const CREDENTIALS_FILE = "admin-credentials.json";

const USAGE = `usage: keygen [--data-dir DIR] [--database-url URL] [--username NAME] [--force] [--json]
  --data-dir DIR      data folder for the seed, the credentials file and the embedded database
                      (default: DATA_DIR, else ./data)
  --database-url URL  PostgreSQL URL (default: DATABASE_URL; unset uses the embedded database)
  --username NAME     the admin's username, 1 to 64 of A-Z a-z 0-9 . _ @ - (default: admin)
  --force             replace an existing seed, credentials file and user of that name
  --json              print one JSON object instead of text and QR code`;

export interface KeygenIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface KeygenOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  username: string;
  force: boolean;
  json: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): KeygenOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "data-dir": { type: "string" },
        "database-url": { type: "string" },
        username: { type: "string" },
        force: { type: "boolean" },
        json: { type: "boolean" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const username = values.username ?? "admin";
  if (!USERNAME_PATTERN.test(username)) throw new UsageError(`--username ${JSON.stringify(username)} must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -`);
  return {
    dataDir: path.resolve(values["data-dir"] || env.DATA_DIR || "./data"),
    databaseUrl: values["database-url"] || env.DATABASE_URL || undefined,
    username,
    force: values.force ?? false,
    json: values.json ?? false,
  };
}

function writeCredentials(file: string, contents: Record<string, string>, overwrite: boolean): void {
  writeFileSync(file, JSON.stringify(contents, null, 2) + "\n", { mode: 0o600, flag: overwrite ? "w" : "wx" });
  // The mode option applies only when the file is created, so an overwritten file is fixed here.
  chmodSync(file, 0o600);
}

function renderQr(text: string): Promise<string> {
  return new Promise((resolve) => qrcode.generate(text, { small: true }, resolve));
}

/** Runs the script with the given arguments; returns the exit status. */
export async function runKeygen(argv: string[], io: KeygenIo): Promise<number> {
  let options: KeygenOptions;
  try {
    options = parseOptions(argv, io.env);
  } catch (error) {
    io.stderr(`keygen: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }

  const seedFile = masterSeedPath(options.dataDir);
  const credentialsFile = path.join(options.dataDir, CREDENTIALS_FILE);
  for (const file of [seedFile, credentialsFile]) {
    if (existsSync(file) && !options.force) {
      io.stderr(`keygen: ${file} already exists; pass --force to replace it (a new seed invalidates every key derived from the old one)\n`);
      return EXIT_EXISTS;
    }
  }

  const db = openDatabase({ databaseUrl: options.databaseUrl, dataDir: options.dataDir });
  try {
    await migrateLatest(db);
    // Usernames are unique regardless of letter case, so "Admin" blocks "admin" too.
    const sameName = () => db.raw("lower(username) = lower(?)", [options.username]);
    const existing = await db("users").where(sameName()).first("username");
    if (existing && !options.force) {
      io.stderr(`keygen: user ${existing.username} already exists in the database; pass --force to replace it\n`);
      return EXIT_EXISTS;
    }

    if (options.force) {
      const [networks] = await db("networks").count({ count: "*" });
      const [others] = await db("users").whereNot(sameName()).count({ count: "*" });
      if (Number(networks?.count) > 0 || Number(others?.count) > 0) {
        io.stderr(`keygen: warning: the new seed invalidates the keys of ${networks?.count} registered networks and the TOTP secrets of ${others?.count} other users\n`);
      }
    }

    const seed = randomBytes(MASTER_SEED_BYTES);
    const password = generatePassword();
    let otpauthUri = "";
    let recoveryCodes: string[] = [];
    // The user is committed only after both files are written, so a failed write leaves no account.
    await db.transaction(async (trx) => {
      await trx("users").where(trx.raw("lower(username) = lower(?)", [options.username])).delete();
      const user = await createUser(trx, systemClock, createSecretBox(seed), { username: options.username, password, role: "admin" });
      otpauthUri = totpUri(options.username, user.totpSecret);
      recoveryCodes = user.recoveryCodes;
      writeMasterSeed(options.dataDir, seed, options.force);
      writeCredentials(credentialsFile, { username: options.username, password, otpauth_uri: otpauthUri }, options.force);
    });

    if (options.json) {
      io.stdout(JSON.stringify({ username: options.username, password, otpauth_uri: otpauthUri, recovery_codes: recoveryCodes, data_dir: options.dataDir, master_seed_file: seedFile, credentials_file: credentialsFile }) + "\n");
    } else {
      io.stdout(
        [
          "homemesh keys created",
          `  master seed:      ${seedFile}  (back it up: every network and device key derives from it)`,
          `  credentials file: ${credentialsFile}`,
          "",
          `  username: ${options.username}`,
          `  password: ${password}`,
          `  TOTP URI: ${otpauthUri}`,
          "",
          "Scan this QR code with an authenticator app:",
          await renderQr(otpauthUri),
          "One-time recovery codes, each accepted once at login in place of a TOTP code.",
          "They are shown only now; store them apart from the password:",
          ...recoveryCodes.map((code) => `  ${code}`),
        ].join("\n") + "\n",
      );
    }
    return EXIT_OK;
  } catch (error) {
    io.stderr(`keygen: failed: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  } finally {
    await db.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const status = await runKeygen(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
  process.exitCode = status;
}
