/**
 * The device simulator's schedule: which device sends which frame when. It owns no timer and no
 * socket. The caller moves time (a real or a manual clock) and calls tick(), which returns the
 * frames that are due, encoded and signed. That keeps the schedule testable without sleeping.
 */
import { nowSec, type Clock } from "../../hosts/node/src/clock.ts";
import { DeviceActivity, MOTION_TYPES } from "./activity.ts";
import { createHash } from "node:crypto";
import { chunkFrames, manifestPayload } from "./chunk.ts";
import { ACKS_KEPT, ackPayload, decodeBeaconBoot, decodeCommand } from "./command-decoder.ts";
import type { SimConfig, SimDevice } from "./config.ts";
import { encodeFrame, type FrameTypeName } from "./encoder.ts";
import { SeededRandom } from "./random.ts";
import { DeviceSeq } from "./seq-store.ts";
import { STILL_MEDIA_TYPE, stillImage } from "./still-image.ts";

export interface SimOptions {
  clock: Clock;
  /** Seeds every random choice: start phases, intervals, payloads. */
  seed: number;
  stateDir: string;
  heartbeatSec: number;
  /** Mean gap between motion frames of one camera or motion device; the gaps are exponential. */
  motionMeanSec: number;
  /** Mean gap between log lines of one device; each gap is drawn from 0.5 to 1.5 times this. */
  logEverySec: number;
  seqBlockCount?: number;
  /** Cameras follow each motion frame with a still: a manifest (0x07) and its chunks (0x08). */
  cameraMedia?: boolean;
}

/** A still a camera sent: its content id (the manifest's seq), size and SHA-256 in hex. */
export interface SimMedia {
  contentId: number;
  size: number;
  sha256: string;
}

export interface SimFrame {
  type: FrameTypeName | "chunk";
  deviceId: string;
  seq: number;
  timestamp: number;
  bytes: Buffer;
  /** Set on a manifest frame: what its chunks carry. */
  media?: SimMedia;
}

type ScheduledKind = "heartbeat" | "log" | "motion";

/** K of protocol section 10.3: a restarted home base rejects seqs up to this far above the highest it took. */
export const HOME_BASE_FLOOR_STEP = 64;

