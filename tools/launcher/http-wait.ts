/**
 * Waits for a freshly started server to become ready, by polling a GET endpoint until it returns 200.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Ends the wait early, for example when the server's process has exited. */
  signal?: AbortSignal;
  /**
   * Whether the process that should serve `url` is still running. When given, a 200 counts only while
   * it returns true, because another program on the same port may respond after that process has
   * exited, and the wait fails as soon as it returns false.
   */
  isRunning?: () => boolean;
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message;
}

function assertRunning(url: string, options: WaitOptions): void {
  if (options.isRunning && !options.isRunning()) {
    throw new Error(`the process that should serve GET ${url} exited before it returned 200`);
  }
}

/**
 * Resolves when GET `url` returns 200. Throws when the timeout passes (naming the URL and the last
 * status or error), when `signal` aborts (with the signal's reason), or when `isRunning` returns false.
 */
export async function waitForHttpOk(url: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  let last = "no attempt";

  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    assertRunning(url, options);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.max(1, Math.min(2000, deadline - Date.now()))) });
      await response.body?.cancel();
      if (response.status === 200) {
        assertRunning(url, options);
        return;
      }
      last = `status ${response.status}`;
    } catch (error) {
      // An attempt cut short by the overall deadline adds no information, so the earlier failure is kept.
      if (last === "no attempt" || Date.now() < deadline) last = describeFailure(error);
    }
    await sleep(intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }

  options.signal?.throwIfAborted();
  throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for GET ${url} to return 200 (last: ${last})`);
}
