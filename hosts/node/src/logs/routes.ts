/**
 * GET /logs: stored device logs for a logged-in user, newest first, filtered and paged
 * (see logs/query.ts). Returns 200 {items, next_cursor}; 400 VALIDATION_FAILED naming a bad query
 * parameter; 401 without a valid session.
 */
import Router from "@koa/router";
import type { Middleware } from "koa";
import type { AppDeps } from "../deps.ts";
import { parseLogFilters, queryLogs } from "./query.ts";

export function createLogsRouter(deps: AppDeps, requireSession: Middleware): Router {
  const router = new Router();

  router.get("/logs", requireSession, async (ctx) => {
    const filters = parseLogFilters(ctx.query);
    ctx.body = await queryLogs(deps.db, filters);
  });

  return router;
}
