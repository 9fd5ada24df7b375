/**
 * POST /auth/session: log in with {username, password, totp} or {username, password,
 *   recovery_code}; 200 {token, expires_at}.
 * DELETE /auth/session: log out the session of the bearer token; 204.
 * GET /auth/sessions: the caller's live sessions, newest first (cursor pagination).
 * DELETE /auth/sessions/{id}: end one of the caller's sessions; 204, or 404 SESSION_NOT_FOUND for
 *   an unknown id and for another user's session alike.
 * Ending a session closes its WebSocket sockets in every server process (event bus).
 */
import Router from "@koa/router";
import { readJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { clientAddress } from "../http/client-address.ts";
import { isIsoTimestamp, parseCursor, parseLimit } from "../http/pagination.ts";
import { invalid, isUuid, rejectUnknownFields, requireString } from "../http/validate.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { PASSWORD_MAX_CHARS } from "../users/users.ts";
import { login, type Credentials } from "./login.ts";
import { requireSession, type SessionState } from "./middleware.ts";
import { storableUserAgent } from "./sessions.ts";
import { endUserSession, listUserSessions } from "./user-sessions.ts";

/** Login bodies are small; this limit keeps scrypt's input and the log line short. */
const LOGIN_BODY_MAX_BYTES = 4096;
/** Longer than any valid code, so a pasted code with spaces still reaches the check (and fails there as AUTH_FAILED if wrong). */
const SECOND_FACTOR_MAX_CHARS = 64;

function parseCredentials(body: Record<string, unknown>): Credentials {
  rejectUnknownFields(body, ["username", "password", "totp", "recovery_code"]);
  const username = requireString(body, "username", 1, 64);
  const password = requireString(body, "password", 1, PASSWORD_MAX_CHARS);

  const hasTotp = body.totp !== undefined;
  const hasRecoveryCode = body.recovery_code !== undefined;
  if (hasTotp && hasRecoveryCode) throw invalid("recovery_code", "send either totp or recovery_code, not both");
  // Any string within the length limit passes here; a wrong format fails as a wrong code (AUTH_FAILED).
  if (hasRecoveryCode) return { username, password, secondFactor: { recoveryCode: requireString(body, "recovery_code", 1, SECOND_FACTOR_MAX_CHARS) } };
  if (!hasTotp) throw invalid("totp", "totp is missing; send the authenticator's code as totp, or a recovery code as recovery_code");
  return { username, password, secondFactor: { totp: requireString(body, "totp", 1, SECOND_FACTOR_MAX_CHARS) } };
}

const isUuidPart = (part: string) => isUuid(part);

export function createAuthRouter(deps: AppDeps): Router {
  const router = new Router();
  const loginDeps = { ...deps, secretBox: createSecretBox(deps.masterSeed) };
  const session = requireSession(deps);

  router.post("/auth/session", async (ctx) => {
    const credentials = parseCredentials(await readJsonObject(ctx, LOGIN_BODY_MAX_BYTES));
    const client = { address: clientAddress(ctx, deps.config.trustedProxies), userAgent: storableUserAgent(ctx.get("user-agent")) };
    const created = await login(loginDeps, credentials, client);
    ctx.body = { token: created.token, expires_at: created.expiresAt.toISOString() };
  });

  router.delete("/auth/session", session, async (ctx) => {
    const { session: current } = ctx.state as SessionState;
    await endUserSession(deps, current.userId, current.sessionId);
    deps.log.info("logout", { username: current.username, sessionId: current.sessionId });
    ctx.status = 204;
  });

  router.get("/auth/sessions", session, async (ctx) => {
    const { session: current } = ctx.state as SessionState;
    const limit = parseLimit(ctx.query);
    const cursor = parseCursor(ctx.query, [isIsoTimestamp, isUuidPart]);
    ctx.body = await listUserSessions(deps, current.userId, current.sessionId, limit, cursor);
  });

  router.delete("/auth/sessions/:id", session, async (ctx) => {
    const { session: current } = ctx.state as SessionState;
    const id = String(ctx.params.id);
    const ended = isUuid(id) && (await endUserSession(deps, current.userId, id.toLowerCase()));
    if (!ended) throw new ApiError("SESSION_NOT_FOUND", `you have no session ${JSON.stringify(id.slice(0, 64))}`);
    deps.log.info("session revoked", { username: current.username, sessionId: id.toLowerCase(), bySessionId: current.sessionId });
    ctx.status = 204;
  });

  return router;
}
