/**
 * Waits for a freshly started server to become ready, by polling a GET endpoint until it returns 200.
 */
import { assertRunning, attemptTimeoutMs, describeFetchFailure, pollUntil, type PollMessages } from "./poll.ts";

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

/**
 * Resolves when GET `url` returns 200. Throws when the timeout passes (naming the URL and the last
 * status or error), when `signal` aborts (with the signal's reason), or when `isRunning` returns false.
 */
export async function waitForHttpOk(url: string, options: WaitOptions): Promise<void> {
  const poll = { ...options, intervalMs: options.intervalMs ?? 250 };
  const messages: PollMessages = {
    exited: `the process that should serve GET ${url} exited before it returned 200`,
    timedOut: (last) => `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for GET ${url} to return 200 (last: ${last})`,
  };

  await pollUntil(poll, messages, async (deadline) => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(attemptTimeoutMs(deadline, 2000)) });
      await response.body?.cancel();
      if (response.status !== 200) return `status ${response.status}`;
    } catch (error) {
      return describeFetchFailure(error);
    }

    assertRunning(poll, messages);
    return true;
  });
}
