/**
 * GET /healthz: 200 {status: "ok"} after a database round trip, 503 when the database does not
 * respond within HEALTH_TIMEOUT_MS. Needs no session, so load balancers and Docker can call it.
 */
import Router from "@koa/router";
import type { AppDeps } from "../deps.ts";

export const HEALTH_TIMEOUT_MS = 2000;

export function createHealthRouter(deps: Pick<AppDeps, "db" | "log">): Router {
  const router = new Router();

  router.get("/healthz", async (ctx) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`database did not respond within ${HEALTH_TIMEOUT_MS} ms`)), HEALTH_TIMEOUT_MS);
    });

    try {
      await Promise.race([deps.db.raw("select 1"), timeout]);
      ctx.body = { status: "ok" };
    } catch (error) {
      deps.log.error("health check failed", { error });
      ctx.status = 503;
      ctx.body = { status: "unavailable" };
    } finally {
      clearTimeout(timer);
    }
  });

  return router;
}
