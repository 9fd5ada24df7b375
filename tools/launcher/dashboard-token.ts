/**
 * The local dashboard token of the demo home base. In a real network the central server provisions
 * it with the signed config command set_dashboard_token (docs/protocol.md section 6.2). The launcher
 * replaces that step: it keeps a token in the data folder and passes only its SHA-256 to
 * homebase-sim (--dashboard-token-sha256), so the home base never receives the token itself.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeSecretJson } from "./provisioning.ts";

export const DASHBOARD_TOKEN_FILE = "dashboard-token.json";
const TOKEN_RULE = /^[A-Za-z0-9_-]{43}$/;

/** Returns the path of the token file in `dataDir`; a dashboard or test reads the token there. */
export function dashboardTokenPath(dataDir: string): string {
  return join(dataDir, DASHBOARD_TOKEN_FILE);
}

/** Returns the token stored in `dataDir`, creating one (32 random bytes, base64url, mode 0600) on the first start. */
export function ensureDashboardToken(dataDir: string): string {
  const path = dashboardTokenPath(dataDir);
  if (existsSync(path)) {
    const token = (JSON.parse(readFileSync(path, "utf8")) as { token?: unknown }).token;
    if (typeof token !== "string" || !TOKEN_RULE.test(token)) {
      throw new Error(`${path} has no 43-character base64url token; delete the file to get a new one`);
    }
    return token;
  }
  const token = randomBytes(32).toString("base64url");
  writeSecretJson(path, { token });
  return token;
}

/** Returns the value of homebase-sim's --dashboard-token-sha256: standard base64 of the token's SHA-256. */
export function dashboardTokenSha256(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64");
}
