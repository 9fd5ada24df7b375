/**
 * The home base simulator as a child process for the system tests: a provisioning file with fixed
 * test keys, start and readiness check, stop by signal, and UDP helpers standing in for devices.
 */
import { createHash } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import nacl from "tweetnacl";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const HOMEBASE_BINARY = join(REPO_ROOT, "build/homebase/homebase-sim");
export const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";
const START_TIMEOUT_MS = 10_000;

export function seed(fill: number): Uint8Array {
  return new Uint8Array(32).fill(fill);
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export const networkSeed = seed(0x11);
export const homeBaseSeed = seed(0x22);
export const deviceSeeds = { "porch-cam": seed(0x33), door: seed(0x44) };
export const networkPublicKey = nacl.sign.keyPair.fromSeed(networkSeed).publicKey;

export interface HomeBase {
  process: ChildProcess;
  output: string[];
  httpPort: number;
  udpPort: number;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes homebase.json into `dir`; `withDevices` adds the two test devices as a first registry. */
export function writeProvisioning(dir: string, centralUrl: string, withDevices: boolean): string {
  const path = join(dir, "homebase.json");
  writeFileSync(path, JSON.stringify({
    network_id: NETWORK_ID,
    home_base_id: "homebase",
    private_key: hex(homeBaseSeed),
    network_public_key: hex(networkPublicKey),
    central_url: centralUrl,
    batch_interval_sec: 3600,
    offline_after_sec: 3600,
    ...(withDevices ? {
      devices: Object.entries(deviceSeeds).map(([deviceId, deviceSeed]) => ({
        device_id: deviceId,
        public_key: hex(nacl.sign.keyPair.fromSeed(deviceSeed).publicKey),
      })),
    } : {}),
  }), { mode: 0o600 });
  return path;
}

/** The local dashboard token these tests give the home base; its reading endpoints need it. */
const DASHBOARD_TOKEN = "homebase-process-test-token";
const DASHBOARD_TOKEN_SHA256 = createHash("sha256").update(DASHBOARD_TOKEN).digest("base64");

export async function status(home: HomeBase): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${home.httpPort}/api/v1/status`, { headers: { authorization: `Bearer ${DASHBOARD_TOKEN}` } });
  if (response.status !== 200) throw new Error(`GET /api/v1/status answered ${response.status}`);
  return response.json();
}

export async function startHomeBase(dir: string, httpPort: number, udpPort: number, extraArgs: string[] = []): Promise<HomeBase> {
  const child = spawn(HOMEBASE_BINARY, [
    "--config", join(dir, "homebase.json"), "--data", join(dir, "card"),
    "--http-port", String(httpPort), "--udp-port", String(udpPort),
    "--dashboard-token-sha256", DASHBOARD_TOKEN_SHA256, ...extraArgs,
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

export async function stopHomeBase(home: HomeBase, signal: NodeJS.Signals): Promise<void> {
  if (home.process.exitCode !== null || home.process.signalCode !== null) return;
  const exited = new Promise((resolve) => home.process.once("exit", resolve));
  home.process.kill(signal);
  await exited;
}

export function openSocket(): Promise<Socket> {
  const socket = createSocket("udp4");
  return new Promise((resolve) => socket.bind(0, "127.0.0.1", () => resolve(socket)));
}

export function send(socket: Socket, port: number, frame: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.send(frame, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
}

export function deviceAccepted(body: any, deviceId: string): number {
  return body.devices.find((device: any) => device.device_id === deviceId)?.accepted ?? 0;
}

/** Two ports from 20000-28999 chosen by the process id, so parallel runs rarely meet; `slot` separates suites. */
export function testPorts(slot: number): { http: number; udp: number } {
  const base = 20_000 + ((process.pid * 13 + slot * 101) % 9_000);
  return { http: base, udp: base + 1 };
}
