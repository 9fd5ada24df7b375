/**
 * Cursor pagination for list endpoints: every list returns `{ items, next_cursor }`.
 *
 * A cursor is the sort key of the last item of a page, as a JSON array of strings in base64url.
 * Clients treat it as opaque. A page is read with `limit + 1` rows so that the extra row shows
 * whether another page follows without a second query.
 */
import { invalid } from "./validate.ts";

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;
const CURSOR_MAX_CHARS = 512;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Reads `limit` from a query string: 1 to PAGE_LIMIT_MAX without leading zeros, PAGE_LIMIT_DEFAULT when absent. */
export function parseLimit(query: Record<string, string | string[] | undefined>): number {
  const raw = query.limit;
  if (raw === undefined) return PAGE_LIMIT_DEFAULT;
  if (typeof raw !== "string" || !/^(0|[1-9][0-9]{0,3})$/.test(raw)) throw invalid("limit", `limit must be an integer from 1 to ${PAGE_LIMIT_MAX} without leading zeros, got ${JSON.stringify(raw)}`);

  const limit = Number(raw);
  if (limit < 1 || limit > PAGE_LIMIT_MAX) throw invalid("limit", `limit is ${limit}, expected 1 to ${PAGE_LIMIT_MAX}`);
  return limit;
}

export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/** Checks one part of a cursor key before it reaches SQL, where a bad value would fail a cast. */
export type CursorPartCheck = (part: string) => boolean;

/**
 * Accepts only the exact output of Date.toISOString(). The round trip rejects dates such as
 * February 30, which Date.parse moves to March but PostgreSQL rejects (a 500 before this check).
 */
export const isIsoTimestamp: CursorPartCheck = (part) => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(part)) return false;
  const time = Date.parse(part);
  return !Number.isNaN(time) && new Date(time).toISOString() === part;
};

/**
 * Reads `cursor` from a query string as a key with one string per check; null when absent.
 * Throws VALIDATION_FAILED for a cursor this server did not make.
 */
export function parseCursor(query: Record<string, string | string[] | undefined>, checks: readonly CursorPartCheck[]): string[] | null {
  const raw = query.cursor;
  if (raw === undefined) return null;
  if (typeof raw !== "string" || raw.length === 0 || raw.length > CURSOR_MAX_CHARS || !/^[A-Za-z0-9_-]+$/.test(raw)) {
    throw invalid("cursor", "cursor is malformed; pass the next_cursor of the previous page unchanged");
  }

  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    key = undefined;
  }
  const valid = Array.isArray(key) && key.length === checks.length && key.every((part, i) => typeof part === "string" && checks[i]!(part));
  if (!valid) {
    throw invalid("cursor", "cursor is malformed; pass the next_cursor of the previous page unchanged");
  }
  return key as string[];
}

/** Builds a page from `limit + 1` rows; `keyOf` gives the sort key of a row for the next cursor. */
export function toPage<Row, Item>(rows: Row[], limit: number, keyOf: (row: Row) => string[], toItem: (row: Row) => Item): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null;
  return { items: pageRows.map(toItem), next_cursor: nextCursor };
}
