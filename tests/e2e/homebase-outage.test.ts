/**
 * A five-minute outage of the central server while devices keep sending. One ManualClock drives
 * the central server (in this process, on PGlite), the device simulator (in this process, sending
 * over UDP to the home base) and homebase-sim (through its --clock-file). The test moves the clock
 * in steps of STEP_SEC and waits after each step until the home base has ticked at the new time.
 *
 * The home base must spool every sealed batch, keep retrying with backoff while the central server
 * is away, and delete a batch only after the central server confirmed it. The test then counts the
 * rows the central server stored against the frames the devices sent: each exactly once.
 *
 * Needs build/homebase/homebase-sim (`make homebase`).
 */
import type { Socket } from "node:dgram";
import { type Dirent, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock, nowSec } from "../../hosts/node/src/clock.ts";
import type { SimConfig } from "../../tools/device-sim/config.ts";
import { DeviceSimulator, type SimFrame } from "../../tools/device-sim/sim.ts";
import { DEVICE_TYPES, openCentralDatabase, prepareCentralData, startCentral, type CentralInProcess } from "./central-in-process.ts";
import {
  deviceSeeds, NETWORK_ID, networkPublicKey, openSocket, send, sleep, startHomeBase, status, stopHomeBase, testPorts,
  writeProvisioning, type HomeBase,
} from "./homebase-process.ts";

const BATCH_INTERVAL_SEC = 10;
/** Injected seconds per step; devices send what is due at each step. */
const STEP_SEC = 2;
const BEFORE_OUTAGE_SEC = 60;
const OUTAGE_SEC = 300;
/** Devices keep sending this long after the restart, then stop so the last batch can drain. */
const AFTER_RESTART_SEC = 60;
/** Maximum injected time the spool may take to drain after the devices stopped. */
const DRAIN_MAX_SEC = 240;
/** Real time one step may take: the home base wakes every 20 ms with a clock file. */
const STEP_TIMEOUT_MS = 5_000;
const STATUS_POLL_MS = 5;

interface Sent {
  frames: number;
  /** `<device>/<seq>` of every log and motion frame sent. */
  logs: string[];
  motions: string[];
  heartbeats: number;
}

interface Figures {
  spoolPeak: number;
  /** Link states of GET /api/v1/status in the order they were first seen after a change. */
  linkStates: string[];
  failuresBeforeOutage: number;
  failuresAfterOutage: number;
  outageEndSec: number;
}

interface Context {
  dir: string;
  clock: ManualClock;
  clockPath: string;
  startSec: number;
  central: CentralInProcess;
  home: HomeBase;
  sim: DeviceSimulator;
  sockets: Map<string, Socket>;
  devicesSending: boolean;
  sent: Sent;
  figures: Figures;
  last: any;
}

const outage = suite<Context>("homebase outage");

/** Writes the clock file for homebase-sim through a rename, so it never reads a partial number. */
function writeClock(context: Context): void {
  const temporary = `${context.clockPath}.tmp`;
  writeFileSync(temporary, `${nowSec(context.clock)}\n`);
  renameSync(temporary, context.clockPath);
}

/**
 * Lists the batch files in the card's spool (docs/sd-layout.md: spool/batches/RRRR/FF/batch-<seq>.json).
 * The home base's sender removes a folder, up to spool/batches itself, as soon as its last batch is
 * confirmed. A folder listed here may be gone a moment later, so a vanished folder counts as empty.
 */
function spooledBatchFiles(context: Context): string[] {
  return batchFilesUnder(join(context.dir, "card", "spool", "batches"));
}

function batchFilesUnder(folder: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    if (entry.isDirectory()) return batchFilesUnder(join(folder, entry.name));
    return /^batch-\d+\.json$/.test(entry.name) ? [entry.name] : [];
  });
}

function record(sent: Sent, frame: SimFrame): void {
  sent.frames++;
  if (frame.type === "log") sent.logs.push(`${frame.deviceId}/${frame.seq}`);
  else if (frame.type === "motion") sent.motions.push(`${frame.deviceId}/${frame.seq}`);
  else if (frame.type === "heartbeat") sent.heartbeats++;
}

/**
 * Polls GET /api/v1/status until the home base shows the clock's time and has accepted every frame
 * sent. The main loop reads the clock file and ticks under one lock, so that status was rendered
 * after the tick at the new time.
 */
