/**
 * The bounded event history that lets a WebSocket client resume: events are kept at most
 * EVENTS_RETENTION_MS and at most EVENTS_RETENTION_MAX_ROWS rows, whichever is less. Pruning
 * records the highest id it deleted in event_retention, so a resume from an id at or above that
 * mark is complete, and one from below it is known to have lost events.
 */
import type { Knex } from "knex";

export const EVENTS_RETENTION_MS = 24 * 3600 * 1000;
export const EVENTS_RETENTION_MAX_ROWS = 100_000;

export interface RetentionLimits {
  maxAgeMs: number;
  maxRows: number;
}

/** Deletes events past either limit at `nowMs`; returns how many it deleted. */
export async function pruneEvents(db: Knex, nowMs: number, limits: RetentionLimits = { maxAgeMs: EVENTS_RETENTION_MS, maxRows: EVENTS_RETENTION_MAX_ROWS }): Promise<number> {
  const cutoff = new Date(nowMs - limits.maxAgeMs).toISOString();
  return db.transaction(async (trx) => {
    const result = await trx.raw(
      `with deleted as (
         delete from events
         where time < ?::timestamptz or id <= (select max(id) from events) - ?
         returning id
       )
       update event_retention set pruned_through = greatest(pruned_through, (select max(id) from deleted))
       returning (select count(*) from deleted) as deleted`,
      [cutoff, limits.maxRows],
    );
    return Number((result.rows[0] as { deleted: string }).deleted);
  });
}

/** Returns the highest event id deleted so far; a resume after an id below it has lost events. */
export async function prunedThrough(db: Knex): Promise<string> {
  const row = await db("event_retention").first(db.raw("pruned_through::text as pruned_through"));
  return String(row?.pruned_through ?? "0");
}
