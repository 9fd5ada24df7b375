/**
 * PostgreSQL cannot store U+0000 or a lone UTF-16 surrogate in text or jsonb, and docs/protocol.md
 * section 1.2 forbids U+0000 in every payload. The core's JSON check accepts both inside a
 * set_config object, so command arguments are checked here, before they reach the core or a table.
 */
import { invalid } from "../http/validate.ts";

/** A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function unstorable(text: string): boolean {
  return text.includes("\u0000") || LONE_SURROGATE.test(text);
}

/**
 * Throws VALIDATION_FAILED naming `field` when any string or member name inside `value` contains
 * U+0000 or a lone surrogate. `value` is a parsed JSON value and is left unchanged.
 */
export function requireStorableJson(value: unknown, field: string): void {
  if (typeof value === "string") {
    if (unstorable(value)) throw invalid(field, `${field} contains U+0000 or a lone surrogate, which cannot be stored`);
    return;
  }
  if (value === null || typeof value !== "object") return;

  for (const [key, member] of Object.entries(value)) {
    if (unstorable(key)) throw invalid(field, `${field} has a member name with U+0000 or a lone surrogate, which cannot be stored`);
    requireStorableJson(member, field);
  }
}
