/**
 * Waits for a file system path that a freshly started child creates, such as the symbolic link that
 * radio-sim makes to its pseudo-terminal.
 */
import { existsSync } from "node:fs";
import { pollUntil } from "./poll.ts";

export interface PathWaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Ends the wait early, for example when a stop was requested. */
  signal?: AbortSignal;
  /** Whether the process that should create the path is still running; the wait fails once it returns false. */
  isRunning?: () => boolean;
}

/**
 * Resolves once `path` exists (a symbolic link counts only when its target exists). Throws when the
 * timeout passes, when `signal` aborts, or when `isRunning` returns false first.
 */
export async function waitForPath(path: string, options: PathWaitOptions): Promise<void> {
  const messages = {
    exited: `the process that should create ${path} exited before it did`,
    timedOut: () => `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${path} to appear`,
  };

  await pollUntil({ ...options, intervalMs: options.intervalMs ?? 50 }, messages, async () => existsSync(path) || "missing");
}
