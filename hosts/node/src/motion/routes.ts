/**
 * Motion events, behind the session:
 *   GET /motion-events               stored events, newest first, filtered and paged like GET /logs
 *   GET /motion-events/{id}/media    the event's media, streamed from the network's home base
 * and, signed by a home base (docs/protocol.md section 12.1):
 *   POST /motion-events/media        where the home base stored the media of motion events
 * Errors: 400 VALIDATION_FAILED naming a bad parameter; 404 MOTION_EVENT_NOT_FOUND, or
 * MEDIA_NOT_FOUND when the event has no media or the home base has none at its path; 502
 * HOME_BASE_UNREACHABLE or HOME_BASE_BAD_RESPONSE when the home base fails.
 */
import Router from "@koa/router";
import type { Context, Middleware, Next } from "koa";
import { parseJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { requireSignedRequest, type HomeBaseSigner } from "../ingest/signature.ts";
import { fetchMedia } from "./media.ts";
import { applyMediaReports, MEDIA_REPORTS_BODY_MAX_BYTES, validateMediaReports } from "./media-reports.ts";
import { getMotionEvent, parseMotionFilters, queryMotionEvents } from "./query.ts";

const EVENT_ID = /^[1-9][0-9]{0,18}$/;

/** Rejects a body declared larger than the reports limit before the signature check reads it. */
async function limitReportsBody(ctx: Context, next: Next): Promise<void> {
  const declared = Number(ctx.get("content-length") || "0");
  if (declared > MEDIA_REPORTS_BODY_MAX_BYTES) throw new ApiError("BODY_TOO_LARGE", `body of ${declared} bytes exceeds max ${MEDIA_REPORTS_BODY_MAX_BYTES}`);
  await next();
}

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
    // The bytes come from a home base, not from this server: a browser must neither sniff them
    // into another type nor run them as a page of this server's origin.
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Content-Security-Policy", "default-src 'none'; sandbox");
    ctx.type = media.contentType;
    if (media.contentLength !== null) ctx.length = media.contentLength;
    ctx.body = media.body;
  });

  router.post("/motion-events/media", limitReportsBody, requireSignedRequest(deps), async (ctx) => {
    const raw = ctx.state.rawBody as Buffer;
    if (raw.length > MEDIA_REPORTS_BODY_MAX_BYTES) throw new ApiError("BODY_TOO_LARGE", `body of ${raw.length} bytes exceeds max ${MEDIA_REPORTS_BODY_MAX_BYTES}`);
    const body = validateMediaReports(parseJsonObject(ctx, raw));
    ctx.body = await applyMediaReports(deps, ctx.state.homeBase as HomeBaseSigner, body);
  });

  return router;
}
