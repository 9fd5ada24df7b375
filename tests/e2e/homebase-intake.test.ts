/**
 * The home base simulator on its own, over the simulated air (UDP on 127.0.0.1): a flood of forged
 * frames at the ESP-NOW line rate does not keep a real device's frames out, a frame accepted
 * before a SIGKILL is refused after the restart on the same SD card folder, log entries still
 * in the open batch at a SIGTERM are spooled, and damaged state files are set aside or stop the
 * start (docs/sd-layout.md).
 *
 * Needs build/homebase/homebase-sim (`make homebase`). Frames come from the device simulator's own
 * encoder, which is independent of the core.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { encodeFrame } from "../../tools/device-sim/encoder.ts";
import {
  deviceAccepted, deviceSeeds as devices, HOMEBASE_BINARY as BINARY, networkPublicKey, openSocket, seed, send, sleep,
  startHomeBase as startProcess, status, stopHomeBase, testPorts, writeProvisioning, type HomeBase,
} from "./homebase-process.ts";

/** About the ESP-NOW line rate for 250-byte frames. */
const FLOOD_FRAMES_PER_SEC = 100;
const FLOOD_SEC = 5;
const VERIFIES_PER_SEC = 20;

function startHomeBase(dir: string, httpPort: number, udpPort: number): Promise<HomeBase> {
  return startProcess(dir, httpPort, udpPort, ["--verify-rate", String(VERIFIES_PER_SEC)]);
}

function heartbeat(deviceId: string, signer: Uint8Array, seq: number, padding: string): Buffer {
  const timestamp = Math.floor(Date.now() / 1000);
  return encodeFrame({ type: "heartbeat", deviceId, timestamp, seq, payload: { battery: 90, note: padding } }, signer, networkPublicKey);
}

function logFrame(seq: number): Buffer {
  const timestamp = Math.floor(Date.now() / 1000);
  return encodeFrame({ type: "log", deviceId: "door", timestamp, seq, payload: { level: "info", category: "door", message: `entry ${seq}` } }, devices.door, networkPublicKey);
}

/** Returns every entry of every batch spooled on the card, in no particular order. */
function spooledEntries(dir: string): any[] {
  const folder = join(dir, "card", "spool", "batches");
  const files = (readdirSync(folder, { recursive: true }) as string[]).filter((name) => name.endsWith(".json"));
  return files.flatMap((name) => JSON.parse(readFileSync(join(folder, name), "utf8")).entries);
}

interface Context {
  dir: string;
  home?: HomeBase;
}

const intake = suite<Context>("homebase intake");

intake.before.each((context) => {
  context.dir = mkdtempSync(join(tmpdir(), "homebase-intake-"));
  writeProvisioning(context.dir, "http://127.0.0.1:9", true);
});

intake.after.each(async (context) => {
  if (context.home) await stopHomeBase(context.home, "SIGKILL");
  rmSync(context.dir, { recursive: true, force: true });
});

function ports(): { http: number; udp: number } {
  return testPorts(0);
}

intake("forged flood at line rate leaves real frames accepted", async (context) => {
  assert.ok(existsSync(BINARY), `${BINARY} missing; run make homebase`);
  const { http, udp } = ports();
  const home = (context.home = await startHomeBase(context.dir, http, udp));
  const forger = await openSocket();
  const realDevice = await openSocket();
  const forgerSeed = seed(0x99);
  // Padding brings each forged frame to the full 250 bytes.
  const padding = "x".repeat(250 - 91 - JSON.stringify({ battery: 90, note: "" }).length);
  let forgedSeq = 1;
  let realSeq = 1;
  let realSent = 0;

  // Signed before the flood, so signing does not slow the sending; their timestamps stay well inside the 300 s skew.
  const forged = Array.from({ length: FLOOD_SEC * FLOOD_FRAMES_PER_SEC }, (_, index) => heartbeat("porch-cam", forgerSeed, index + 1, padding));
  assert.ok(forged.every((frame) => frame.length === 250));

  const startedAt = Date.now();
  for (let tenth = 0; tenth < FLOOD_SEC * 10; tenth++) {
    // The tenth of a second's frames go out together, so a slow send callback does not lower the rate.
    const burst: Promise<void>[] = [];
    for (let i = 0; i < FLOOD_FRAMES_PER_SEC / 10; i++) burst.push(send(forger, udp, forged[forgedSeq++ - 1]!));
    await Promise.all(burst);
    if (tenth % 5 === 0) {
      await send(realDevice, udp, heartbeat("door", devices.door, realSeq++, ""));
      realSent++;
    }
    await sleep(Math.max(0, startedAt + (tenth + 1) * 100 - Date.now()));
  }
  const floodSec = (Date.now() - startedAt) / 1000;
  // A real frame waits at most for the next second's budget.
  await sleep(1500);
  const elapsedSec = (Date.now() - startedAt) / 1000;

  const body = await status(home);
  const queue = body.frames.verify_queue;
  process.stdout.write(`flood: ${forgedSeq - 1} forged frames in ${floodSec.toFixed(1)} s (${((forgedSeq - 1) / floodSec).toFixed(0)}/s), verify rate=${queue.verifies_per_sec}/s, forged sent=${forgedSeq - 1} real sent=${realSent} real accepted=${deviceAccepted(body, "door")} ` +
    `verified=${queue.served} SIGNATURE_INVALID=${body.frames.rejected.SIGNATURE_INVALID ?? 0} dropped=${JSON.stringify(queue.dropped)}\n`);
  assert.is(deviceAccepted(body, "door"), realSent);
  assert.is(deviceAccepted(body, "porch-cam"), 0);
  // Every started clock second brings a budget, so the run spans at most elapsed + 2 of them.
  assert.ok(queue.served <= (Math.ceil(elapsedSec) + 2) * VERIFIES_PER_SEC, `verified ${queue.served} in ${elapsedSec} s, above the budget`);
  assert.ok(queue.dropped.SENDER_QUEUE_FULL > 0);
  forger.close();
  realDevice.close();
});

