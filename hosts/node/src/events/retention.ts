/**
 * The bounded event history that lets a WebSocket client resume: events are kept at most
 * EVENTS_RETENTION_MS and at most EVENTS_RETENTION_MAX_ROWS rows, whichever is less. Pruning
 * records the highest id it deleted in event_retention, so a resume from an id at or above that
 * mark is complete, and one from below it is known to have lost events.
 */
import type { Knex } from "knex";
import type { MeshEvent, MeshEventType } from "../deps.ts";

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

export interface EventFilter {
  /** Null for every network. */
  networks: ReadonlySet<string> | null;
  /** Null for every type. */
  types: ReadonlySet<string> | null;
}

interface StoredEventRow {
  id: string;
  type: MeshEventType;
  network_id: string;
  time: Date | string;
  data: Record<string, unknown> | string;
}

/** Returns up to `limit` stored events with an id above `afterId` that pass `filter`, in id order. */
export async function eventsAfter(db: Knex, afterId: string, filter: EventFilter, limit: number): Promise<MeshEvent[]> {
  const query = db("events").select(db.raw("id::text as id"), "type", "network_id", "time", "data").whereRaw("id > ?::bigint", [afterId]);
  if (filter.networks) query.whereIn("network_id", [...filter.networks]);
  if (filter.types) query.whereIn("type", [...filter.types]);
  // Sorts by the bigint column: the selected id is text, so ORDER BY "id" would sort "10" before "9".
  const rows = (await query.orderByRaw("events.id").limit(limit)) as StoredEventRow[];
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    network_id: row.network_id,
    time: new Date(row.time).toISOString(),
    data: typeof row.data === "string" ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
  }));
}
