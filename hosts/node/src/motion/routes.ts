/**
 * Motion events, behind the session:
 *   GET /motion-events               stored events, newest first, filtered and paged like GET /logs
 *   GET /motion-events/{id}/media    the event's media, streamed from the network's home base
 * Errors: 400 VALIDATION_FAILED naming a bad parameter; 404 MOTION_EVENT_NOT_FOUND, or
 * MEDIA_NOT_FOUND when the event has no media or the home base has none at its path; 502
 * HOME_BASE_UNREACHABLE or HOME_BASE_BAD_RESPONSE when the home base fails.
 */
import Router from "@koa/router";
import type { Middleware } from "koa";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { fetchMedia } from "./media.ts";
import { getMotionEvent, parseMotionFilters, queryMotionEvents } from "./query.ts";

const EVENT_ID = /^[1-9][0-9]{0,18}$/;

export function createMotionRouter(deps: AppDeps, requireSession: Middleware): Router {
  const router = new Router();

  router.get("/motion-events", requireSession, async (ctx) => {
    ctx.body = await queryMotionEvents(deps.db, parseMotionFilters(ctx.query));
  });

  router.get("/motion-events/:id/media", requireSession, async (ctx) => {
    const id = ctx.params.id!;
    const event = EVENT_ID.test(id) ? await getMotionEvent(deps.db, id) : null;
    if (!event) throw new ApiError("MOTION_EVENT_NOT_FOUND", `no motion event with id ${JSON.stringify(id)}`);
    if (event.media_path === null) throw new ApiError("MEDIA_NOT_FOUND", `motion event ${id} has no media`);

    const media = await fetchMedia(deps, event.network_id, event.media_path);
    ctx.type = media.contentType;
    if (media.contentLength !== null) ctx.length = media.contentLength;
    ctx.body = media.body;
  });

  return router;
}
