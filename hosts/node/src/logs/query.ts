/**
 * The filters of GET /logs and the query they build. Results are newest first (timestamp desc,
 * id desc). The cursor is the (timestamp, id) of the last item of the previous page as base64url
 * JSON, so a page never repeats or skips a row even when rows share a timestamp.
 */
import type { Knex } from "knex";
import { ApiError } from "../errors.ts";
import { CATEGORY_PATTERN, LEVEL_RANK, LOG_LEVELS, type LogLevel } from "../ingest/payloads.ts";
import { LOG_COLUMNS, toLogItem, type LogItem, type LogRow } from "./item.ts";

export const LOGS_DEFAULT_LIMIT = 100;
export const LOGS_MAX_LIMIT = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,15}$/;
/** ISO 8601 date and time with an explicit offset; a time without one would depend on the server's zone. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const FILTER_NAMES = ["network_id", "device_id", "min_level", "category", "since", "until", "limit", "cursor"] as const;

export interface LogFilters {
  networkId?: string;
  deviceId?: string;
  minLevel?: LogLevel;
  category?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  limit: number;
  after?: { timestamp: string; id: string };
}

function invalid(field: string, rule: string): never {
  throw new ApiError("VALIDATION_FAILED", `query parameter ${field} ${rule}`, { field });
}

function parseDateTime(value: string, field: string): Date {
  const ms = Date.parse(value);
  if (!ISO_DATE_TIME.test(value) || Number.isNaN(ms)) invalid(field, `must be an ISO 8601 date and time with an offset, e.g. 2026-01-01T00:00:00Z; got ${JSON.stringify(value)}`);
  return new Date(ms);
}

export function encodeCursor(item: LogItem): string {
  return Buffer.from(JSON.stringify({ t: item.timestamp, id: item.id })).toString("base64url");
}

function decodeCursor(value: string): { timestamp: string; id: string } {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { t?: unknown; id?: unknown };
    if (typeof parsed.t === "string" && !Number.isNaN(Date.parse(parsed.t)) && typeof parsed.id === "string" && /^[0-9]{1,19}$/.test(parsed.id)) {
      return { timestamp: parsed.t, id: parsed.id };
    }
  } catch {
    // Falls through to the error below: a cursor is opaque, so every kind of damage gets one message.
  }
  return invalid("cursor", "is not a cursor returned by this endpoint");
}

/** Parses the query string of GET /logs; throws VALIDATION_FAILED naming the first bad parameter. */
export function parseLogFilters(query: Record<string, string | string[] | undefined>): LogFilters {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!(FILTER_NAMES as readonly string[]).includes(name)) invalid(name, `is unknown; known parameters: ${FILTER_NAMES.join(", ")}`);
    if (Array.isArray(value)) invalid(name, "is given more than once");
    if (value !== undefined) values[name] = value;
  }

  const filters: LogFilters = { limit: LOGS_DEFAULT_LIMIT };
  const { network_id, device_id, min_level, category, since, until, limit, cursor } = values;
  if (network_id !== undefined) {
    if (!UUID.test(network_id)) invalid("network_id", "must be a UUID");
    filters.networkId = network_id.toLowerCase();
  }
  if (device_id !== undefined) {
    if (!DEVICE_ID.test(device_id)) invalid("device_id", "must be 1 to 15 characters of A-Z a-z 0-9 _ -");
    filters.deviceId = device_id;
  }
  if (min_level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(min_level)) invalid("min_level", `must be one of ${LOG_LEVELS.join(", ")}`);
    filters.minLevel = min_level as LogLevel;
  }
  if (category !== undefined) {
    if (!CATEGORY_PATTERN.test(category)) invalid("category", "must be 1 to 32 characters of a-z 0-9 _ - .");
    filters.category = category;
  }
  if (since !== undefined) filters.since = parseDateTime(since, "since");
  if (until !== undefined) filters.until = parseDateTime(until, "until");
  if (limit !== undefined) {
    if (!/^[0-9]{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > LOGS_MAX_LIMIT) invalid("limit", `must be an integer from 1 to ${LOGS_MAX_LIMIT}`);
    filters.limit = Number(limit);
  }
  if (cursor !== undefined) filters.after = decodeCursor(cursor);
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
  if (filters.after) query.whereRaw("(timestamp, id) < (?::timestamptz, ?::bigint)", [filters.after.timestamp, filters.after.id]);

  // Fetching one row more than the page shows whether another page follows.
  const rows = (await query.orderBy([{ column: "timestamp", order: "desc" }, { column: "id", order: "desc" }]).limit(filters.limit + 1)) as LogRow[];
  const items = rows.slice(0, filters.limit).map(toLogItem);
  const last = items[items.length - 1];
  return { items, next_cursor: rows.length > filters.limit && last ? encodeCursor(last) : null };
}
