/**
 * Stores one ingest batch (docs/protocol.md section 3) in a single transaction: the batch row, the
 * entries that pass their checks, the devices' online state, and the events for the WebSocket
 * stream. A batch seen before (same network, home base and batch_seq) stores nothing again.
 *
 * Entries are checked one by one in memory (ingest/verify.ts), then written in bulk (ingest/store.ts).
 * One insert takes all log lines, one all motion events, one update all devices and one insert all
 * events, so a batch costs about ten statements whatever its size. A frame
 * forwarded twice (in two batches, or twice in one) is stored once and counted as accepted both
 * times.
 */
import type { Knex } from "knex";
import { nowSec } from "../clock.ts";
import type { AppDeps, NewMeshEvent } from "../deps.ts";
import { toLogItem } from "../logs/item.ts";
import { toMotionItem } from "../motion/item.ts";
import type { BatchEntry, IngestBatch } from "./batch.ts";
import { BatchPresence, type DeviceState } from "./presence.ts";
import type { HomeBaseSigner } from "./signature.ts";
import { insertLogs, insertMotions, isoOfSec, updateDeviceStates, type FrameOrigin } from "./store.ts";
import { verifyFrameEntry, type VerifiedLog, type VerifiedMotion } from "./verify.ts";

export { FRAME_MAX_AHEAD_SEC } from "./verify.ts";

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
  state: DeviceState;
}

/**
 * Loads the keys and states of the devices a batch names, in one query, and locks their rows in
 * device id order. Two batches of one network that run at once (an urgent batch overtaking a
 * spooled one) then take the locks in the same order, so one waits for the other instead of
 * deadlocking. The lock also keeps the states read here true until the batch commits.
 */
async function loadDevices(trx: Knex.Transaction, networkId: string, entries: BatchEntry[]): Promise<Map<string, KnownDevice>> {
  const ids = [...new Set(entries.map((entry) => entry.device_id))];
  const devices = new Map<string, KnownDevice>();
  if (ids.length === 0) return devices;

  const rows = await trx("devices").where({ network_id: networkId }).whereIn("device_id", ids).orderBy("device_id").forUpdate().select("device_id", "public_key", "online", "last_seen");
  for (const row of rows) {
    devices.set(row.device_id, {
      publicKey: Buffer.from(String(row.public_key).trim(), "hex"),
      state: { online: row.online, lastSeenMs: row.last_seen === null ? null : new Date(row.last_seen).getTime(), changed: false },
    });
  }
  return devices;
}

/**
 * Records the home base itself as online and seen now, with the batch interval that the presence
 * sweeper measures it against: every signed batch, even an empty or a repeated one, is its
 * heartbeat. Publishes device_status when it was offline before.
 */
async function markHomeBaseSeen(deps: AppDeps, trx: Knex.Transaction, signer: HomeBaseSigner, receivedAt: string, intervalSec: number): Promise<void> {
  const device = { network_id: signer.networkId, device_id: signer.deviceId };
  const cameOnline = await trx("devices").where({ ...device, online: false }).update({ online: true, last_seen: receivedAt, batch_interval_sec: intervalSec });
  if (cameOnline === 0) {
    await trx("devices").where(device).update({ last_seen: receivedAt, batch_interval_sec: intervalSec });
    return;
  }

  await deps.events.publish(trx, "device_status", signer.networkId, {
    device_id: signer.deviceId,
    home_base_id: signer.deviceId,
    online: true,
    timestamp: receivedAt,
    cause: "batch",
  });
}

/** Claims the batch's (network, home base, batch_seq); returns false when it was stored before. */
async function claimBatch(trx: Knex.Transaction, signer: HomeBaseSigner, batch: IngestBatch, receivedAt: string): Promise<boolean> {
  const claimed = await trx.raw(
    `insert into ingest_batches (network_id, home_base_id, batch_seq, interval_sec, sealed_at, received_at, entry_count, accepted_count)
     values (?, ?, ?, ?, ?, ?, ?, 0)
     on conflict (network_id, home_base_id, batch_seq) do nothing
     returning batch_seq`,
    [signer.networkId, signer.deviceId, batch.batch_seq, batch.interval_sec, isoOfSec(batch.sealed_at), receivedAt, batch.entries.length],
  );
  return claimed.rows.length > 0;
}

