/**
 * Marks home bases offline when their batches stop. A home base sends a batch every interval_sec
 * even when it has nothing to report (docs/protocol.md section 3), so one whose last batch is older
 * than PRESENCE_MISSED_INTERVALS of its own reported interval is taken as gone. Its devices go
 * offline with it, since nothing relays their frames any more. Each change is a device_status event.
 *
 * Time comes from deps.clock, so tests call sweepPresence() after moving a ManualClock. Several
 * server processes may sweep at once: each update claims only rows still online, so every change
 * is made, and published, by exactly one of them.
 */
import type { AppDeps, NewMeshEvent } from "../deps.ts";

/** Missed batch intervals after which a home base is offline. */
export const PRESENCE_MISSED_INTERVALS = 3;

export interface PresenceSweep {
  /** `<network id>/<device id>` of each home base marked offline. */
  homeBases: string[];
  /** `<network id>/<device id>` of each other device marked offline with its home base. */
  devices: string[];
}

/** Marks overdue home bases and their devices offline and publishes the changes; returns what changed. */
export async function sweepPresence(deps: AppDeps): Promise<PresenceSweep> {
  const now = new Date(deps.clock.nowMs()).toISOString();

  return deps.db.transaction(async (trx) => {
    // NOTE: a home base row without batch_interval_sec (online since before migration 004) is left
    // as it is until its next batch reports an interval.
    const overdue = await trx.raw(
      `update devices set online = false
       where type = 'home_base' and online and batch_interval_sec is not null and last_seen is not null
         and last_seen + make_interval(secs => batch_interval_sec * ?) < ?::timestamptz
       returning network_id, device_id`,
      [PRESENCE_MISSED_INTERVALS, now],
    );
    const homeBases = overdue.rows as { network_id: string; device_id: string }[];
    if (homeBases.length === 0) return { homeBases: [], devices: [] };

    const homeBaseOf = new Map(homeBases.map((row) => [row.network_id, row.device_id]));
    const orphaned = await trx.raw(
      `update devices set online = false
       where network_id = any(?::uuid[]) and type <> 'home_base' and online
       returning network_id, device_id`,
      [`{${[...homeBaseOf.keys()].join(",")}}`],
    );
    const devices = orphaned.rows as { network_id: string; device_id: string }[];

    const events: NewMeshEvent[] = [
      ...homeBases.map((row) => ({ type: "device_status" as const, networkId: row.network_id, data: { device_id: row.device_id, home_base_id: row.device_id, online: false, timestamp: now, cause: "batches_missed" } })),
      ...devices.map((row) => ({ type: "device_status" as const, networkId: row.network_id, data: { device_id: row.device_id, home_base_id: homeBaseOf.get(row.network_id)!, online: false, timestamp: now, cause: "home_base_offline" } })),
    ];
    await deps.events.publishMany(trx, events);

    deps.log.warn("home bases offline", { count: homeBases.length, homeBases: homeBases.map((row) => `${row.network_id}/${row.device_id}`), devices: devices.length });
    return { homeBases: homeBases.map((row) => `${row.network_id}/${row.device_id}`), devices: devices.map((row) => `${row.network_id}/${row.device_id}`) };
  });
}
