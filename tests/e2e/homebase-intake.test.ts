/**
 * The home base simulator on its own, over the simulated air (UDP on 127.0.0.1): a flood of forged
 * frames at the ESP-NOW line rate does not keep a real device's frames out, and a frame accepted
 * before a SIGKILL is refused after the restart on the same SD card folder.
 *
 * Needs build/homebase/homebase-sim (`make homebase`). Frames come from the device simulator's own
 * encoder, which is independent of the core.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nacl from "tweetnacl";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { encodeFrame } from "../../tools/device-sim/encoder.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BINARY = join(REPO_ROOT, "build/homebase/homebase-sim");
const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";
const START_TIMEOUT_MS = 10_000;
/** About the ESP-NOW line rate for 250-byte frames. */
const FLOOD_FRAMES_PER_SEC = 100;
const FLOOD_SEC = 5;
const VERIFIES_PER_SEC = 20;

function seed(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

const networkSeed = seed(0x11);
const homeBaseSeed = seed(0x22);
const devices = { "porch-cam": seed(0x33), door: seed(0x44) };
const networkPublicKey = nacl.sign.keyPair.fromSeed(networkSeed).publicKey;

interface HomeBase {
  process: ChildProcess;
  output: string[];
  httpPort: number;
  udpPort: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function writeProvisioning(dir: string): string {
  const path = join(dir, "homebase.json");
  writeFileSync(path, JSON.stringify({
    network_id: NETWORK_ID,
    home_base_id: "homebase",
    private_key: hex(homeBaseSeed),
    network_public_key: hex(networkPublicKey),
    central_url: "http://127.0.0.1:9",
    batch_interval_sec: 3600,
    offline_after_sec: 3600,
    devices: Object.entries(devices).map(([deviceId, deviceSeed]) => ({
      device_id: deviceId,
      public_key: hex(nacl.sign.keyPair.fromSeed(deviceSeed).publicKey),
    })),
  }), { mode: 0o600 });
  return path;
}

async function status(home: HomeBase): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${home.httpPort}/api/v1/status`);
  return response.json();
}

async function startHomeBase(dir: string, httpPort: number, udpPort: number): Promise<HomeBase> {
  const child = spawn(BINARY, [
    "--config", join(dir, "homebase.json"), "--spool", join(dir, "card"),
    "--http-port", String(httpPort), "--udp-port", String(udpPort),
    "--verify-rate", String(VERIFIES_PER_SEC),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  const home: HomeBase = { process: child, output: [], httpPort, udpPort };
  child.stdout?.on("data", (chunk) => home.output.push(String(chunk)));
  child.stderr?.on("data", (chunk) => home.output.push(String(chunk)));

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`homebase-sim exited ${child.exitCode}: ${home.output.join("")}`);
    try {
      await status(home);
      return home;
    } catch {
      await sleep(100);
    }
  }
  child.kill("SIGKILL");
  throw new Error(`homebase-sim did not answer within ${START_TIMEOUT_MS} ms: ${home.output.join("")}`);
}

async function stopHomeBase(home: HomeBase, signal: NodeJS.Signals): Promise<void> {
  if (home.process.exitCode !== null || home.process.signalCode !== null) return;
  const exited = new Promise((resolve) => home.process.once("exit", resolve));
  home.process.kill(signal);
  await exited;
}

function openSocket(): Promise<Socket> {
  const socket = createSocket("udp4");
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket)));
}

function send(socket: Socket, port: number, frame: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.send(frame, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
}

function heartbeat(deviceId: string, signer: Uint8Array, seq: number, padding: string): Buffer {
  const timestamp = Math.floor(Date.now() / 1000);
  return encodeFrame({ type: "heartbeat", deviceId, timestamp, seq, payload: { battery: 90, note: padding } }, signer, networkPublicKey);
}

function deviceAccepted(body: any, deviceId: string): number {
  return body.devices.find((device: any) => device.device_id === deviceId)?.accepted ?? 0;
}

interface Context {
  dir: string;
  home?: HomeBase;
}

const intake = suite<Context>("homebase intake");

intake.before.each((context) => {
  context.dir = mkdtempSync(join(tmpdir(), "homebase-intake-"));
  writeProvisioning(context.dir);
});

intake.after.each(async (context) => {
  if (context.home) await stopHomeBase(context.home, "SIGKILL");
  rmSync(context.dir, { recursive: true, force: true });
});

function ports(): { http: number; udp: number } {
  const base = 20_000 + ((process.pid * 13) % 9_000);
  return { http: base, udp: base + 1 };
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

  const startedAt = Date.now();
  for (let tenth = 0; tenth < FLOOD_SEC * 10; tenth++) {
    for (let i = 0; i < FLOOD_FRAMES_PER_SEC / 10; i++) {
      const frame = heartbeat("porch-cam", forgerSeed, forgedSeq++, padding);
      assert.is(frame.length, 250);
      await send(forger, udp, frame);
    }
    if (tenth % 5 === 0) {
      await send(realDevice, udp, heartbeat("door", devices.door, realSeq++, ""));
      realSent++;
    }
    await sleep(Math.max(0, startedAt + (tenth + 1) * 100 - Date.now()));
  }
  // A real frame waits at most for the next second's budget.
  await sleep(1500);
  const elapsedSec = (Date.now() - startedAt) / 1000;

  const body = await status(home);
  const queue = body.frames.verify_queue;
  process.stdout.write(`flood: ${elapsedSec.toFixed(1)} s, verify rate=${queue.verifies_per_sec}/s, forged sent=${forgedSeq - 1} real sent=${realSent} real accepted=${deviceAccepted(body, "door")} ` +
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
  assert.ok(existsSync(join(context.dir, "card", "replay-state.bin")));

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

intake.run();
