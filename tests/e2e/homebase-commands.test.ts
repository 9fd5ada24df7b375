/**
 * Commands through the home base simulator (docs/protocol.md sections 6 and 9): a device_add fills
 * the registry, a device command is relayed over the air to the device simulator, its
 * acknowledgement comes back, and the result reaches a stand-in central server in a request signed
 * with the home base's key.
 *
 * Needs build/homebase/homebase-sim (`make homebase`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nacl from "tweetnacl";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { encodeFrame } from "../../tools/device-sim/encoder.ts";
import { deviceAddFrame, signedCommandHeaders } from "./signed-command.ts";
import {
  deviceAccepted, deviceSeeds, hex, homeBaseSeed, NETWORK_ID, networkPublicKey, networkSeed, REPO_ROOT, sleep,
  startHomeBase, status, stopHomeBase, testPorts, writeProvisioning, type HomeBase,
} from "./homebase-process.ts";

const network = { privateKey: Buffer.from(networkSeed), publicKey: Buffer.from(networkPublicKey) };
const homeBasePublicKey = nacl.sign.keyPair.fromSeed(homeBaseSeed).publicKey;

interface Posted {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface Context {
  dir: string;
  central: Server;
  posted: Posted[];
  home?: HomeBase;
  deviceSim?: ChildProcess;
}

async function postCommand(home: HomeBase, frame: Buffer): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({ frame: frame.toString("hex") });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`http://127.0.0.1:${home.httpPort}/api/v1/command`, {
    method: "POST",
    headers: signedCommandHeaders(network, NETWORK_ID, body, timestamp),
    body,
  });
  return { status: response.status, body: await response.json() };
}

/** Checks the X-Mesh-* signature of a request the home base sent, with tweetnacl directly. */
function homeBaseSigned(posted: Posted): boolean {
  const bodyHash = createHash("sha256").update(posted.body).digest("hex");
  const text = ["POST", posted.path, String(posted.headers["x-mesh-key-id"]), String(posted.headers["x-mesh-timestamp"]),
    String(posted.headers["x-mesh-nonce"]), bodyHash].join("\n");
  const message = Buffer.concat([Buffer.from("homemesh/request/v1\0", "ascii"), Buffer.from(text)]);
  return nacl.sign.detached.verify(message, Buffer.from(String(posted.headers["x-mesh-signature"]), "hex"), homeBasePublicKey);
}

function postedResults(context: Context): any[] {
  return context.posted.filter((posted) => posted.path === "/commands/results").flatMap((posted) => JSON.parse(posted.body).results);
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const commands = suite<Context>("homebase commands");

commands.before.each(async (context) => {
  context.dir = mkdtempSync(join(tmpdir(), "homebase-commands-"));
  context.posted = [];
  context.central = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      context.posted.push({ path: request.url ?? "", headers: request.headers, body });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(request.url === "/commands/results" ? JSON.stringify({ accepted: JSON.parse(body).results.length, rejected: [] }) : "{}");
    });
  });
  await new Promise<void>((resolve) => context.central.listen(0, "127.0.0.1", resolve));
});

commands.after.each(async (context) => {
  context.deviceSim?.kill("SIGTERM");
  if (context.home) await stopHomeBase(context.home, "SIGTERM");
  context.central.close();
  rmSync(context.dir, { recursive: true, force: true });
});

commands("device command relayed to device and its result reported", async (context) => {
  const { http, udp } = testPorts(1);
  writeProvisioning(context.dir, `http://127.0.0.1:${(context.central.address() as AddressInfo).port}`, false);
  const home = (context.home = await startHomeBase(context.dir, http, udp));
  const now = Math.floor(Date.now() / 1000);

  // The registry starts empty and is filled by a config command.
  const added = await postCommand(home, deviceAddFrame(network, "homebase", 1, now, "porch-cam", nacl.sign.keyPair.fromSeed(deviceSeeds["porch-cam"]).publicKey));
  assert.is(added.status, 200);
  assert.equal(added.body, { id: 1, state: "done", result: "ok" });

  writeFileSync(join(context.dir, "devices.json"), JSON.stringify({
    network_public_key: hex(networkPublicKey),
    home_base: { host: "127.0.0.1", udp_port: udp },
    devices: [{ device_id: "porch-cam", type: "camera", private_key: hex(deviceSeeds["porch-cam"]) }],
  }));
  context.deviceSim = spawn(process.execPath, ["--import", "tsx", "tools/device-sim/main.ts", "--config", join(context.dir, "devices.json"),
    "--state-dir", join(context.dir, "device-sim"), "--heartbeat-sec", "1", "--motion-mean-sec", "1000", "--log-every-sec", "1000", "--seed", "1"],
  { cwd: REPO_ROOT, stdio: "ignore" });
  await waitUntil(async () => deviceAccepted(await status(home), "porch-cam") > 0, 10_000, "the device's first frame");

  const command = encodeFrame({ type: "command", deviceId: "porch-cam", timestamp: Math.floor(Date.now() / 1000), seq: 1, payload: '{"id":1,"cmd":"identify"}' }, networkSeed, networkPublicKey);
  const relayed = await postCommand(home, command);
  assert.is(relayed.status, 202);
  assert.equal(relayed.body, { id: 1, state: "relayed" });

  await waitUntil(() => postedResults(context).some((result) => result.device_id === "porch-cam"), 5_000, "the command result");
  const result = postedResults(context).find((entry) => entry.device_id === "porch-cam");
  assert.is(result.id, 1);
  assert.is(result.result, "ok");

  // The acknowledgement is the device's frame, signed with its key.
  const ack = Buffer.from(result.ack, "hex");
  const payloadLen = ack[26] ?? 0;
  assert.is(ack[1], 0x05);
  const message = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), networkPublicKey, ack.subarray(0, 27 + payloadLen)]);
  assert.ok(nacl.sign.detached.verify(message, ack.subarray(27 + payloadLen), nacl.sign.keyPair.fromSeed(deviceSeeds["porch-cam"]).publicKey));

  // Results requests are signed with the home base's own key; the config command's result has no ack.
  const resultPosts = context.posted.filter((posted) => posted.path === "/commands/results");
  assert.ok(resultPosts.every(homeBaseSigned));
  assert.is(resultPosts[0]!.headers["x-mesh-key-id"], `${NETWORK_ID}/homebase`);
  assert.equal(postedResults(context).find((entry) => entry.device_id === "homebase"), { device_id: "homebase", id: 1, result: "ok" });

  // A retry of the same command gets the stored result.
  const repeated = await postCommand(home, command);
  assert.is(repeated.status, 200);
  assert.equal(repeated.body, { id: 1, state: "done", result: "ok" });
});

commands("command for an unknown device answers 404 problem", async (context) => {
  const { http, udp } = testPorts(2);
  writeProvisioning(context.dir, `http://127.0.0.1:${(context.central.address() as AddressInfo).port}`, false);
  const home = (context.home = await startHomeBase(context.dir, http, udp));

  const command = encodeFrame({ type: "command", deviceId: "door", timestamp: Math.floor(Date.now() / 1000), seq: 1, payload: '{"id":1,"cmd":"reboot"}' }, networkSeed, networkPublicKey);
  const answer = await postCommand(home, command);
  assert.is(answer.status, 404);
  assert.is(answer.body.code, "FRAME_UNKNOWN_DEVICE");
});

commands.run();
