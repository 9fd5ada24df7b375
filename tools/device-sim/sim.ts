/**
 * The device simulator's schedule: which device sends which frame when. It owns no timer and no
 * socket. The caller moves time (a real or a manual clock) and calls tick(), which returns the
 * frames that are due, encoded and signed. That keeps the schedule testable without sleeping.
 */
import { nowSec, type Clock } from "../../hosts/node/src/clock.ts";
import { DeviceActivity, MOTION_TYPES } from "./activity.ts";
import { createHash } from "node:crypto";
import { chunkFrames, manifestPayload } from "./chunk.ts";
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

interface DeviceState {
  device: SimDevice;
  activity: DeviceActivity;
  seq: DeviceSeq;
  /** The next due time of each kind this device sends, in clock milliseconds. */
  dueMs: Map<ScheduledKind, number>;
}

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} ${value} must be a positive number of seconds`);
}

export class DeviceSimulator {
  readonly #config: SimConfig;
  readonly #options: SimOptions;
  readonly #random: SeededRandom;
  readonly #devices: DeviceState[];

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
