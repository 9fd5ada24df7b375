/**
 * The local dashboard token of the simulated home base. The central server provisions the real one
 * with the signed `set_dashboard_token` command (docs/protocol.md section 6.2). The launcher makes
 * one on the first start and passes only its SHA-256 to the home base, so `make run` and the system
 * tests can read the home base's local API.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const DASHBOARD_TOKEN_FILE_NAME = "homebase-dashboard-token";
const TOKEN_BYTES = 32;
const TOKEN_RULE = /^[A-Za-z0-9_-]{43}$/;

export function dashboardTokenPath(dataDir: string): string {
  return join(dataDir, DASHBOARD_TOKEN_FILE_NAME);
}

/** Returns the stored token, or creates one (32 random bytes, base64url, file mode 0600). Throws when the file contains no valid token. */
export function ensureDashboardToken(dataDir: string): string {
  const path = dashboardTokenPath(dataDir);
  if (!existsSync(path)) {
    const token = randomBytes(TOKEN_BYTES).toString("base64url");
    writeFileSync(path, `${token}\n`, { mode: 0o600, flag: "wx" });
    return token;
  }
  const token = readFileSync(path, "utf8").trim();
  if (!TOKEN_RULE.test(token)) throw new Error(`${path} contains no valid dashboard token (expected 43 base64url characters); delete it to make a new one`);
  return token;
}

/** Returns the token's SHA-256 in base64, the form `homebase-sim --dashboard-token-sha256` takes. */
export function dashboardTokenSha256(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64");
}