intake("frame accepted before SIGKILL refused after restart", async (context) => {
  const { http, udp } = ports();
  let home = (context.home = await startHomeBase(context.dir, http, udp));
  const socket = await openSocket();
  const frame = heartbeat("door", devices.door, 5, "");

  await send(socket, udp, frame);
  let body = await status(home);
  for (let i = 0; i < 20 && deviceAccepted(body, "door") === 0; i++) {
    await sleep(100);
    body = await status(home);
  }
  assert.is(deviceAccepted(body, "door"), 1);
  assert.ok(existsSync(join(context.dir, "card", "spool", "replay-state.bin")));

  await stopHomeBase(home, "SIGKILL");
  home = context.home = await startHomeBase(context.dir, http, udp);
  await send(socket, udp, frame);
  await sleep(300);
  body = await status(home);
  assert.is(deviceAccepted(body, "door"), 0);
  assert.is(body.frames.rejected.REPLAY_BELOW_FLOOR, 1);

  // A fresh frame above the floor (5 + 64) is taken again.
  await send(socket, udp, heartbeat("door", devices.door, 70, ""));
  await sleep(300);
  body = await status(home);
  assert.is(deviceAccepted(body, "door"), 1);
  socket.close();
});

// Regression: SIGTERM dropped the open batch, although the replay floors of its entries were saved.
intake("log entries in the open batch are spooled at SIGTERM", async (context) => {
  const { http, udp } = ports();
  const home = (context.home = await startHomeBase(context.dir, http, udp));
  const socket = await openSocket();
  const logCount = 3;

  // The first entry goes out with the urgent came-online entry; the others wait for the hour-long batch interval.
  for (let seq = 1; seq <= logCount; seq++) await send(socket, udp, logFrame(seq));
  let body = await status(home);
  for (let i = 0; i < 20 && deviceAccepted(body, "door") < logCount; i++) {
    await sleep(100);
    body = await status(home);
  }
  assert.is(deviceAccepted(body, "door"), logCount);

  await stopHomeBase(home, "SIGTERM");
  assert.is(home.process.exitCode, 0);
  const logs = spooledEntries(context.dir).filter((entry) => entry.kind === "log");
  assert.is(logs.length, logCount);
  socket.close();
});

function writeSpoolFile(dir: string, name: string, text: string): void {
  const spool = join(dir, "card", "spool");
  mkdirSync(spool, { recursive: true });
  writeFileSync(join(spool, name), text);
}

intake("corrupt command results file is set aside at start", async (context) => {
  const { http, udp } = ports();
  writeSpoolFile(context.dir, "command-results.json", "[{\"device_id\":");
  context.home = await startHomeBase(context.dir, http, udp);

  const spool = readdirSync(join(context.dir, "card", "spool"));
  const aside = spool.filter((name) => /^command-results\.json\.corrupt-\d+$/.test(name));
  assert.is(aside.length, 1);
  assert.is(readFileSync(join(context.dir, "card", "spool", aside[0]!), "utf8"), "[{\"device_id\":");
  assert.ok(context.home.output.join("").includes("command-results.json is not a JSON array"));
});

intake("corrupt registry stops the start with the file and the fix", async (context) => {
  const { http, udp } = ports();
  writeSpoolFile(context.dir, "registry.json", "not json");
  const error = await startHomeBase(context.dir, http, udp).then(() => null, (caught: Error) => caught);

  assert.ok(error !== null, "homebase-sim started with a corrupt registry.json");
  assert.ok(error.message.includes("registry.json: not a JSON object"), error.message);
  assert.ok(error.message.includes("restore it from a backup, or re-provision the home base"), error.message);
});

intake.run();
