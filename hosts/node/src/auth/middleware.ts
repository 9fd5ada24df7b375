/**
 * requireSession: lets a request through only with `Authorization: Bearer <token>` naming a live
 * session, and puts the session in `ctx.state.session`. A missing or non-Bearer header is 401
 * AUTH_REQUIRED; an unknown or expired token is 401 SESSION_INVALID. Both carry the
 * WWW-Authenticate header that RFC 6750 section 3 requires.
 */
import type { Context, Next } from "koa";
import { ApiError } from "../errors.ts";
import { authenticateToken, type AuthenticatedSession, type SessionDeps } from "./sessions.ts";

export interface SessionState {
  session: AuthenticatedSession;
}

export function requireSession(deps: SessionDeps) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get("authorization");
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match) {
      ctx.set("WWW-Authenticate", 'Bearer realm="homemesh"');
      throw new ApiError("AUTH_REQUIRED", header ? "Authorization header must be Bearer <token>" : "Authorization header is missing");
    }

    const session = await authenticateToken(deps, match[1]!);
    if (!session) {
      ctx.set("WWW-Authenticate", 'Bearer realm="homemesh", error="invalid_token"');
      throw new ApiError("SESSION_INVALID");
    }

    ctx.state.session = session;
    await next();
  };
}

/** Lets a request through only for an admin; runs after requireSession. Others get 403 FORBIDDEN. */
export function requireAdmin() {
  return async (ctx: Context, next: Next) => {
    const session = (ctx.state as Partial<SessionState>).session;
    if (session?.role !== "admin") throw new ApiError("FORBIDDEN", `user ${session?.username ?? "(none)"} is not an admin`);
    await next();
  };
}
