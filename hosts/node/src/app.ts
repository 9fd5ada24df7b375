/**
 * The Koa application of the central server: request log, problem+json errors, then every router,
 * each route checked against openapi.yaml before its handler (api/request-validation.ts). Its only
 * process-wide state is the parsed openapi.yaml, which nothing changes, so tests create as many
 * apps as they need.
 */
import Koa from "koa";
import type Router from "@koa/router";
import { installRequestValidation } from "./api/request-validation.ts";
import { loadApiSpec } from "./api/spec.ts";
import { requireSession } from "./auth/middleware.ts";
import { createAuthRouter } from "./auth/routes.ts";
import type { AppDeps } from "./deps.ts";
import { problemMiddleware } from "./errors.ts";
import { createDocsRouter } from "./docs/routes.ts";
import { createHealthRouter } from "./health/routes.ts";
import { requestLog } from "./http/request-log.ts";
import { createIngestRouter } from "./ingest/routes.ts";
import { createLogsRouter } from "./logs/routes.ts";
import { createMotionRouter } from "./motion/routes.ts";
import { createNetworksRouter } from "./networks/routes.ts";
import { createUsersRouter } from "./users/routes.ts";

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();

  // The request log is outermost, so it records the status that the problem middleware set.
  app.use(requestLog(deps.log));
  app.use(problemMiddleware(deps.log));

  const routers: Router[] = [
    createHealthRouter(deps),
    createDocsRouter(),
    createAuthRouter(deps),
    createUsersRouter(deps),
    createNetworksRouter(deps),
    createIngestRouter(deps),
    createLogsRouter(deps, requireSession(deps)),
    createMotionRouter(deps, requireSession(deps)),
  ];
  installRequestValidation(loadApiSpec(), routers);
  for (const router of routers) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