interface DeviceState {
  device: SimDevice;
  activity: DeviceActivity;
  seq: DeviceSeq;
  /** The next due time of each kind this device sends, in clock milliseconds. */
  dueMs: Map<ScheduledKind, number>;
  /** The last ACKS_KEPT acknowledgements by command seq, sent again for a repeated command. */
  acks: Map<number, SimFrame>;
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} ${value} must be a positive number of seconds`);
}

export class DeviceSimulator {
  readonly #config: SimConfig;
  readonly #options: SimOptions;
  readonly #random: SeededRandom;
  readonly #devices: DeviceState[];
  /** The boot counter of the last accepted beacon; undefined until the first one since the start. */
  #homeBaseBoot: number | undefined;

  constructor(config: SimConfig, options: SimOptions) {
    checkPositive("heartbeat interval", options.heartbeatSec);
    checkPositive("motion mean", options.motionMeanSec);
    checkPositive("log interval", options.logEverySec);
    this.#config = config;
    this.#options = options;
    this.#random = new SeededRandom(options.seed);

    const startMs = options.clock.nowMs();
    this.#devices = config.devices.map((device) => this.#startDevice(device, startMs));
  }

  #startDevice(device: SimDevice, startMs: number): DeviceState {
    const dueMs = new Map<ScheduledKind, number>();

    // The first heartbeat goes out within a second so the home base marks every device online quickly.
    dueMs.set("heartbeat", startMs + this.#random.next() * 1000);
    dueMs.set("log", startMs + this.#delayMs("log"));
    if (MOTION_TYPES.has(device.type)) dueMs.set("motion", startMs + this.#delayMs("motion"));

    return {
      device,
      activity: new DeviceActivity(device.deviceId, device.type, this.#random, startMs),
      seq: new DeviceSeq(this.#options.stateDir, device.deviceId, this.#options.seqBlockCount),
      dueMs,
      acks: new Map(),
    };
  }

  #delayMs(kind: ScheduledKind): number {
    if (kind === "heartbeat") return this.#options.heartbeatSec * 1000;
    if (kind === "log") return this.#options.logEverySec * 1000 * (0.5 + this.#random.next());
    return this.#random.exponential(this.#options.motionMeanSec) * 1000;
  }

  /** The earliest clock time at which tick() will return a frame. */
  nextDueMs(): number {
    let earliest = Infinity;
    for (const state of this.#devices) {
      for (const due of state.dueMs.values()) earliest = Math.min(earliest, due);
    }
    return earliest;
  }

  /**
   * Returns the frames due at the clock's current time, at most one of each kind per device. A kind
   * that fell several periods behind (a suspended process) sends once and resumes from now, with no
   * burst of catch-up frames.
   */
  tick(): SimFrame[] {
    const nowMs = this.#options.clock.nowMs();
    const frames: SimFrame[] = [];

    for (const state of this.#devices) {
      for (const [kind, due] of state.dueMs) {
        if (due > nowMs) continue;
        frames.push(this.#buildFrame(state, kind));
        if (kind === "motion" && state.device.type === "camera" && this.#options.cameraMedia) frames.push(...this.#buildStill(state));

        let next = due + this.#delayMs(kind);
        if (next <= nowMs) next = nowMs + this.#delayMs(kind);
        state.dueMs.set(kind, next);
      }
    }
    return frames;
  }

  /** A manifest for a fresh still and its chunk frames, sent right after the motion frame. */
  #buildStill(state: DeviceState): SimFrame[] {
    const deviceId = state.device.deviceId;
    const still = stillImage(this.#random);
    const timestamp = nowSec(this.#options.clock);
    const seq = state.seq.next();
    const payload = manifestPayload(still, STILL_MEDIA_TYPE);
    const media: SimMedia = { contentId: seq, size: still.length, sha256: createHash("sha256").update(still).digest("hex") };

    const manifest = encodeFrame({ type: "manifest", deviceId, timestamp, seq, payload }, state.device.privateKey, this.#config.networkPublicKey);
    const chunks = chunkFrames(deviceId, timestamp, seq, still).map((bytes, index): SimFrame => ({ type: "chunk", deviceId, seq: index, timestamp, bytes }));
    return [{ type: "manifest", deviceId, seq, timestamp, bytes: manifest, media }, ...chunks];
  }

  /**
   * Takes a time beacon received over the air. The first one since the start, and each one whose boot
   * counter changed, moves every device's seq on by the home base's floor step (protocol section
   * 10.3). Returns true when `received` was a beacon signed by the home base.
   */
  takeBeacon(received: Uint8Array): boolean {
    const homeBaseKey = this.#config.homeBase.publicKey;
    if (homeBaseKey === undefined) return false;
    const boot = decodeBeaconBoot(received, this.#config.networkPublicKey, homeBaseKey);
    if (boot === null) return false;

    if (boot !== this.#homeBaseBoot) {
      for (const state of this.#devices) state.seq.skip(HOME_BASE_FLOOR_STEP);
      this.#homeBaseBoot = boot;
    }
    return true;
  }

  /**
   * Answers a frame received over the air: a command to one of the simulated devices, signed with
   * the network key, gets an acknowledgement signed with that device's key (a repeat gets the same
   * one again). Returns null for anything else (beacons, other devices, forged commands).
   */
  acknowledge(received: Uint8Array): SimFrame | null {
    const command = decodeCommand(received, this.#config.networkPublicKey);
    if (command === null) return null;
    const state = this.#devices.find((candidate) => candidate.device.deviceId === command.deviceId);
    if (state === undefined) return null;

    const stored = state.acks.get(command.seq);
    if (stored !== undefined) return stored;

    const timestamp = nowSec(this.#options.clock);
    const seq = state.seq.next();
    const bytes = encodeFrame({ type: "ack", deviceId: command.deviceId, timestamp, seq, payload: ackPayload(command) }, state.device.privateKey, this.#config.networkPublicKey);
    const ack: SimFrame = { type: "ack", deviceId: command.deviceId, seq, timestamp, bytes };
    state.acks.set(command.seq, ack);
    if (state.acks.size > ACKS_KEPT) state.acks.delete(state.acks.keys().next().value as number);
    return ack;
  }

  #buildFrame(state: DeviceState, kind: ScheduledKind): SimFrame {
    const nowMs = this.#options.clock.nowMs();
    let payload: Record<string, unknown>;
    if (kind === "heartbeat") payload = state.activity.heartbeat(nowMs);
    else if (kind === "motion") payload = state.activity.motion();
    else payload = state.activity.log();
    const timestamp = nowSec(this.#options.clock);
    const seq = state.seq.next();

    const bytes = encodeFrame({ type: kind, deviceId: state.device.deviceId, timestamp, seq, payload }, state.device.privateKey, this.#config.networkPublicKey);
    return { type: kind, deviceId: state.device.deviceId, seq, timestamp, bytes };
  }
}
