/**
 * A user's view of their own sessions: the live ones, newest first, and revocation of one of them.
 * Revoking (and logging out) notifies every server process through the event bus, so WebSocket
 * sockets of the ended session close at once.
 */
import type { Knex } from "knex";
import type { Clock } from "../clock.ts";
import type { EventBus } from "../deps.ts";
import { toPage, type Page } from "../http/pagination.ts";

export interface UserSessionDeps {
  db: Knex;
  clock: Clock;
  events: EventBus;
}

/** One session as GET /auth/sessions lists it; times are ISO 8601. */
export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  /** When the session ends unless it is used again (idle limit), never after absolute_expires_at. */
  expires_at: string;
  absolute_expires_at: string;
  client_address: string | null;
  user_agent: string | null;
  /** True for the session whose token made this request. */
  current: boolean;
}

interface SessionRow {
  id: string;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  absolute_expires_at: Date;
  client_address: string | null;
  user_agent: string | null;
}

/**
 * Returns one page of the user's live sessions, newest first. `after` is the cursor key
 * [created_at ISO, id] of the last session of the previous page.
 */
export async function listUserSessions(deps: UserSessionDeps, userId: string, currentSessionId: string, limit: number, after: string[] | null): Promise<Page<SessionView>> {
  const now = new Date(deps.clock.nowMs());
  const query = deps.db<SessionRow>("sessions")
    .select("id", "created_at", "last_used_at", "expires_at", "absolute_expires_at", "client_address", "user_agent")
    .where("user_id", userId)
    .andWhere("expires_at", ">", now)
    .andWhere("absolute_expires_at", ">", now)
    .orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }])
    .limit(limit + 1);
  if (after) query.whereRaw("(created_at, id) < (?::timestamptz, ?::uuid)", [after[0]!, after[1]!]);

  const rows = (await query) as SessionRow[];
  return toPage(rows, limit, (row) => [row.created_at.toISOString(), row.id], (row) => ({
    id: row.id,
    created_at: row.created_at.toISOString(),
    last_used_at: row.last_used_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    absolute_expires_at: row.absolute_expires_at.toISOString(),
    client_address: row.client_address,
    user_agent: row.user_agent,
    current: row.id === currentSessionId,
  }));
}

/**
 * Ends the session `sessionId` if it belongs to `userId`, and notifies every server process in the
 * same transaction. Returns false when no such session of this user exists, without telling
 * whether the id belongs to another user. `sessionId` must be a UUID (the caller checks).
 */
export async function endUserSession(deps: UserSessionDeps, userId: string, sessionId: string): Promise<boolean> {
  return deps.db.transaction(async (trx) => {
    const deleted = await trx("sessions").where({ id: sessionId, user_id: userId }).delete();
    if (deleted === 0) return false;
    await deps.events.publishSessionEnded(trx, sessionId);
    return true;
  });
}
