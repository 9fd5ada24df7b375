/**
 * The filters of GET /motion-events and the query they build: the same order, cursor and page
 * cap as GET /logs (logs/query.ts), newest first.
 */
import type { Knex } from "knex";
import { decodeKeysetCursor, encodeKeysetCursor, parseDateTime, parseDeviceId, parseNetworkId, parsePageLimit, singleValues, type KeysetPosition } from "../http/query-params.ts";
import { LOGS_DEFAULT_LIMIT, LOGS_MAX_LIMIT } from "../logs/query.ts";
import { MOTION_COLUMNS, toMotionItem, type MotionItem, type MotionRow } from "./item.ts";

export const MOTION_DEFAULT_LIMIT = LOGS_DEFAULT_LIMIT;
export const MOTION_MAX_LIMIT = LOGS_MAX_LIMIT;

const FILTER_NAMES = ["network_id", "device_id", "since", "until", "limit", "cursor"] as const;

export interface MotionFilters {
  networkId?: string;
  deviceId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  limit: number;
  after?: KeysetPosition;
}

/** Parses the query string of GET /motion-events; throws VALIDATION_FAILED naming the first bad parameter. */
export function parseMotionFilters(query: Record<string, string | string[] | undefined>): MotionFilters {
  const { network_id, device_id, since, until, limit, cursor } = singleValues(query, FILTER_NAMES);
  const filters: MotionFilters = { limit: MOTION_DEFAULT_LIMIT };
  if (network_id !== undefined) filters.networkId = parseNetworkId(network_id);
  if (device_id !== undefined) filters.deviceId = parseDeviceId(device_id);
  if (since !== undefined) filters.since = parseDateTime(since, "since");
  if (until !== undefined) filters.until = parseDateTime(until, "until");
  if (limit !== undefined) filters.limit = parsePageLimit(limit, MOTION_MAX_LIMIT);
  if (cursor !== undefined) filters.after = decodeKeysetCursor(cursor);
  return filters;
}

/** Queries one page of motion events and the cursor of the next page (null on the last page). */
export async function queryMotionEvents(db: Knex, filters: MotionFilters): Promise<{ items: MotionItem[]; next_cursor: string | null }> {
  const query = db("motion_events").select(MOTION_COLUMNS);
  if (filters.networkId) query.where("network_id", filters.networkId);
  if (filters.deviceId) query.where("device_id", filters.deviceId);
  if (filters.since) query.where("timestamp", ">=", filters.since.toISOString());
  if (filters.until) query.where("timestamp", "<", filters.until.toISOString());
  if (filters.after) query.whereRaw("(timestamp, id) < (?::timestamptz, ?::bigint)", [filters.after.timestamp, filters.after.id]);

  const rows = (await query.orderBy([{ column: "timestamp", order: "desc" }, { column: "id", order: "desc" }]).limit(filters.limit + 1)) as MotionRow[];
  const items = rows.slice(0, filters.limit).map(toMotionItem);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > filters.limit && last ? encodeKeysetCursor(last) : null };
}

/** Returns one motion event, or null when no event has this id. */
export async function getMotionEvent(db: Knex, id: string): Promise<MotionItem | null> {
  const row = (await db("motion_events").select(MOTION_COLUMNS).where({ id }).first()) as MotionRow | undefined;
  return row ? toMotionItem(row) : null;
}
