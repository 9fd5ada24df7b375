/**
 * The online state of a batch's devices, worked out in memory from the rows locked at the start of
 * the batch, so a batch writes each device once whatever its number of entries.
 *
 * Rules, applied in entry order:
 * - an observation (a status entry, or frames marking the device online) is applied only when it is
 *   newer than the stored last_seen, so an old spooled batch never overrides a newer state;
 * - frames only collect the newest frame timestamp per device. A status entry first applies the
 *   frames of its own device that came before it, so the result equals applying every entry in order;
 * - an applied status entry is a device_status event; frames are one only when they bring a device
 *   from offline to online (for example after the presence sweeper marked it offline).
 */

export interface DeviceState {
  online: boolean;
  /** Unix milliseconds, or null before the first observation. */
  lastSeenMs: number | null;
  /** True once this batch changed the row. */
  changed: boolean;
}

/** A device_status event of a batch, at the position of the entry that caused it. */
export interface StatusChange {
  index: number;
  deviceId: string;
  online: boolean;
  /** Unix seconds of the observation. */
  timestamp: number;
  cause: "status_entry" | "frame";
}

export class BatchPresence {
  readonly states: Map<string, DeviceState>;
  readonly changes: StatusChange[] = [];
  /** Per device, the newest accepted frame not yet applied, and the index of the entry that carried it. */
  readonly #pendingFrames = new Map<string, { timestamp: number; index: number }>();

  constructor(states: Map<string, DeviceState>) {
    this.states = states;
  }

  /** Records an accepted frame of `deviceId` at entry `index`. */
  frame(deviceId: string, timestamp: number, index: number): void {
    const pending = this.#pendingFrames.get(deviceId);
    if (pending === undefined || timestamp > pending.timestamp) this.#pendingFrames.set(deviceId, { timestamp, index });
  }

  /** Applies a status entry; returns false when the device is not in the network. */
  status(deviceId: string, timestamp: number, online: boolean, index: number): boolean {
    if (!this.states.has(deviceId)) return false;
    this.#applyFrames(deviceId);
    if (this.#observe(deviceId, timestamp, online)) this.changes.push({ index, deviceId, online, timestamp, cause: "status_entry" });
    return true;
  }

  /** Applies the frames still pending, device by device in id order. */
  finish(): void {
    for (const deviceId of [...this.#pendingFrames.keys()].sort()) this.#applyFrames(deviceId);
    this.changes.sort((a, b) => a.index - b.index);
  }

  #applyFrames(deviceId: string): void {
    const pending = this.#pendingFrames.get(deviceId);
    if (pending === undefined) return;
    this.#pendingFrames.delete(deviceId);

    const wasOnline = this.states.get(deviceId)!.online;
    if (this.#observe(deviceId, pending.timestamp, true) && !wasOnline) {
      this.changes.push({ index: pending.index, deviceId, online: true, timestamp: pending.timestamp, cause: "frame" });
    }
  }

  /** Stores an observation unless a newer one is stored; returns whether it was stored. */
  #observe(deviceId: string, timestamp: number, online: boolean): boolean {
    const state = this.states.get(deviceId)!;
    const atMs = timestamp * 1000;
    if (state.lastSeenMs !== null && state.lastSeenMs >= atMs) return false;
    state.online = online;
    state.lastSeenMs = atMs;
    state.changed = true;
    return true;
  }
}
