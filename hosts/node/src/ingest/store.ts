/**
 * The bulk writes of one batch: one statement per table, whatever the number of entries. Rows go
 * to PostgreSQL as one JSON array expanded by jsonb_to_recordset, so each statement has a few bind
 * parameters and runs the same on PGlite. A bind parameter per column and row would pass the
 * protocol's limit of 65,535 parameters at about 6,000 log entries.
 */
import type { Knex } from "knex";
import { LOG_COLUMNS, type LogRow } from "../logs/item.ts";
import { MOTION_COLUMNS, type MotionRow } from "../motion/item.ts";
import type { DeviceState } from "./presence.ts";
import type { VerifiedLog, VerifiedMotion } from "./verify.ts";

export interface FrameOrigin {
  networkId: string;
  homeBaseId: string;
  batchSeq: number;
}

export function isoOfSec(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

/** Keeps the first entry of each (device, seq): a frame forwarded twice in one batch is stored once. */
function firstOfEachFrame<T extends { deviceId: string; seq: number }>(entries: readonly T[]): T[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.deviceId}/${entry.seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Inserts the log lines not stored before; returns the new rows keyed by `<device id>/<seq>`. */
export async function insertLogs(trx: Knex.Transaction, origin: FrameOrigin, logs: readonly VerifiedLog[]): Promise<Map<string, LogRow>> {
  const stored = new Map<string, LogRow>();
  const rows = firstOfEachFrame(logs).map((entry) => ({
    device_id: entry.deviceId,
    timestamp: isoOfSec(entry.timestamp),
    seq: entry.seq,
    level: entry.payload.level,
    level_rank: entry.levelRank,
    category: entry.payload.category,
    message: entry.payload.message,
    received_at: isoOfSec(entry.receivedAt),
  }));
  if (rows.length === 0) return stored;

  const result = await trx.raw(
    `insert into device_logs (network_id, home_base_id, batch_seq, device_id, timestamp, seq, level, level_rank, category, message, received_at)
     select ?::uuid, ?, ?::bigint, device_id, timestamp, seq, level, level_rank, category, message, received_at
     from jsonb_to_recordset(?::jsonb) as input(device_id text, timestamp timestamptz, seq bigint, level text, level_rank smallint, category text, message text, received_at timestamptz)
     on conflict (network_id, device_id, seq) do nothing
     returning ${LOG_COLUMNS.map((column) => `"${column}"`).join(", ")}`,
    [origin.networkId, origin.homeBaseId, origin.batchSeq, JSON.stringify(rows)],
  );
  for (const row of result.rows as LogRow[]) stored.set(`${row.device_id}/${Number(row.seq)}`, row);
  return stored;
}

/** Inserts the motion events not stored before; returns the new rows keyed by `<device id>/<seq>`. */
export async function insertMotions(trx: Knex.Transaction, origin: FrameOrigin, motions: readonly VerifiedMotion[]): Promise<Map<string, MotionRow>> {
  const stored = new Map<string, MotionRow>();
  const rows = firstOfEachFrame(motions).map((entry) => ({
    device_id: entry.deviceId,
    timestamp: isoOfSec(entry.timestamp),
    seq: entry.seq,
    zone: entry.payload.zone,
    confidence: entry.payload.confidence,
    media_path: entry.payload.media,
    data: entry.payload.data,
    received_at: isoOfSec(entry.receivedAt),
  }));
  if (rows.length === 0) return stored;

  // A path the home base reported before this batch arrived (motion_media_pending) wins over the
  // payload's `media`: the home base knows where it stored the content, the device does not.
  const result = await trx.raw(
    `insert into motion_events (network_id, home_base_id, device_id, timestamp, seq, zone, confidence, media_path, data, received_at)
     select ?::uuid, ?, input.device_id, input.timestamp, input.seq, input.zone, input.confidence, coalesce(pending.path, input.media_path), input.data, input.received_at
     from jsonb_to_recordset(?::jsonb) as input(device_id text, timestamp timestamptz, seq bigint, zone text, confidence double precision, media_path text, data jsonb, received_at timestamptz)
     left join motion_media_pending pending on pending.network_id = ?::uuid and pending.device_id = input.device_id and pending.seq = input.seq
     on conflict (network_id, device_id, seq) do nothing
     returning ${MOTION_COLUMNS.map((column) => `"${column}"`).join(", ")}`,
    [origin.networkId, origin.homeBaseId, JSON.stringify(rows), origin.networkId],
  );
  for (const row of result.rows as MotionRow[]) stored.set(`${row.device_id}/${Number(row.seq)}`, row);
  await deleteAppliedPending(trx, origin.networkId, [...stored.values()]);
  return stored;
}

/** Deletes the pending media paths that the newly stored motion events took. */
async function deleteAppliedPending(trx: Knex.Transaction, networkId: string, rows: readonly MotionRow[]): Promise<void> {
  const keys = rows.filter((row) => row.media_path !== null).map((row) => ({ device_id: row.device_id, seq: Number(row.seq) }));
  if (keys.length === 0) return;

  await trx.raw(
    `delete from motion_media_pending using jsonb_to_recordset(?::jsonb) as input(device_id text, seq bigint)
     where motion_media_pending.network_id = ?::uuid and motion_media_pending.device_id = input.device_id and motion_media_pending.seq = input.seq`,
    [JSON.stringify(keys), networkId],
  );
}

/** Writes online and last_seen of every device whose state the batch changed, in one statement. */
export async function updateDeviceStates(trx: Knex.Transaction, networkId: string, states: Map<string, DeviceState>): Promise<void> {
  const rows = [...states]
    .filter(([, state]) => state.changed)
    .map(([deviceId, state]) => ({ device_id: deviceId, online: state.online, last_seen: state.lastSeenMs === null ? null : new Date(state.lastSeenMs).toISOString() }));
  if (rows.length === 0) return;

  await trx.raw(
    `update devices set online = input.online, last_seen = input.last_seen
     from jsonb_to_recordset(?::jsonb) as input(device_id text, online boolean, last_seen timestamptz)
     where devices.network_id = ?::uuid and devices.device_id = input.device_id`,
    [JSON.stringify(rows), networkId],
  );
}
