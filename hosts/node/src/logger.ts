/**
 * A small structured logger: one readable line per event, `time level event key=value ...`.
 * Children carry fixed fields (a request id, a device id). Debug lines are off unless LOG_LEVEL=debug.
 */
import { systemClock, type Clock } from "./clock.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Stamps each line; the process's injectable clock. */
  clock?: Clock;
  name?: string;
  write?: (line: string) => void;
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? "undefined";
}

export function createLogger(options: LoggerOptions = {}, bound: Record<string, unknown> = {}): Logger {
  const minimum = LEVEL_RANK[options.level ?? (process.env.LOG_LEVEL as LogLevel) ?? "info"] ?? LEVEL_RANK.info;
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));

  const emit = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (LEVEL_RANK[level] < minimum) return;
    const all = { ...bound, ...fields };
    const pairs = Object.entries(all)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${formatValue(value)}`);
    const name = options.name ? `[${options.name}] ` : "";
    const stamp = new Date((options.clock ?? systemClock).nowMs()).toISOString();
    write(`${stamp} ${level.padEnd(5)} ${name}${event}${pairs.length ? " " + pairs.join(" ") : ""}`);
  };

  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** Creates a logger that keeps its lines in memory, for tests that assert what was logged. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
  return Object.assign(logger, { lines });
}
