import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../../hosts/node/src/clock.ts";
import type { SimConfig } from "./config.ts";
import { nodePublicKeyFromSeed, nodeVerify } from "./node-ed25519.ts";
import { DeviceSimulator, type SimFrame, type SimOptions } from "./sim.ts";

const START_MS = Date.UTC(2026, 0, 1);
const networkPublicKey = nodePublicKeyFromSeed(Buffer.alloc(32, 0x40));

const config: SimConfig = {
  networkPublicKey,
  homeBase: { host: "127.0.0.1", udpPort: 18082 },
  devices: [
    { deviceId: "porch-cam", type: "camera", privateKey: Buffer.alloc(32, 0x41) },
    { deviceId: "hall-motion", type: "motion", privateKey: Buffer.alloc(32, 0x42) },
    { deviceId: "garage-switch", type: "switch", privateKey: Buffer.alloc(32, 0x43) },
  ],
};

function makeSim(overrides: Partial<SimOptions> = {}): { sim: DeviceSimulator; clock: ManualClock; stateDir: string } {
  const clock = new ManualClock(START_MS);
  const stateDir = overrides.stateDir ?? mkdtempSync(join(tmpdir(), "device-sim-state-"));
  const sim = new DeviceSimulator(config, {
    clock,
    seed: 7,
    stateDir,
    heartbeatSec: 10,
    motionMeanSec: 20,
    logEverySec: 5,
    ...overrides,
  });
  return { sim, clock, stateDir };
}

/** Moves the clock in steps and collects every frame that tick() returns. */
function run(sim: DeviceSimulator, clock: ManualClock, seconds: number, stepMs = 250): SimFrame[] {
  const frames: SimFrame[] = [];
  const endMs = clock.nowMs() + seconds * 1000;
  while (clock.nowMs() < endMs) {
    frames.push(...sim.tick());
    clock.advanceMs(stepMs);
  }
  return frames;
}

function count(frames: SimFrame[], type: string, deviceId: string): number {
  return frames.filter((frame) => frame.type === type && frame.deviceId === deviceId).length;
}

test("each device sends a heartbeat every heartbeat interval", () => {
  const { sim, clock, stateDir } = makeSim();
  const frames = run(sim, clock, 60);

  for (const device of config.devices) assert.is(count(frames, "heartbeat", device.deviceId), 6, device.deviceId);
  rmSync(stateDir, { recursive: true });
});

test("first heartbeat is due within one second", () => {
  const { sim, clock, stateDir } = makeSim();
  const frames = run(sim, clock, 1);

  for (const device of config.devices) assert.is(count(frames, "heartbeat", device.deviceId), 1, device.deviceId);
  rmSync(stateDir, { recursive: true });
});

test("only cameras and motion sensors send motion", () => {
  const { sim, clock, stateDir } = makeSim();
  const frames = run(sim, clock, 200);

  assert.ok(count(frames, "motion", "porch-cam") > 0);
  assert.ok(count(frames, "motion", "hall-motion") > 0);
  assert.is(count(frames, "motion", "garage-switch"), 0);
  rmSync(stateDir, { recursive: true });
});

test("motion gaps average the configured mean", () => {
  const { sim, clock, stateDir } = makeSim({ heartbeatSec: 1e6, logEverySec: 1e6 });
  const frames = run(sim, clock, 2000, 1000);
  const perDevice = count(frames, "motion", "porch-cam");

  // 2,000 s at a mean gap of 20 s is about 100 frames; the bound is four standard deviations.
  assert.ok(perDevice > 60, `porch-cam sent ${perDevice} motion frames`);
  assert.ok(perDevice < 140, `porch-cam sent ${perDevice} motion frames`);
  rmSync(stateDir, { recursive: true });
});

test("log lines arrive about every log interval", () => {
  const { sim, clock, stateDir } = makeSim();
  const frames = run(sim, clock, 250);

  // 250 s at a mean gap of 5 s is about 50 lines; gaps are uniform from 2.5 to 7.5 s.
  for (const device of config.devices) {
    const logs = count(frames, "log", device.deviceId);
    assert.ok(logs >= 40, `${device.deviceId} sent ${logs} log lines in 250 s`);
    assert.ok(logs <= 60, `${device.deviceId} sent ${logs} log lines in 250 s`);
  }
  rmSync(stateDir, { recursive: true });
});

