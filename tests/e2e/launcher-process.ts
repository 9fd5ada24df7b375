/**
 * Runs the launcher of `make run` as a child process for the end-to-end tests, keeps every line it
 * prints, and waits for lines or conditions with a deadline. Polls in short steps (at most 250 ms),
 * so no test sleeps for long.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

const POLL_MS = 250;

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await pause(POLL_MS);
  }
  const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
}

export interface LauncherSettings {
  dataDir: string;
  serverPort: number;
  homeBaseHttpPort: number;
  homeBaseUdpPort: number;
  batchIntervalSec: number;
}

export class LauncherProcess {
  readonly lines: string[] = [];
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(settings: LauncherSettings) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATA_DIR: settings.dataDir,
      PORT: String(settings.serverPort),
      HOME_BASE_HTTP_PORT: String(settings.homeBaseHttpPort),
      HOME_BASE_UDP_PORT: String(settings.homeBaseUdpPort),
      BATCH_INTERVAL_SEC: String(settings.batchIntervalSec),
    };
    delete env.DATABASE_URL;

    this.child = spawn(process.execPath, ["--import", "tsx", "tools/launcher/run-system.ts"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let rest = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        this.lines.push(...parts);
      });
    }
    this.exited = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  /** Returns the whole output so far, for assertions and failure messages. */
  output(): string {
    return this.lines.join("\n");
  }

  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return waitFor(`a launcher line matching ${pattern}`, timeoutMs, () => {
      if (this.child.exitCode !== null) throw new Error(`launcher exited with ${this.child.exitCode}:\n${this.output().slice(-4000)}`);
      for (const line of this.lines) {
        const match = line.match(pattern);
        if (match) return match;
      }
      return undefined;
    });
  }

  /** Sends SIGINT, as Ctrl-C does, and returns the exit code. SIGKILL follows after `timeoutMs` as a last resort. */
  async interrupt(timeoutMs: number): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill("SIGINT");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
