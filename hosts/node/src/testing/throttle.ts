/** Test helper for login throttling, so that each case starts with no failures counted. */
import type { Knex } from "knex";

/** Forgets every login throttle state (all keys); never reachable over HTTP. */
export async function resetLoginThrottle(db: Knex): Promise<void> {
  await db("login_throttle").delete();
}
