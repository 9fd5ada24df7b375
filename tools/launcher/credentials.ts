/**
 * The admin credentials file that the key generation script writes on the first start
 * (DATA_DIR/admin-credentials.json with username, password and otpauth_uri).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const CREDENTIALS_FILE_NAME = "admin-credentials.json";

export interface AdminCredentials {
  username: string;
  password: string;
  otpauth_uri: string;
}

export function credentialsPath(dataDir: string): string {
  return join(dataDir, CREDENTIALS_FILE_NAME);
}

/** Reads and checks the credentials file; throws naming the file and the missing field. */
export function readCredentials(dataDir: string): AdminCredentials {
  const path = credentialsPath(dataDir);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot read admin credentials ${path}: ${(error as Error).message}`);
  }

  for (const key of ["username", "password", "otpauth_uri"]) {
    if (typeof raw[key] !== "string" || raw[key] === "") throw new Error(`admin credentials ${path} has no ${key}`);
  }
  return raw as unknown as AdminCredentials;
}