async function homeBaseCaughtUp(context: Context): Promise<any> {
  const uptime = nowSec(context.clock) - context.startSec;
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let body: any;
  while (Date.now() < deadline) {
    body = await status(context.home);
    if (body.uptime_sec === uptime && body.frames.accepted === context.sent.frames) return body;
    await sleep(STATUS_POLL_MS);
  }
  throw new Error(`timed out after ${STEP_TIMEOUT_MS} ms waiting for the home base at uptime ${uptime} with ${context.sent.frames} frames accepted; last status: ${JSON.stringify(body)}\n${context.home.output.join("")}`);
}

/**
 * Moves the clock one step and returns the home base's status after its tick. The frames due are
 * sent only once the home base ticked at the new time, so each lands in the same batch on every
 * run and the figures repeat.
 */
async function step(context: Context, seconds: number): Promise<any> {
  context.clock.advanceSec(seconds);
  writeClock(context);
  let body = await homeBaseCaughtUp(context);

  const frames = context.devicesSending ? context.sim.tick() : [];
  for (const frame of frames) {
    await send(context.sockets.get(frame.deviceId)!, context.home.udpPort, frame.bytes);
    record(context.sent, frame);
  }
  if (frames.length > 0) body = await homeBaseCaughtUp(context);

  const states = context.figures.linkStates;
  if (states[states.length - 1] !== body.link.state) states.push(body.link.state);
  context.figures.spoolPeak = Math.max(context.figures.spoolPeak, spooledBatchFiles(context).length);
  context.last = body;
  return body;
}

async function run(context: Context, seconds: number): Promise<void> {
  for (let done = 0; done < seconds; done += STEP_SEC) await step(context, STEP_SEC);
}

function deviceSimConfig(udpPort: number): SimConfig {
  return {
    networkPublicKey: Buffer.from(networkPublicKey),
    homeBase: { host: "127.0.0.1", udpPort },
    devices: Object.entries(deviceSeeds).map(([deviceId, seed]) => ({
      deviceId,
      type: DEVICE_TYPES[deviceId as keyof typeof deviceSeeds],
      privateKey: Buffer.from(seed),
    })),
  };
}

outage.before(async (context) => {
  context.dir = mkdtempSync(join(tmpdir(), "homebase-outage-"));
  context.clock = new ManualClock();
  context.startSec = nowSec(context.clock);
  context.clockPath = join(context.dir, "clock");
  context.sent = { frames: 0, logs: [], motions: [], heartbeats: 0 };
  context.figures = { spoolPeak: 0, linkStates: [], failuresBeforeOutage: 0, failuresAfterOutage: 0, outageEndSec: 0 };
  writeClock(context);

  const centralDir = join(context.dir, "central");
  await prepareCentralData(centralDir, context.clock);
  context.central = await startCentral(centralDir, context.clock);

  const { http, udp } = testPorts(5);
  writeProvisioning(context.dir, context.central.url, true);
  context.home = await startHomeBase(context.dir, http, udp, [
    "--clock-file", context.clockPath, "--batch-interval", String(BATCH_INTERVAL_SEC), "--verify-rate", "1000",
  ]);

  context.sockets = new Map();
  for (const deviceId of Object.keys(deviceSeeds)) context.sockets.set(deviceId, await openSocket());
  context.sim = new DeviceSimulator(deviceSimConfig(udp), {
    clock: context.clock, seed: 5, stateDir: join(context.dir, "device-sim"), heartbeatSec: 10, motionMeanSec: 30, logEverySec: 3,
  });
  context.devicesSending = true;
});

outage.after(async (context) => {
  if (context.home) await stopHomeBase(context.home, "SIGTERM");
  for (const socket of context.sockets?.values() ?? []) socket.close();
  if (context.central?.running()) await context.central.stop();
  rmSync(context.dir, { recursive: true, force: true });
});

outage("batches reach the central server before the outage", async (context) => {
  await run(context, BEFORE_OUTAGE_SEC);

  assert.is(context.last.link.state, "up");
  assert.ok(context.last.batches.sent >= BEFORE_OUTAGE_SEC / BATCH_INTERVAL_SEC, `batches sent: ${context.last.batches.sent}`);
  assert.is(context.last.batches.spooled, 0);
  assert.ok(context.sent.logs.length > 0, "the devices sent log lines");
  context.figures.failuresBeforeOutage = context.last.batches.failures;
});

