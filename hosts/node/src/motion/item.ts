/**
 * One stored motion event as the API shows it, in GET /motion-events and in motion_event events.
 * The database drivers differ (pg returns bigint as a string, PGlite as a number), so every field
 * is converted here.
 */
export interface MotionItem {
  id: string;
  network_id: string;
  device_id: string;
  home_base_id: string;
  /** The device's time of the detection, from the signed frame. */
  timestamp: string;
  seq: number;
  zone: string;
  confidence: number | null;
  /** The media's path on the home base; fetch it through GET /motion-events/{id}/media. */
  media_path: string | null;
  /** The home base's time when the frame arrived. */
  received_at: string | null;
  /** The whole signed payload, unknown members included. */
  data: Record<string, unknown>;
}

export interface MotionRow {
  id: string | number | bigint;
  network_id: string;
  device_id: string;
  home_base_id: string;
  timestamp: Date | string;
  seq: string | number | bigint;
  zone: string | null;
  confidence: number | string | null;
  media_path: string | null;
  received_at: Date | string | null;
  data: Record<string, unknown> | string;
}

export const MOTION_COLUMNS = ["id", "network_id", "device_id", "home_base_id", "timestamp", "seq", "zone", "confidence", "media_path", "received_at", "data"];

export function toMotionItem(row: MotionRow): MotionItem {
  const data = typeof row.data === "string" ? (JSON.parse(row.data) as Record<string, unknown>) : row.data;
  return {
    id: String(row.id),
    network_id: row.network_id,
    device_id: row.device_id,
    home_base_id: row.home_base_id,
    timestamp: new Date(row.timestamp).toISOString(),
    seq: Number(row.seq),
    // Rows stored before migration 004 have no zone column value; their payload has it.
    zone: row.zone ?? String(data.zone ?? ""),
    confidence: row.confidence === null ? null : Number(row.confidence),
    media_path: row.media_path,
    received_at: row.received_at === null ? null : new Date(row.received_at).toISOString(),
    data,
  };
}
