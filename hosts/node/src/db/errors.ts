/**
 * Recognises PostgreSQL errors by SQLSTATE so that callers can turn them into catalogue errors
 * (a unique violation becomes DEVICE_EXISTS, 409). Works for `pg` and PGlite errors alike: both
 * carry `code` and, for constraint failures, `constraint`.
 */

/** SQLSTATE codes this server reacts to. */
export const SQLSTATE = {
  UNIQUE_VIOLATION: "23505",
  FOREIGN_KEY_VIOLATION: "23503",
  CHECK_VIOLATION: "23514",
  INVALID_TEXT_REPRESENTATION: "22P02",
} as const;

interface DatabaseErrorLike {
  code?: unknown;
  constraint?: unknown;
}

/** Returns the violated constraint's name when `error` is a unique violation, otherwise null. */
export function uniqueViolation(error: unknown): string | null {
  const candidate = error as DatabaseErrorLike | null;
  if (candidate?.code !== SQLSTATE.UNIQUE_VIOLATION) return null;
  return typeof candidate.constraint === "string" ? candidate.constraint : "";
}

/** Tells whether `error` carries the given SQLSTATE. */
export function hasSqlState(error: unknown, code: string): boolean {
  return (error as DatabaseErrorLike | null)?.code === code;
}
