/**
 * Login sessions. A session token is 32 random bytes in base64url (43 characters), handed to the
 * client once. The database keeps only its SHA-256, so a database dump alone cannot log anyone in.
 *
 * A session expires SESSION_IDLE_MS (15 minutes) after its last use, each use extends it, and it
 * ends SESSION_MAX_MS (12 hours) after login whatever its use. All times come from the injected
 * clock.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";

export const SESSION_IDLE_MS = 15 * 60 * 1000;
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
export const SESSION_TOKEN_BYTES = 32;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** Session ids per query in liveSessionIds, well below PostgreSQL's 65535 bind parameters. */
const LIVE_CHECK_BATCH = 1000;

export interface SessionDeps {
  db: Knex;
  clock: Clock;
}

export interface NewSession {
  token: string;
  sessionId: string;
  expiresAt: Date;
}

export interface AuthenticatedSession {
  userId: string;
  sessionId: string;
  username: string;
  role: "admin" | "user";
}

/** Returns the SHA-256 hex of a token, the form stored in sessions.token_hash. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Longest User-Agent kept with a session; a longer one is cut. */
export const USER_AGENT_MAX_CHARS = 256;

/** Returns a User-Agent header fit for storing: control characters removed, cut to USER_AGENT_MAX_CHARS, null when empty. */
export function storableUserAgent(header: string | undefined): string | null {
  const cleaned = (header ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, USER_AGENT_MAX_CHARS);
  return cleaned.length > 0 ? cleaned : null;
}

/** Creates a session for a user who has just proved every factor; returns the only copy of the token. */
export async function createSession(deps: SessionDeps, userId: string, clientAddress: string | null, userAgent: string | null = null): Promise<NewSession> {
  const token = randomBytes(SESSION_TOKEN_BYTES).toString("base64url");
  const now = deps.clock.nowMs();
  const session = {
    id: randomUUID(),
    user_id: userId,
    token_hash: hashToken(token),
    created_at: new Date(now),
    last_used_at: new Date(now),
    expires_at: new Date(now + SESSION_IDLE_MS),
    absolute_expires_at: new Date(now + SESSION_MAX_MS),
    client_address: clientAddress,
    user_agent: userAgent,
  };

  // Expired rows of this user go at each login, so the table does not grow without bound.
  await deps.db("sessions").where("user_id", userId).andWhere("expires_at", "<=", new Date(now)).delete();
  await deps.db("sessions").insert(session);
  return { token, sessionId: session.id, expiresAt: session.expires_at };
}

/**
 * Looks up a live session by its token and extends it by SESSION_IDLE_MS, capped at its absolute
 * end, in one statement. Returns null for a malformed, unknown or expired token, and rejects only
 * when the database fails. The WebSocket server uses this too.
 */
export async function authenticateToken(deps: SessionDeps, token: string): Promise<AuthenticatedSession | null> {
  if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) return null;

  const now = new Date(deps.clock.nowMs());
  const extended = new Date(now.getTime() + SESSION_IDLE_MS);
  const result = await deps.db.raw(
    `update sessions as s
        set last_used_at = ?, expires_at = least(?::timestamptz, s.absolute_expires_at)
       from users as u
      where u.id = s.user_id and s.token_hash = ? and s.expires_at > ? and s.absolute_expires_at > ?
  returning s.id as session_id, s.user_id, u.username, u.role`,
    [now, extended, hashToken(token), now, now],
  );

  const row = result.rows[0] as { session_id: string; user_id: string; username: string; role: "admin" | "user" } | undefined;
  if (!row) return null;
  return { userId: row.user_id, sessionId: row.session_id, username: row.username, role: row.role };
}

/**
 * Returns the ids among `sessionIds` whose session is still live at the clock's time: not revoked,
 * not idle past expires_at, not past absolute_expires_at. Unlike authenticateToken it only reads,
 * so checking an open WebSocket's session does not keep that session alive.
 */
export async function liveSessionIds(deps: SessionDeps, sessionIds: Iterable<string>): Promise<Set<string>> {
  const unique = [...new Set(sessionIds)];
  const now = new Date(deps.clock.nowMs());
  const live = new Set<string>();

  for (let start = 0; start < unique.length; start += LIVE_CHECK_BATCH) {
    const rows: { id: string }[] = await deps.db("sessions")
      .select("id")
      .whereIn("id", unique.slice(start, start + LIVE_CHECK_BATCH))
      .andWhere("expires_at", ">", now)
      .andWhere("absolute_expires_at", ">", now);
    for (const row of rows) live.add(row.id);
  }
  return live;
}

/** Ends a session at once (logout); returns whether a session was deleted. */
export async function revokeSession(deps: SessionDeps, sessionId: string): Promise<boolean> {
  return (await deps.db("sessions").where("id", sessionId).delete()) > 0;
}
