/**
 * The polling loop of the launcher's waits: run an attempt, sleep, and repeat until the attempt
 * succeeds, the timeout passes, the signal aborts or the watched process exits.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Ends the wait early, with the signal's reason. */
  signal?: AbortSignal;
  /** Whether the watched process still runs; the wait fails as soon as it returns false. */
  isRunning?: () => boolean;
}

/** The messages of a wait's failures. */
export interface PollMessages {
  /** The error when `isRunning` returns false. */
  exited: string;
  /** The error when the timeout passes, given the outcome of the last attempt. */
  timedOut: (last: string) => string;
}

/**
 * An attempt's outcome: true when the wait is over, or why it is not yet, such as "status 503".
 * An attempt may throw to end the wait with its error.
 */
export type AttemptOutcome = true | string;

/** Throws `messages.exited` when the watched process has exited. */
export function assertRunning(options: PollOptions, messages: PollMessages): void {
  if (options.isRunning && !options.isRunning()) throw new Error(messages.exited);
}

/**
 * Runs `attempt` every `intervalMs` until it returns true. `attempt` gets the deadline so it can
 * bound its own request. The timeout error names the last outcome that arrived before the deadline,
 * because an attempt that the deadline cut short adds no information.
 */
export async function pollUntil(options: PollOptions, messages: PollMessages, attempt: (deadline: number) => Promise<AttemptOutcome>): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = "no attempt";

  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    assertRunning(options, messages);

    const outcome = await attempt(deadline);
    if (outcome === true) return;
    if (last === "no attempt" || Date.now() < deadline) last = outcome;

    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }

  options.signal?.throwIfAborted();
  throw new Error(messages.timedOut(last));
}

/** Returns the time an attempt's request may take: at most `capMs`, and never past the deadline. */
export function attemptTimeoutMs(deadline: number, capMs: number): number {
  return Math.max(1, Math.min(capMs, deadline - Date.now()));
}

/** Describes a failed fetch by its system error code, such as ECONNREFUSED, or by its message. */
export function describeFetchFailure(error: unknown): string {
  return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
}