/** Stores `batch` from `signer`; see the file header for what is stored and what is rejected. */
export async function ingestBatch(deps: AppDeps, signer: HomeBaseSigner, batch: IngestBatch): Promise<IngestResult> {
  const log = deps.log.child({ keyId: signer.keyId, batchSeq: batch.batch_seq });
  const receivedAt = new Date(deps.clock.nowMs()).toISOString();

  return deps.db.transaction(async (trx) => {
    await markHomeBaseSeen(deps, trx, signer, receivedAt, batch.interval_sec);
    if (!(await claimBatch(trx, signer, batch, receivedAt))) {
      log.info("ingest batch duplicate");
      return { batch_seq: batch.batch_seq, duplicate: true, accepted: 0, rejected: [] };
    }

    // Check every entry first; nothing below touches the database per entry.
    const devices = await loadDevices(trx, signer.networkId, batch.entries);
    const presence = new BatchPresence(new Map([...devices].map(([deviceId, device]) => [deviceId, device.state])));
    const verifyContext = { core: deps.core, networkPublicKey: signer.networkPublicKey, deviceKeys: new Map([...devices].map(([deviceId, device]) => [deviceId, device.publicKey])), nowSec: nowSec(deps.clock) };
    const logs: VerifiedLog[] = [];
    const motions: VerifiedMotion[] = [];
    const rejected: RejectedEntry[] = [];
    for (const [index, entry] of batch.entries.entries()) {
      if (entry.kind === "device_status") {
        if (!presence.status(entry.device_id, entry.timestamp, entry.online, index)) rejected.push({ index, code: "UNKNOWN_DEVICE" });
        continue;
      }
      const verified = verifyFrameEntry(verifyContext, entry, index);
      if (typeof verified === "string") {
        rejected.push({ index, code: verified });
        continue;
      }
      if (verified.kind === "log") logs.push(verified);
      else motions.push(verified);
      presence.frame(verified.deviceId, verified.timestamp, index);
    }
    presence.finish();

    // Store in bulk, then publish one event per new row and per state change, in entry order.
    const origin: FrameOrigin = { networkId: signer.networkId, homeBaseId: signer.deviceId, batchSeq: batch.batch_seq };
    const storedLogs = await insertLogs(trx, origin, logs);
    const storedMotions = await insertMotions(trx, origin, motions);
    await updateDeviceStates(trx, signer.networkId, presence.states);

    const events: { index: number; event: NewMeshEvent }[] = [];
    for (const entry of logs) {
      const row = storedLogs.get(`${entry.deviceId}/${entry.seq}`);
      if (!row) continue;
      storedLogs.delete(`${entry.deviceId}/${entry.seq}`);
      events.push({ index: entry.index, event: { type: "log_entry", networkId: signer.networkId, data: { ...toLogItem(row) } } });
    }
    for (const entry of motions) {
      const row = storedMotions.get(`${entry.deviceId}/${entry.seq}`);
      if (!row) continue;
      storedMotions.delete(`${entry.deviceId}/${entry.seq}`);
      events.push({ index: entry.index, event: { type: "motion_event", networkId: signer.networkId, data: { ...toMotionItem(row) } } });
    }
    for (const change of presence.changes) {
      const data = { device_id: change.deviceId, home_base_id: signer.deviceId, online: change.online, timestamp: isoOfSec(change.timestamp), cause: change.cause };
      events.push({ index: change.index, event: { type: "device_status", networkId: signer.networkId, data } });
    }
    // A stable sort keeps a frame's own event before the status change it caused.
    events.sort((a, b) => a.index - b.index);
    await deps.events.publishMany(trx, events.map((item) => item.event));

    rejected.sort((a, b) => a.index - b.index);
    for (const { index, code } of rejected) {
      const entry = batch.entries[index]!;
      log.warn("ingest entry rejected", { index, kind: entry.kind, deviceId: entry.device_id, code });
    }
    const accepted = batch.entries.length - rejected.length;
    await trx("ingest_batches")
      .where({ network_id: signer.networkId, home_base_id: signer.deviceId, batch_seq: batch.batch_seq })
      .update({ accepted_count: accepted });
    log.info("ingest batch stored", { entries: batch.entries.length, accepted, rejected: rejected.length });
    return { batch_seq: batch.batch_seq, duplicate: false, accepted, rejected };
  });
}
