/**
 * The shape of an ingest batch (docs/protocol.md section 3). validateBatch() checks types and ranges
 * only; frames are decoded and verified later, entry by entry, by the service. A batch that fails
 * here is rejected whole with 400 VALIDATION_FAILED naming the field, because a home base that
 * builds such a batch has a bug that retrying cannot fix.
 */
import { ApiError } from "../errors.ts";

export const BATCH_MAX_ENTRIES = 10_000;
const U32_MAX = 0xffff_ffff;
/** A frame is at most 250 bytes (docs/protocol.md section 1), so 500 hex characters. */
const FRAME_MAX_HEX_LEN = 500;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,15}$/;

/** The longest batch interval a home base may report: one day (docs/protocol.md section 3). */
export const BATCH_INTERVAL_MAX_SEC = 86_400;

export interface FrameEntry {
  kind: "log" | "motion";
  device_id: string;
  received_at: number;
  rssi: number | null;
  frame: Buffer;
}

export interface StatusEntry {
  kind: "device_status";
  device_id: string;
  timestamp: number;
  online: boolean;
}

export type BatchEntry = FrameEntry | StatusEntry;

export interface IngestBatch {
  key_id: string;
  batch_seq: number;
  interval_sec: number;
  sealed_at: number;
  entries: BatchEntry[];
}

function invalid(field: string, rule: string): never {
  throw new ApiError("VALIDATION_FAILED", `${field} ${rule}`, { field });
}

function u32(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > U32_MAX) invalid(field, `must be an integer from 0 to ${U32_MAX}`);
  return value;
}

function deviceId(value: unknown, field: string): string {
  if (typeof value !== "string" || !DEVICE_ID.test(value)) invalid(field, "must be 1 to 15 characters of A-Z a-z 0-9 _ -");
  return value;
}

function frameEntry(entry: Record<string, unknown>, at: string): FrameEntry {
  const frame = entry.frame;
  if (typeof frame !== "string" || frame.length === 0 || frame.length > FRAME_MAX_HEX_LEN || frame.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(frame)) {
    invalid(`${at}.frame`, `must be hex of 1 to ${FRAME_MAX_HEX_LEN / 2} bytes`);
  }
  const rssi = entry.rssi;
  if (rssi !== undefined && rssi !== null && (typeof rssi !== "number" || !Number.isInteger(rssi) || rssi < -128 || rssi > 127)) {
    invalid(`${at}.rssi`, "must be an integer from -128 to 127 dBm");
  }
  return {
    kind: entry.kind as "log" | "motion",
    device_id: deviceId(entry.device_id, `${at}.device_id`),
    received_at: u32(entry.received_at, `${at}.received_at`),
    rssi: (rssi as number | undefined) ?? null,
    frame: Buffer.from(frame, "hex"),
  };
}

function statusEntry(entry: Record<string, unknown>, at: string): StatusEntry {
  if (typeof entry.online !== "boolean") invalid(`${at}.online`, "must be true or false");
  return {
    kind: "device_status",
    device_id: deviceId(entry.device_id, `${at}.device_id`),
    timestamp: u32(entry.timestamp, `${at}.timestamp`),
    online: entry.online,
  };
}

/** Checks a parsed batch body; throws VALIDATION_FAILED (400) naming the first bad field. */
export function validateBatch(body: Record<string, unknown>): IngestBatch {
  if (typeof body.key_id !== "string") invalid("key_id", "must be a string");
  const batchSeq = u32(body.batch_seq, "batch_seq");
  const intervalSec = u32(body.interval_sec, "interval_sec");
  // Presence multiplies the interval (three missed intervals mark a home base offline), so it is
  // bounded to a day, well inside the database's integer range.
  if (intervalSec === 0 || intervalSec > BATCH_INTERVAL_MAX_SEC) invalid("interval_sec", `must be 1 to ${BATCH_INTERVAL_MAX_SEC} seconds`);
  const sealedAt = u32(body.sealed_at, "sealed_at");

  if (!Array.isArray(body.entries)) invalid("entries", "must be an array");
  if (body.entries.length > BATCH_MAX_ENTRIES) invalid("entries", `has ${body.entries.length} entries, max ${BATCH_MAX_ENTRIES}`);

  const entries = body.entries.map((entry: unknown, index: number): BatchEntry => {
    const at = `entries[${index}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) invalid(at, "must be an object");
    const fields = entry as Record<string, unknown>;
    if (fields.kind === "log" || fields.kind === "motion") return frameEntry(fields, at);
    if (fields.kind === "device_status") return statusEntry(fields, at);
    return invalid(`${at}.kind`, "must be log, motion or device_status");
  });

  return { key_id: body.key_id, batch_seq: batchSeq, interval_sec: intervalSec, sealed_at: sealedAt, entries };
}
