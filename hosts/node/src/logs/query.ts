/**
 * The filters of GET /logs and the query they build. Results are newest first (timestamp desc,
 * id desc). The cursor is the (timestamp, id) of the last item of the previous page. The next page
 * is a keyset query after it, not an OFFSET, so a page never repeats or skips a row, even when
 * rows share a timestamp or new rows arrive between pages.
 */
import type { Knex } from "knex";
import { CATEGORY_PATTERN, LEVEL_RANK, LOG_LEVELS, type LogLevel } from "../ingest/payloads.ts";
import { decodeKeysetCursor, encodeKeysetCursor, invalidQuery, parseDateTime, parseDeviceId, parseNetworkId, parsePageLimit, singleValues, type KeysetPosition } from "../http/query-params.ts";
import { LOG_COLUMNS, toLogItem, type LogItem, type LogRow } from "./item.ts";

export const LOGS_DEFAULT_LIMIT = 100;
/** The largest page; a client that needs more follows next_cursor. */
export const LOGS_MAX_LIMIT = 1000;
/** The longest `text` filter, in characters. */
export const LOGS_TEXT_MAX_LEN = 200;

const FILTER_NAMES = ["network_id", "device_id", "min_level", "category", "since", "until", "text", "limit", "cursor"] as const;

export interface LogFilters {
  networkId?: string;
  deviceId?: string;
  minLevel?: LogLevel;
  category?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** A substring of the message, matched without regard to case. */
  text?: string;
  limit: number;
  after?: KeysetPosition;
}

/** Escapes the LIKE wildcards % and _ and the escape character itself, so `text` matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/** Parses the query string of GET /logs; throws VALIDATION_FAILED naming the first bad parameter. */
export function parseLogFilters(query: Record<string, string | string[] | undefined>): LogFilters {
  const { network_id, device_id, min_level, category, since, until, text, limit, cursor } = singleValues(query, FILTER_NAMES);
  const filters: LogFilters = { limit: LOGS_DEFAULT_LIMIT };

  if (network_id !== undefined) filters.networkId = parseNetworkId(network_id);
  if (device_id !== undefined) filters.deviceId = parseDeviceId(device_id);
  if (min_level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(min_level)) invalidQuery("min_level", `must be one of ${LOG_LEVELS.join(", ")}`);
    filters.minLevel = min_level as LogLevel;
  }
  if (category !== undefined) {
    if (!CATEGORY_PATTERN.test(category)) invalidQuery("category", "must be 1 to 32 characters of a-z 0-9 _ - .");
    filters.category = category;
  }
  if (since !== undefined) filters.since = parseDateTime(since, "since");
  if (until !== undefined) filters.until = parseDateTime(until, "until");
  if (text !== undefined) {
    if (text.length === 0 || text.length > LOGS_TEXT_MAX_LEN) invalidQuery("text", `must be 1 to ${LOGS_TEXT_MAX_LEN} characters; got ${text.length}`);
    if (text.includes("\u0000")) invalidQuery("text", "must not contain U+0000");
    filters.text = text;
  }
  if (limit !== undefined) filters.limit = parsePageLimit(limit, LOGS_MAX_LIMIT);
  if (cursor !== undefined) filters.after = decodeKeysetCursor(cursor);
  return filters;
}

/** Queries one page of log items and the cursor of the next page (null on the last page). */
export async function queryLogs(db: Knex, filters: LogFilters): Promise<{ items: LogItem[]; next_cursor: string | null }> {
  const query = db("device_logs").select(LOG_COLUMNS);
  if (filters.networkId) query.where("network_id", filters.networkId);
  if (filters.deviceId) query.where("device_id", filters.deviceId);
  if (filters.minLevel) query.where("level_rank", ">=", LEVEL_RANK[filters.minLevel]);
  if (filters.category) query.where("category", filters.category);
  if (filters.since) query.where("timestamp", ">=", filters.since.toISOString());
  if (filters.until) query.where("timestamp", "<", filters.until.toISOString());
  // NOTE: a text filter scans the rows that the other filters leave, since no index serves ILIKE '%...%'.
  if (filters.text) query.whereRaw("message ilike ? escape '\\'", [`%${escapeLike(filters.text)}%`]);
  if (filters.after) query.whereRaw("(timestamp, id) < (?::timestamptz, ?::bigint)", [filters.after.timestamp, filters.after.id]);

  // Fetching one row more than the page shows whether another page follows.
  const rows = (await query.orderBy([{ column: "timestamp", order: "desc" }, { column: "id", order: "desc" }]).limit(filters.limit + 1)) as LogRow[];
  const items = rows.slice(0, filters.limit).map(toLogItem);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > filters.limit && last ? encodeKeysetCursor(last) : null };
}
