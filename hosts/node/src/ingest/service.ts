/**
 * Stores one ingest batch (docs/protocol.md section 3) in a single transaction: the batch row, the
 * entries that pass their checks, the devices' online state, and the events for the WebSocket
 * stream. A batch seen before (same network, home base and batch_seq) stores nothing again.
 *
 * Log and motion entries are trusted only through their device's signature: device id, timestamp,
 * seq and payload come from the verified frame, never from the home base's JSON. A frame forwarded
 * twice (in two batches, or twice in one) is stored once and counted as accepted both times.
 */
import type { Knex } from "knex";
import { nowSec } from "../clock.ts";
import type { AppDeps } from "../deps.ts";
import type { Logger } from "../logger.ts";
import { LOG_COLUMNS, toLogItem, type LogRow } from "../logs/item.ts";
import type { BatchEntry, FrameEntry, IngestBatch, StatusEntry } from "./batch.ts";
import { LEVEL_RANK, parseLogPayload, parseMotionPayload } from "./payloads.ts";
import type { HomeBaseSigner } from "./signature.ts";

/**
 * How far ahead of the server's clock a forwarded frame may be dated. The home base accepts a frame
 * within 300 s of its own clock, and its signed requests are within 300 s of the server's, so a
 * genuine frame is never further ahead than 600 s. Older frames are fine: a spool may hold them for
 * days while the central server is away.
 */
export const FRAME_MAX_AHEAD_SEC = 600;

/** Frame type bytes (docs/protocol.md section 1) that each entry kind must carry. */
const FRAME_TYPE_OF_KIND = { motion: 0x02, log: 0x03 } as const;

export interface RejectedEntry {
  index: number;
  code: string;
}

export interface IngestResult {
  batch_seq: number;
  duplicate: boolean;
  accepted: number;
  rejected: RejectedEntry[];
}

interface KnownDevice {
  publicKey: Buffer;
  /** The next key while a rotation runs; frames signed with either key are accepted until it completes. */
  pendingPublicKey: Buffer | null;
}

interface BatchContext {
  deps: AppDeps;
  trx: Knex.Transaction;
  signer: HomeBaseSigner;
  devices: Map<string, KnownDevice>;
  batchSeq: number;
  log: Logger;
  /** The newest accepted frame timestamp per device, not yet written to devices.last_seen. */
  pendingSeen: Map<string, number>;
}

