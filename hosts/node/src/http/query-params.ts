/**
 * Query-string checks shared by the list endpoints of stored device data (GET /logs and
 * GET /motion-events). Each throws VALIDATION_FAILED with `field` naming the parameter.
 */
import { ApiError } from "../errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,15}$/;
/** ISO 8601 date and time with an explicit offset; a time without one would depend on the server's zone. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
/** A decimal without sign or leading zeros, so `05` and `+5` are rejected instead of read as 5. */
const PLAIN_DECIMAL = /^[1-9][0-9]{0,5}$/;

export function invalidQuery(field: string, rule: string): never {
  throw new ApiError("VALIDATION_FAILED", `query parameter ${field} ${rule}`, { field });
}

/**
 * Returns the parameters as single strings. Rejects a parameter outside `known`, so that a misspelt
 * filter is an error instead of being ignored, and a parameter given twice.
 */
export function singleValues(query: Record<string, string | string[] | undefined>, known: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!known.includes(name)) invalidQuery(name, `is unknown; known parameters: ${known.join(", ")}`);
    if (Array.isArray(value)) invalidQuery(name, "is given more than once");
    if (value !== undefined) values[name] = value;
  }
  return values;
}

export function parseNetworkId(value: string, field = "network_id"): string {
  if (!UUID.test(value)) invalidQuery(field, `must be a UUID; got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

export function parseDeviceId(value: string, field = "device_id"): string {
  if (!DEVICE_ID.test(value)) invalidQuery(field, "must be 1 to 15 characters of A-Z a-z 0-9 _ -");
  return value;
}

/** Parses a page size of 1 to `max`, written without sign or leading zeros. */
export function parsePageLimit(value: string, max: number, field = "limit"): number {
  if (!PLAIN_DECIMAL.test(value) || Number(value) > max) invalidQuery(field, `must be an integer from 1 to ${max} without leading zeros; got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * Parses an ISO 8601 date and time with an offset. Rejects dates that do not exist (2026-02-30,
 * hour 24), which Date.parse would roll over into the next month or day.
 */
export function parseDateTime(value: string, field: string): Date {
  const match = ISO_DATE_TIME.exec(value);
  const ms = Date.parse(value);
  const example = "e.g. 2026-01-01T00:00:00Z";
  if (!match || Number.isNaN(ms)) invalidQuery(field, `must be an ISO 8601 date and time with an offset, ${example}; got ${JSON.stringify(value)}`);

  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const calendar = new Date(Date.UTC(year!, month! - 1, day!));
  const dateExists = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month! - 1 && calendar.getUTCDate() === day;
  if (!dateExists || hour! > 23 || minute! > 59 || second! > 59 || offsetHour! > 23 || offsetMinute! > 59) {
    invalidQuery(field, `is not a valid date and time; got ${JSON.stringify(value)}, ${example}`);
  }
  return new Date(ms);
}

/** The sort key (timestamp, id) of the last item of a page: the position the next page starts after. */
export interface KeysetPosition {
  timestamp: string;
  id: string;
}

/** Encodes a page position as an opaque base64url string. */
export function encodeKeysetCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ t: position.timestamp, id: position.id })).toString("base64url");
}

/** Decodes a cursor made by encodeKeysetCursor; every kind of damage gets the same message. */
export function decodeKeysetCursor(value: string, field = "cursor"): KeysetPosition {
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { t?: unknown; id?: unknown };
    if (typeof parsed.t === "string" && !Number.isNaN(Date.parse(parsed.t)) && typeof parsed.id === "string" && /^[0-9]{1,19}$/.test(parsed.id)) {
      return { timestamp: parsed.t, id: parsed.id };
    }
  } catch {
    // Falls through to the error below.
  }
  return invalidQuery(field, "is not a cursor returned by this endpoint; pass next_cursor unchanged");
}
