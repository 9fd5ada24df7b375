/**
 * User administration, admin role only (403 FORBIDDEN otherwise):
 *   POST /users  {username, role, password?} -> 201 with the TOTP secret, its otpauth:// URI and
 *                ten recovery codes, all shown only in this response; with the password too when
 *                the server generated it
 *   GET  /users  list with the verified flag (cursor pagination)
 */
import Router from "@koa/router";
import { requireAdmin, requireSession } from "../auth/middleware.ts";
import { totpUri } from "../auth/totp.ts";
import { readJsonObject } from "../body.ts";
import { generatePassword } from "../cli/password.ts";
import { uniqueViolation } from "../db/errors.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { isIsoTimestamp, parseCursor, parseLimit } from "../http/pagination.ts";
import { invalid, isUuid, rejectUnknownFields, requireString } from "../http/validate.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { createUser, listUsers, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, USERNAME_PATTERN, type UserRole } from "./users.ts";

const BODY_MAX_BYTES = 4096;
const ROLES: readonly UserRole[] = ["admin", "user"];

interface NewUserInput {
  username: string;
  role: UserRole;
  /** Null when the server is to generate one. */
  password: string | null;
}

function parseNewUser(body: Record<string, unknown>): NewUserInput {
  rejectUnknownFields(body, ["username", "role", "password"]);
  const username = requireString(body, "username", 1, 64);
  if (!USERNAME_PATTERN.test(username)) throw invalid("username", `username ${JSON.stringify(username)} must be 1 to 64 characters of A-Z a-z 0-9 . _ @ -`);

  const role = requireString(body, "role", 1, 16);
  if (!(ROLES as readonly string[]).includes(role)) throw invalid("role", `role ${JSON.stringify(role)} must be one of ${ROLES.join(", ")}`);

  const password = body.password === undefined ? null : requireString(body, "password", PASSWORD_MIN_CHARS, PASSWORD_MAX_CHARS);
  return { username, role: role as UserRole, password };
}

const isUuidPart = (part: string) => isUuid(part);

export function createUsersRouter(deps: AppDeps): Router {
  const router = new Router();
  const session = requireSession(deps);
  const admin = requireAdmin();
  const secretBox = createSecretBox(deps.masterSeed);

  router.get("/users", session, admin, async (ctx) => {
    const limit = parseLimit(ctx.query);
    ctx.body = await listUsers(deps.db, limit, parseCursor(ctx.query, [isIsoTimestamp, isUuidPart]));
  });

  router.post("/users", session, admin, async (ctx) => {
    const input = parseNewUser(await readJsonObject(ctx, BODY_MAX_BYTES));
    const password = input.password ?? generatePassword();

    let user;
    try {
      user = await createUser(deps.db, deps.clock, secretBox, { username: input.username, password, role: input.role });
    } catch (error) {
      const constraint = uniqueViolation(error);
      if (constraint === "users_username_key" || constraint === "users_username_lower_idx") {
        throw new ApiError("USER_EXISTS", `username ${input.username} is taken (usernames are compared without regard to letter case)`);
      }
      throw error;
    }

    deps.log.info("user created", { userId: user.id, username: user.username, role: input.role, by: ctx.state.session?.username });
    ctx.status = 201;
    ctx.body = {
      id: user.id,
      username: user.username,
      role: input.role,
      verified: false,
      created_at: user.createdAt.toISOString(),
      ...(input.password === null ? { password } : {}),
      totp_secret: user.totpSecret,
      otpauth_uri: totpUri(user.username, user.totpSecret),
      recovery_codes: user.recoveryCodes,
    };
  });

  return router;
}
