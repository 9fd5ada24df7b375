/**
 * Field checks for request bodies and query strings. Each throws ApiError VALIDATION_FAILED with
 * the `field` member naming the field and a detail that gives the value's problem and the limit.
 * `field` is the name used in errors; it defaults to `key` and names nested members in full
 * (`home_base.port`).
 */
import { ApiError } from "../errors.ts";

export function invalid(field: string, detail: string): ApiError {
  return new ApiError("VALIDATION_FAILED", detail, { field });
}

/**
 * Returns `body[field]` when it is a string of `min` to `max` characters (UTF-16 code units) without
 * U+0000: PostgreSQL text cannot store that character, so it is rejected here as a client error.
 */
export function requireString(body: Record<string, unknown>, key: string, min: number, max: number, field: string = key): string {
  const value = body[key];
  if (value === undefined || value === null) throw invalid(field, `${field} is missing`);
  if (typeof value !== "string") throw invalid(field, `${field} must be a string, got ${describeType(value)}`);
  if (value.length < min || value.length > max) throw invalid(field, `${field} has ${value.length} characters, expected ${min} to ${max}`);
  if (value.includes("\u0000")) throw invalid(field, `${field} contains the character U+0000, which is not allowed`);
  return value;
}

/** Returns `body[field]` when it is an integer from `min` to `max`. */
export function requireInteger(body: Record<string, unknown>, key: string, min: number, max: number, field: string = key): number {
  const value = body[key];
  if (value === undefined || value === null) throw invalid(field, `${field} is missing`);
  if (typeof value !== "number" || !Number.isInteger(value)) throw invalid(field, `${field} must be an integer, got ${describeType(value)}`);
  if (value < min || value > max) throw invalid(field, `${field} is ${value}, expected ${min} to ${max}`);
  return value;
}

/** Returns `body[field]` when it is a JSON object (not an array or null). */
export function requireObject(body: Record<string, unknown>, key: string, field: string = key): Record<string, unknown> {
  const value = body[key];
  if (value === undefined || value === null) throw invalid(field, `${field} is missing`);
  if (typeof value !== "object" || Array.isArray(value)) throw invalid(field, `${field} must be an object, got ${describeType(value)}`);
  return value as Record<string, unknown>;
}

/** Rejects members of `body` outside `allowed`, so a misspelt optional field is not silently ignored. */
export function rejectUnknownFields(body: Record<string, unknown>, allowed: readonly string[], prefix = ""): void {
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalid(prefix + unknown, `unknown field ${prefix}${unknown}; expected only ${allowed.map((key) => prefix + key).join(", ")}`);
}

/** Tells whether a string is a UUID in the canonical 8-4-4-4-12 hex form. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
