/**
 * Checks of the JSON payloads of verified frames (docs/protocol.md section 1.2). The core has already
 * checked that a payload is a JSON object in valid UTF-8; these check the fields each type needs.
 * Unknown fields are kept and ignored.
 */
export const LOG_LEVELS = ["debug", "info", "warning", "error", "critical"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The stored rank of each level, so that a minimum level is one comparison. */
export const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };

export const CATEGORY_PATTERN = /^[a-z0-9_.-]{1,32}$/;

export interface LogPayload {
  level: LogLevel;
  category: string;
  message: string;
}

/** True when a string, a member name or a nested value contains U+0000. */
function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([key, member]) => key.includes("\u0000") || containsNul(member));
}

/**
 * Parses a payload into a JSON object. A payload with U+0000 anywhere is refused like a malformed
 * one: JSON allows the `\u0000` escape, but PostgreSQL text and jsonb cannot store it, and one
 * such entry must not fail the transaction of the whole batch.
 */
function parseObject(payload: Buffer): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch {
    return null;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  return containsNul(value) ? null : (value as Record<string, unknown>);
}

/** Parses the log fields of a log frame's payload; returns null when one is missing or breaks its rule. */
export function parseLogPayload(payload: Buffer): LogPayload | null {
  const value = parseObject(payload);
  if (!value) return null;
  const { level, category, message } = value;
  if (typeof level !== "string" || !(LOG_LEVELS as readonly string[]).includes(level)) return null;
  if (typeof category !== "string" || !CATEGORY_PATTERN.test(category)) return null;
  if (typeof message !== "string") return null;
  return { level: level as LogLevel, category, message };
}

/**
 * A media path on the home base: 1 to 128 characters of `A-Z a-z 0-9 _ - . /` in segments split by
 * single slashes, none of them `.` or `..`, so that the path cannot leave the home base's media
 * folder when it is put in a URL.
 */
export const MEDIA_PATH_PATTERN = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const MEDIA_PATH_MAX_LEN = 128;

export interface MotionPayload {
  zone: string;
  confidence: number | null;
  /** The media path on the home base, or null when the payload has no `media`. */
  media: string | null;
  /** The whole payload, unknown members included. */
  data: Record<string, unknown>;
}

/**
 * Parses a motion frame's payload; returns null without a string `zone`, with `confidence` outside
 * 0 to 1, or with a `media` member that is not a media path (MEDIA_PATH_PATTERN).
 */
export function parseMotionPayload(payload: Buffer): MotionPayload | null {
  const value = parseObject(payload);
  if (!value || typeof value.zone !== "string") return null;

  const confidence = value.confidence;
  if (confidence !== undefined && (typeof confidence !== "number" || confidence < 0 || confidence > 1)) return null;

  const media = value.media;
  if (media !== undefined && (typeof media !== "string" || media.length > MEDIA_PATH_MAX_LEN || !MEDIA_PATH_PATTERN.test(media))) return null;

  return { zone: value.zone, confidence: confidence ?? null, media: media ?? null, data: value };
}
