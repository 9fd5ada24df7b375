/**
 * One `request completed` line per request, with method, path, status and durationMs, from a
 * child logger that carries a request id. The id is also sent back as X-Request-Id so a user can
 * quote it. 5xx responses log at warn, because the problem middleware has already logged the error.
 *
 * The duration comes from performance.now(), a monotonic timer, not the injected clock: it
 * measures elapsed time, and a manual clock in tests would report 0.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Context, Next } from "koa";
import type { Logger } from "../logger.ts";

export function requestLog(log: Logger) {
  return async (ctx: Context, next: Next) => {
    const started = performance.now();
    const requestId = randomBytes(8).toString("hex");
    ctx.state.log = log.child({ requestId });
    ctx.set("X-Request-Id", requestId);

    try {
      await next();
    } finally {
      const fields = { method: ctx.method, path: ctx.path, status: ctx.status, durationMs: Math.round((performance.now() - started) * 10) / 10 };
      if (ctx.status >= 500) (ctx.state.log as Logger).warn("request completed", fields);
      else (ctx.state.log as Logger).info("request completed", fields);
    }
  };
}
