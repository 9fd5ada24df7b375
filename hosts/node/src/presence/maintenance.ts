/**
 * The server's periodic work: the presence sweep and event pruning, every `intervalMs`. A tick is
 * skipped while the previous one still runs, so a slow database does not pile up queries.
 */
import type { AppDeps } from "../deps.ts";
import { pruneEvents } from "../events/retention.ts";
import { sweepPresence } from "./sweeper.ts";

export const MAINTENANCE_INTERVAL_MS = 15_000;

/** Runs one presence sweep and one prune. */
export async function runMaintenance(deps: AppDeps): Promise<void> {
  await sweepPresence(deps);
  const deleted = await pruneEvents(deps.db, deps.clock.nowMs());
  if (deleted > 0) deps.log.info("events pruned", { count: deleted });
}

/** Starts the timer; the returned function stops it and waits for a tick under way. */
export function startMaintenance(deps: AppDeps, intervalMs = MAINTENANCE_INTERVAL_MS): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = runMaintenance(deps)
      .catch((error) => deps.log.error("maintenance failed", { error }))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();

  return async () => {
    clearInterval(timer);
    await running;
  };
}
