/**
 * POST /auth/session: log in with {username, password, totp}; 200 {token, expires_at}.
 * DELETE /auth/session: log out the session of the bearer token; 204.
 */
import Router from "@koa/router";
import { readJsonObject } from "../body.ts";
import type { AppDeps } from "../deps.ts";
import { clientAddress } from "../http/client-address.ts";
import { rejectUnknownFields, requireString } from "../http/validate.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { login, type Credentials } from "./login.ts";
import { requireSession, type SessionState } from "./middleware.ts";
import { revokeSession } from "./sessions.ts";

/** Login bodies are small; this limit keeps scrypt's input and the log line short. */
const LOGIN_BODY_MAX_BYTES = 4096;
const PASSWORD_MAX_CHARS = 1024;

function parseCredentials(body: Record<string, unknown>): Credentials {
  rejectUnknownFields(body, ["username", "password", "totp"]);
  return {
    username: requireString(body, "username", 1, 64),
    password: requireString(body, "password", 1, PASSWORD_MAX_CHARS),
    // Any string up to 16 characters passes here; a wrong format fails as a wrong code (AUTH_FAILED).
    totp: requireString(body, "totp", 1, 16),
  };
}

export function createAuthRouter(deps: AppDeps): Router {
  const router = new Router();
  const loginDeps = { ...deps, secretBox: createSecretBox(deps.masterSeed) };

  router.post("/auth/session", async (ctx) => {
    const credentials = parseCredentials(await readJsonObject(ctx, LOGIN_BODY_MAX_BYTES));
    const session = await login(loginDeps, credentials, clientAddress(ctx, deps.config.trustedProxies));
    ctx.body = { token: session.token, expires_at: session.expiresAt.toISOString() };
  });

  router.delete("/auth/session", requireSession(deps), async (ctx) => {
    const { session } = ctx.state as SessionState;
    await revokeSession(deps, session.sessionId);
    deps.log.info("logout", { username: session.username, sessionId: session.sessionId });
    ctx.status = 204;
  });

  return router;
}