test("payloads follow the protocol's shapes", () => {
  const { sim, clock, stateDir } = makeSim();
  const frames = run(sim, clock, 120);

  for (const frame of frames) {
    const payloadLen = frame.bytes[26]!;
    const payload = JSON.parse(frame.bytes.subarray(27, 27 + payloadLen).toString("utf8")) as Record<string, unknown>;
    if (frame.type === "log") {
      assert.ok(["debug", "info", "warning", "error", "critical"].includes(payload.level as string), String(payload.level));
      assert.match(payload.category as string, /^[a-z0-9_.-]{1,32}$/);
      assert.type(payload.message, "string");
    } else if (frame.type === "motion") {
      assert.type(payload.zone, "string");
      assert.ok((payload.confidence as number) >= 0, String(payload.confidence));
      assert.ok((payload.confidence as number) <= 1, String(payload.confidence));
    } else {
      assert.type(payload.uptime, "number");
    }
  }
  rmSync(stateDir, { recursive: true });
});

test("only battery devices report battery", () => {
  const { sim, clock, stateDir } = makeSim();
  const heartbeats = run(sim, clock, 30).filter((frame) => frame.type === "heartbeat");
  const reports = new Map(heartbeats.map((frame) => [frame.deviceId, JSON.parse(frame.bytes.subarray(27, 27 + frame.bytes[26]!).toString())]));

  assert.type(reports.get("hall-motion").battery, "number");
  assert.is(reports.get("porch-cam").battery, undefined);
  assert.is(reports.get("garage-switch").battery, undefined);
  rmSync(stateDir, { recursive: true });
});

test("frames carry the clock time and verify with node:crypto", () => {
  const { sim, clock, stateDir } = makeSim();
  clock.advanceMs(1000);
  const frames = sim.tick();

  assert.ok(frames.length >= 3);
  for (const frame of frames) {
    const device = config.devices.find((entry) => entry.deviceId === frame.deviceId)!;
    const body = frame.bytes.subarray(0, frame.bytes.length - 64);
    const message = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), networkPublicKey, body]);

    assert.is(frame.bytes.readUInt32LE(18), START_MS / 1000 + 1);
    assert.is(frame.bytes.readUInt32LE(22), frame.seq);
    assert.ok(nodeVerify(message, frame.bytes.subarray(frame.bytes.length - 64), nodePublicKeyFromSeed(device.privateKey)));
  }
  rmSync(stateDir, { recursive: true });
});

test("seqs increase per device and continue after a restart", () => {
  const first = makeSim({ seqBlockCount: 10 });
  const before = run(first.sim, first.clock, 60);
  const second = makeSim({ seqBlockCount: 10, stateDir: first.stateDir });
  const after = run(second.sim, second.clock, 60);

  for (const device of config.devices) {
    const seqs = [...before, ...after].filter((frame) => frame.deviceId === device.deviceId).map((frame) => frame.seq);
    for (let i = 1; i < seqs.length; i += 1) assert.ok(seqs[i]! > seqs[i - 1]!, `${device.deviceId} seq ${seqs[i]} after ${seqs[i - 1]}`);
  }
  rmSync(first.stateDir, { recursive: true });
});

test("late tick sends each kind once without a burst", () => {
  const { sim, clock, stateDir } = makeSim();
  sim.tick();
  clock.advanceSec(1000);
  const frames = sim.tick();

  for (const device of config.devices) assert.is(count(frames, "heartbeat", device.deviceId), 1, device.deviceId);
  assert.ok(sim.nextDueMs() > clock.nowMs(), "next due time moved past now");
  rmSync(stateDir, { recursive: true });
});

test("nextDueMs is the time of the next frame", () => {
  const { sim, clock, stateDir } = makeSim();
  sim.tick();
  const due = sim.nextDueMs();

  clock.setMs(due - 1);
  assert.equal(sim.tick(), []);
  clock.setMs(due);
  assert.ok(sim.tick().length >= 1);
  rmSync(stateDir, { recursive: true });
});

test("same seed replays the same payloads", () => {
  const first = makeSim();
  const second = makeSim();
  const payloads = (frames: SimFrame[]) => frames.map((frame) => `${frame.deviceId} ${frame.bytes.subarray(27, 27 + frame.bytes[26]!)}`);

  const firstPayloads = payloads(run(first.sim, first.clock, 60));
  const other = makeSim({ seed: 8 });

  assert.equal(payloads(run(second.sim, second.clock, 60)), firstPayloads);
  assert.not.equal(payloads(run(other.sim, other.clock, 60)), firstPayloads, "another seed gives other payloads");
  rmSync(first.stateDir, { recursive: true });
  rmSync(second.stateDir, { recursive: true });
  rmSync(other.stateDir, { recursive: true });
});

test("simulator rejects a zero heartbeat interval", () => {
  assert.throws(() => makeSim({ heartbeatSec: 0 }), /heartbeat interval 0 must be a positive number of seconds/);
});

test.run();