function isoOfSec(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

/**
 * Loads the keys of the devices a batch names, in one query, and locks their rows in device id
 * order. Revoked devices are left out, so their frames are FRAME_UNKNOWN_DEVICE. Two batches of one network that run at once (an urgent batch overtaking a spooled one)
 * then take the locks in the same order, so one waits for the other instead of deadlocking.
 */
async function loadDevices(trx: Knex.Transaction, networkId: string, entries: BatchEntry[]): Promise<Map<string, KnownDevice>> {
  const ids = [...new Set(entries.map((entry) => entry.device_id))];
  const devices = new Map<string, KnownDevice>();
  if (ids.length === 0) return devices;
  const rows = await trx("devices").where({ network_id: networkId }).whereIn("device_id", ids).whereNull("revoked_at").orderBy("device_id").forUpdate().select("device_id", "public_key", "pending_public_key");
  for (const row of rows) {
    const pending = row.pending_public_key ? Buffer.from(String(row.pending_public_key).trim(), "hex") : null;
    devices.set(row.device_id, { publicKey: Buffer.from(String(row.public_key).trim(), "hex"), pendingPublicKey: pending });
  }
  return devices;
}

/** Marks a device seen at `timestampSec` unless a newer observation is already stored. */
async function markSeen(trx: Knex.Transaction, networkId: string, deviceId: string, timestampSec: number, online: boolean): Promise<boolean> {
  const at = isoOfSec(timestampSec);
  const updated = await trx("devices")
    .where({ network_id: networkId, device_id: deviceId })
    .andWhere((query) => query.whereNull("last_seen").orWhere("last_seen", "<", at))
    .update({ online, last_seen: at });
  return updated > 0;
}

/** The stored columns that every verified frame gives, whatever its type. */
interface FrameColumns {
  network_id: string;
  device_id: string;
  home_base_id: string;
  timestamp: string;
  seq: number;
}

/** Stores a log line once and publishes log_entry; returns false for an invalid payload. */
async function insertLog(context: BatchContext, columns: FrameColumns, payloadBytes: Buffer, receivedAtSec: number): Promise<boolean> {
  const payload = parseLogPayload(payloadBytes);
  if (!payload) return false;

  const inserted = await context.trx.raw(
    `insert into device_logs (network_id, device_id, home_base_id, timestamp, seq, level, level_rank, category, message, received_at, batch_seq)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (network_id, device_id, seq) do nothing
     returning ${LOG_COLUMNS.map((column) => `"${column}"`).join(", ")}`,
    [columns.network_id, columns.device_id, columns.home_base_id, columns.timestamp, columns.seq, payload.level, LEVEL_RANK[payload.level], payload.category, payload.message, isoOfSec(receivedAtSec), context.batchSeq],
  );
  const row = inserted.rows[0] as LogRow | undefined;
  if (row) await context.deps.events.publish(context.trx, "log_entry", columns.network_id, { ...toLogItem(row) });
  return true;
}

/** Stores a motion event once and publishes motion_event; returns false for an invalid payload. */
async function insertMotion(context: BatchContext, columns: FrameColumns, payloadBytes: Buffer, receivedAtSec: number): Promise<boolean> {
  const payload = parseMotionPayload(payloadBytes);
  if (!payload) return false;

  const inserted = await context.trx.raw(
    `insert into motion_events (network_id, device_id, home_base_id, timestamp, seq, data, received_at)
     values (?, ?, ?, ?, ?, ?::jsonb, ?)
     on conflict (network_id, device_id, seq) do nothing
     returning id`,
    [columns.network_id, columns.device_id, columns.home_base_id, columns.timestamp, columns.seq, JSON.stringify(payload), isoOfSec(receivedAtSec)],
  );
  if (inserted.rows.length > 0) {
    await context.deps.events.publish(context.trx, "motion_event", columns.network_id, {
      device_id: columns.device_id,
      home_base_id: columns.home_base_id,
      timestamp: columns.timestamp,
      seq: columns.seq,
      data: payload,
    });
  }
  return true;
}

/**
 * Writes the pending frame observations of `deviceIds` (online, newest frame timestamp). Frames
 * only collect them, so a batch updates each device once; a status entry flushes its own device
 * first, so the result equals applying every entry in order.
 */
async function flushSeen(context: BatchContext, deviceIds: Iterable<string>): Promise<void> {
  for (const deviceId of deviceIds) {
    const timestampSec = context.pendingSeen.get(deviceId);
    if (timestampSec === undefined) continue;
    context.pendingSeen.delete(deviceId);
    await markSeen(context.trx, context.signer.networkId, deviceId, timestampSec, true);
  }
}

/** Verifies and stores one log or motion entry; returns a rejection code, or null when accepted. */
async function storeFrameEntry(context: BatchContext, entry: FrameEntry): Promise<string | null> {
  const { deps, signer } = context;
  const decoded = deps.core.decodeFrame(entry.frame);
  if (!decoded.ok) return decoded.code;
  if (decoded.frame.deviceId !== entry.device_id) return "DEVICE_ID_MISMATCH";
  if (decoded.frame.type !== FRAME_TYPE_OF_KIND[entry.kind]) return "FRAME_KIND_MISMATCH";

  const device = context.devices.get(decoded.frame.deviceId);
  if (!device) return "FRAME_UNKNOWN_DEVICE";
  let verified = deps.core.verifyFrame(entry.frame, device.publicKey, signer.networkPublicKey);
  if (!verified.ok && device.pendingPublicKey) {
    const underPending = deps.core.verifyFrame(entry.frame, device.pendingPublicKey, signer.networkPublicKey);
    if (underPending.ok) verified = underPending;
  }
  if (!verified.ok) return verified.code;

  // From here on every field comes from the verified frame, none from the home base's JSON.
  const frame = verified.frame;
  if (frame.timestamp > nowSec(deps.clock) + FRAME_MAX_AHEAD_SEC) return "FRAME_TIMESTAMP_SKEW";
  const columns: FrameColumns = {
    network_id: signer.networkId,
    device_id: frame.deviceId,
    home_base_id: signer.deviceId,
    timestamp: isoOfSec(frame.timestamp),
    seq: frame.seq,
  };
  const insert = entry.kind === "log" ? insertLog : insertMotion;
  if (!(await insert(context, columns, frame.payload, entry.received_at))) return "INVALID_PAYLOAD";

  const pending = context.pendingSeen.get(frame.deviceId);
  if (pending === undefined || frame.timestamp > pending) context.pendingSeen.set(frame.deviceId, frame.timestamp);
  return null;
}

/** Applies one device_status entry; an observation older than the stored last_seen changes nothing. */
async function storeStatusEntry(context: BatchContext, entry: StatusEntry): Promise<string | null> {
  const { deps, trx, signer } = context;
  if (!context.devices.has(entry.device_id)) return "UNKNOWN_DEVICE";

  await flushSeen(context, [entry.device_id]);
  const changed = await markSeen(trx, signer.networkId, entry.device_id, entry.timestamp, entry.online);
  if (changed) {
    await deps.events.publish(trx, "device_status", signer.networkId, {
      device_id: entry.device_id,
      home_base_id: signer.deviceId,
      online: entry.online,
      timestamp: isoOfSec(entry.timestamp),
    });
  }
  return null;
}

/**
 * Records the home base itself as online and seen now: every signed batch, even an empty or a
 * repeated one, is its heartbeat. Publishes device_status when it was offline before.
 * NOTE: nothing marks a home base offline yet when its batches stop.
 */
async function markHomeBaseSeen(deps: AppDeps, trx: Knex.Transaction, signer: HomeBaseSigner, receivedAt: string): Promise<void> {
  const device = { network_id: signer.networkId, device_id: signer.deviceId };
  const cameOnline = await trx("devices").where({ ...device, online: false }).update({ online: true, last_seen: receivedAt });
  if (cameOnline === 0) {
    await trx("devices").where(device).update({ last_seen: receivedAt });
    return;
  }

  await deps.events.publish(trx, "device_status", signer.networkId, {
    device_id: signer.deviceId,
    home_base_id: signer.deviceId,
    online: true,
    timestamp: receivedAt,
  });
}

/** Stores `batch` from `signer`; see the file header for what is stored and what is rejected. */
export async function ingestBatch(deps: AppDeps, signer: HomeBaseSigner, batch: IngestBatch): Promise<IngestResult> {
  const log = deps.log.child({ keyId: signer.keyId, batchSeq: batch.batch_seq });
  const receivedAt = new Date(deps.clock.nowMs()).toISOString();

  return deps.db.transaction(async (trx) => {
    await markHomeBaseSeen(deps, trx, signer, receivedAt);

    const claimed = await trx.raw(
      `insert into ingest_batches (network_id, home_base_id, batch_seq, interval_sec, sealed_at, received_at, entry_count, accepted_count)
       values (?, ?, ?, ?, ?, ?, ?, 0)
       on conflict (network_id, home_base_id, batch_seq) do nothing
       returning batch_seq`,
      [signer.networkId, signer.deviceId, batch.batch_seq, batch.interval_sec, isoOfSec(batch.sealed_at), receivedAt, batch.entries.length],
    );
    if (claimed.rows.length === 0) {
      log.info("ingest batch duplicate");
      return { batch_seq: batch.batch_seq, duplicate: true, accepted: 0, rejected: [] };
    }

    const context: BatchContext = { deps, trx, signer, devices: await loadDevices(trx, signer.networkId, batch.entries), log, batchSeq: batch.batch_seq, pendingSeen: new Map() };
    const rejected: RejectedEntry[] = [];
    for (const [index, entry] of batch.entries.entries()) {
      const code = entry.kind === "device_status" ? await storeStatusEntry(context, entry) : await storeFrameEntry(context, entry);
      if (code === null) continue;
      rejected.push({ index, code });
      log.warn("ingest entry rejected", { index, kind: entry.kind, deviceId: entry.device_id, code });
    }

    // Sorted, like the row locks, though the locks already rule out a deadlock here.
    await flushSeen(context, [...context.pendingSeen.keys()].sort());
    const accepted = batch.entries.length - rejected.length;
    await trx("ingest_batches")
      .where({ network_id: signer.networkId, home_base_id: signer.deviceId, batch_seq: batch.batch_seq })
      .update({ accepted_count: accepted });
    log.info("ingest batch stored", { entries: batch.entries.length, accepted, rejected: rejected.length });
    return { batch_seq: batch.batch_seq, duplicate: false, accepted, rejected };
  });
}