outage("batches wait in the spool while the central server is down", async (context) => {
  await context.central.stop();
  const failuresBefore = context.last.batches.failures;

  await run(context, OUTAGE_SEC);
  context.figures.outageEndSec = nowSec(context.clock);

  assert.is(context.last.link.state, "down");
  assert.ok(context.figures.linkStates.includes("down"), `link states seen: ${context.figures.linkStates.join(", ")}`);
  // One batch is sealed per interval, and each motion frame seals the open batch early.
  assert.ok(context.figures.spoolPeak >= OUTAGE_SEC / BATCH_INTERVAL_SEC - 1, `spool peak: ${context.figures.spoolPeak}`);
  assert.is(spooledBatchFiles(context).length, context.last.batches.spooled);
  assert.ok(context.last.batches.failures > failuresBefore, "sends failed and were retried");
  assert.ok(context.last.link.last_failure_at > context.figures.outageEndSec - OUTAGE_SEC);
  context.figures.failuresAfterOutage = context.last.batches.failures;
});

outage("spool drains once the central server is back", async (context) => {
  await context.central.start();
  await run(context, AFTER_RESTART_SEC);

  context.devicesSending = false;
  const stoppedAt = nowSec(context.clock);
  while (nowSec(context.clock) - stoppedAt < BATCH_INTERVAL_SEC + STEP_SEC || context.last.batches.spooled > 0) {
    if (nowSec(context.clock) - stoppedAt > DRAIN_MAX_SEC) assert.unreachable(`spool not empty ${DRAIN_MAX_SEC} s after the devices stopped: ${JSON.stringify(context.last.batches)}`);
    await step(context, STEP_SEC);
  }

  assert.equal(spooledBatchFiles(context), []);
  assert.is(context.last.link.state, "up");
  assert.ok(context.last.link.last_success_at >= context.figures.outageEndSec);
  assert.equal(context.figures.linkStates.slice(-3), ["up", "down", "up"]);
});

outage("every entry sent arrived exactly once", async (context) => {
  await context.central.stop();
  const db = openCentralDatabase(join(context.dir, "central"));
  try {
    const logs = await db("device_logs").where({ network_id: NETWORK_ID }).select("device_id", "seq");
    const motions = await db("motion_events").where({ network_id: NETWORK_ID }).select("device_id", "seq");
    const repeatedLogs = await db("device_logs").select("device_id", "seq").count("* as copies").groupBy("device_id", "seq").havingRaw("count(*) > 1");
    const batches = await db("ingest_batches").where({ network_id: NETWORK_ID }).select("batch_seq", "sealed_at", "received_at");
    const oldestAtArrivalSec = Math.max(...batches.map((row: any) => (new Date(row.received_at).getTime() - new Date(row.sealed_at).getTime()) / 1000));
    const storedLogs = logs.map((row: any) => `${row.device_id}/${Number(row.seq)}`);
    const storedMotions = motions.map((row: any) => `${row.device_id}/${Number(row.seq)}`);
    const duplicateBatches = context.central.logLines.filter((line) => line.includes("ingest batch duplicate")).length;

    console.log(`outage figures: log entries sent ${context.sent.logs.length}, arrived ${storedLogs.length}; `
      + `motion events sent ${context.sent.motions.length}, arrived ${storedMotions.length}; heartbeats sent ${context.sent.heartbeats}; `
      + `batches stored ${batches.length}, oldest ${oldestAtArrivalSec} s after sealing; spooled at peak ${context.figures.spoolPeak}; `
      + `failed sends (retries) ${context.last.batches.failures}, of which during the outage ${context.figures.failuresAfterOutage - context.figures.failuresBeforeOutage}; `
      + `batches the central server saw twice ${duplicateBatches}`);

    // The central server rejects a request signed more than 300 s away from its clock, so taking a
    // batch sealed longer ago shows that the retry was signed afresh.
    assert.ok(oldestAtArrivalSec > 300, `oldest batch arrived ${oldestAtArrivalSec} s after sealing`);
    assert.equal(repeatedLogs, []);
    assert.is(new Set(storedLogs).size, storedLogs.length);
    assert.equal([...storedLogs].sort(), [...context.sent.logs].sort());
    assert.equal([...storedMotions].sort(), [...context.sent.motions].sort());
  } finally {
    await db.destroy();
  }
});

outage.run();
