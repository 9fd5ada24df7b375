/**
 * Runs the command worker's tick on a timer in the server process. A tick that is still running
 * when the timer fires again is not started twice; stop() waits for the running one.
 */
import type { Logger } from "../logger.ts";
import type { CommandWorker } from "./worker.ts";

/** How often the server looks for due commands. */
export const COMMAND_TICK_INTERVAL_MS = 1000;

export function startCommandTimer(worker: CommandWorker, log: Logger, intervalMs = COMMAND_TICK_INTERVAL_MS): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = worker
      .tick()
      .then(() => undefined, (error) => log.error("command tick failed", { error }))
      .finally(() => {
        running = null;
      });
  }, intervalMs);

  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
