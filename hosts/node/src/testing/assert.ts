/** Assertions that uvu 0.5 lacks. */
import * as assert from "uvu/assert";

/** Awaits `promise` and fails unless it rejects with a message matching `pattern`; returns the error. */
export async function assertRejects(promise: Promise<unknown>, pattern: RegExp): Promise<Error> {
  let settled: { ok: true } | { ok: false; error: unknown };
  try {
    await promise;
    settled = { ok: true };
  } catch (error) {
    settled = { ok: false, error };
  }
  if (settled.ok) assert.unreachable(`expected a rejection matching ${pattern}, but the promise resolved`);

  const error = (settled as { error: unknown }).error as Error;
  assert.match(String(error?.message ?? error), pattern);
  return error;
}
