/**
 * The first-start step: on an empty data folder, run the key generation script, which creates the
 * master seed and the admin account and prints the admin's credentials. Its output goes straight to
 * the terminal (unprefixed, so its QR code stays intact), and only on that first start.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { masterSeedPath } from "../../hosts/node/src/keys/master-seed.ts";
import { credentialsPath } from "./credentials.ts";

export const KEYGEN_SCRIPT = "hosts/node/src/cli/keygen.ts";

/**
 * Returns whether this is the first start: the data folder has neither the master seed nor the
 * credentials file. An empty or missing folder is the usual case. A folder that contains only what an
 * interrupted key generation left (the embedded database) counts too, so the next start retries it.
 */
export function isFirstStart(dataDir: string): boolean {
  return !existsSync(masterSeedPath(dataDir)) && !existsSync(credentialsPath(dataDir));
}

/**
 * Runs the key generation script with the terminal as its output. Throws when the script is missing,
 * fails, or leaves no credentials file. `signal` ends the script (SIGTERM) when the launcher stops.
 */
export async function runKeygen(repoRoot: string, dataDir: string, signal: AbortSignal): Promise<void> {
  if (!existsSync(join(repoRoot, KEYGEN_SCRIPT))) throw new Error(`key generation script ${KEYGEN_SCRIPT} not found in ${repoRoot}`);

  const child = spawn(process.execPath, ["--import", "tsx", KEYGEN_SCRIPT, "--data-dir", dataDir], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: "inherit",
    signal,
  });
  const [code, exitSignal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once("error", () => resolve([null, null]));
    child.once("exit", (exitCode, killSignal) => resolve([exitCode, killSignal]));
  });

  signal.throwIfAborted();
  if (code !== 0) throw new Error(`key generation failed (exit code ${code}, signal ${exitSignal}); fix the error above and start again, or empty ${dataDir} to start over`);
  if (!existsSync(credentialsPath(dataDir))) throw new Error(`key generation wrote no ${credentialsPath(dataDir)}`);
}
