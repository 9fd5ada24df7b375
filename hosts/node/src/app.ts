/**
 * The Koa application of the central server: request log, problem+json errors, then every router.
 * Builds no process-wide state, so tests create as many apps as they need.
 */
import Koa from "koa";
import type Router from "@koa/router";
import { requireSession } from "./auth/middleware.ts";
import { createAuthRouter } from "./auth/routes.ts";
import { createCommandsRouter } from "./commands/routes.ts";
import type { AppDeps } from "./deps.ts";
import { problemMiddleware } from "./errors.ts";
import { createHealthRouter } from "./health/routes.ts";
import { requestLog } from "./http/request-log.ts";
import { createIngestRouter } from "./ingest/routes.ts";
import { createLogsRouter } from "./logs/routes.ts";
import { createLifecycleRouter } from "./networks/lifecycle-routes.ts";
import { createNetworksRouter } from "./networks/routes.ts";

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();

  // The request log is outermost, so it records the status that the problem middleware set.
  app.use(requestLog(deps.log));
  app.use(problemMiddleware(deps.log));

  const routers: Router[] = [
    createHealthRouter(deps),
    createAuthRouter(deps),
    createNetworksRouter(deps),
    createIngestRouter(deps),
    createLogsRouter(deps, requireSession(deps)),
    createLifecycleRouter(deps),
    createCommandsRouter(deps),
  ];
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
