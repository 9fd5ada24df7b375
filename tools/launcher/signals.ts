/**
 * Ctrl-C handling of the launcher: SIGINT and SIGTERM stop every supervised child with that same signal.
 */
import type { Supervisor } from "./supervisor.ts";

/** Forwards SIGINT and SIGTERM received by `target` to the supervisor; returns a function that removes the handlers. */
export function forwardTerminationSignals(supervisor: Supervisor, target: NodeJS.EventEmitter = process): () => void {
  const handlers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const handler = () => void supervisor.stop(signal);
    target.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) target.off(signal, handler);
  };
}
