/**
 * The whole system, as `make run` starts it: the launcher runs the key generation script, the
 * central server on PGlite, the demo setup through the API, the home base simulator (C, core.wasm
 * through wasm2c) and the device simulator. The tests then act as a user would: log in with a code
 * from oathtool, list networks, read logs, follow the WebSocket, and send a forged frame over the air.
 *
 * Needs core/build/core.wasm and build/homebase/homebase-sim (`make core homebase`), and oathtool.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import { encodeFrame } from "../../tools/device-sim/encoder.ts";
import { dashboardTokenPath } from "../../tools/launcher/dashboard-token.ts";
import { LauncherProcess, pause, waitFor, type LauncherSettings } from "./launcher-process.ts";

const DEMO_DEVICES = ["porch-cam", "hall-motion", "garage-switch"];
const START_TIMEOUT_MS = 120_000;

interface Context {
  settings: LauncherSettings;
  launcher: LauncherProcess;
  token: string;
  networkId: string;
}

const system = suite<Context>("system");

function baseUrl(context: Context): string {
  return `http://127.0.0.1:${context.settings.serverPort}`;
}

async function getJson(url: string, token?: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json() };
}

function readCredentials(dataDir: string): { username: string; password: string; otpauth_uri: string } {
  return JSON.parse(readFileSync(join(dataDir, "admin-credentials.json"), "utf8"));
}

/** A code from Debian's oathtool, an implementation independent of the server's otplib. */
function oathtoolCode(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get("secret");
  if (!secret) throw new Error("otpauth URI has no secret");
  return execFileSync("oathtool", ["--totp", "-b", secret], { encoding: "utf8" }).trim();
}

async function login(context: Context): Promise<Response> {
  const credentials = readCredentials(context.settings.dataDir);
  return fetch(`${baseUrl(context)}/auth/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: credentials.username, password: credentials.password, totp: oathtoolCode(credentials.otpauth_uri) }),
  });
}

/** GET /api/v1/status with the dashboard token that the launcher keeps in the data folder. */
async function homeBaseStatus(context: Context): Promise<any> {
  const { token } = JSON.parse(readFileSync(dashboardTokenPath(context.settings.dataDir), "utf8")) as { token: string };
  return (await getJson(`http://127.0.0.1:${context.settings.homeBaseHttpPort}/api/v1/status`, token)).body;
}

system.before(async (context) => {
  const portBase = 19000 + Math.floor(Math.random() * 900);
  context.settings = {
    dataDir: mkdtempSync(join(tmpdir(), "homemesh-e2e-")),
    serverPort: portBase,
    homeBaseHttpPort: portBase + 1000,
    homeBaseUdpPort: portBase + 2000,
    batchIntervalSec: 2,
  };
  context.launcher = new LauncherProcess(context.settings);
  await context.launcher.waitForLine(/\[launcher\] home base ready/, START_TIMEOUT_MS);
});

system.after(async (context) => {
  await context.launcher?.interrupt(20_000);
  rmSync(context.settings.dataDir, { recursive: true, force: true });
});

system("first start prints and stores the admin credentials", (context) => {
  const path = join(context.settings.dataDir, "admin-credentials.json");
  const credentials = readCredentials(context.settings.dataDir);

  assert.is(statSync(path).mode & 0o777, 0o600);
  assert.ok(credentials.otpauth_uri.startsWith("otpauth://totp/"));
  assert.ok(context.launcher.output().includes(credentials.password), "the password is printed on the first start");
  assert.ok(context.launcher.output().includes(credentials.otpauth_uri), "the otpauth URI is printed on the first start");
});

system("login with an oathtool code returns a token", async (context) => {
  // The launcher logged in moments ago, and a code is accepted once per 30-second step, so the
  // first try may need the next step's code.
  const token = await waitFor("a session token", 45_000, async () => {
    const response = await login(context);
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { token: string }).token;
  });

  assert.type(token, "string");
  assert.ok(token.length >= 32);
  context.token = token;
});

system("GET /networks lists the demo network", async (context) => {
  const { status, body } = await getJson(`${baseUrl(context)}/networks`, context.token);
  const demo = body.items.find((network: { name: string }) => network.name === "demo");

  assert.is(status, 200);
  assert.ok(demo, "the demo network is listed");
  assert.is(demo.home_base.device_id, "homebase");
  context.networkId = demo.id;
});

system("GET /logs has entries from every device, through the home base", async (context) => {
  const url = `${baseUrl(context)}/logs?network_id=${context.networkId}&limit=1000`;

  const items = await waitFor("log entries from all three devices", 60_000, async () => {
    const { status, body } = await getJson(url, context.token);
    if (status !== 200) return undefined;
    const seen = new Set(body.items.map((item: { device_id: string }) => item.device_id));
    return DEMO_DEVICES.every((id) => seen.has(id)) ? body.items : undefined;
  });

  for (const id of DEMO_DEVICES) assert.ok(items.some((item: { device_id: string }) => item.device_id === id), `entries from ${id}`);
  for (const item of items) assert.is(item.home_base_id, "homebase");
  assert.ok(items.every((item: { timestamp: string }) => !Number.isNaN(Date.parse(item.timestamp))));
});

system("home base registry comes only from the central server's commands", async (context) => {
  const finished = (line: string) => line.includes("command finished") && line.includes("cmd=device_add");

  const lines = await waitFor("three finished device_add commands", 10_000, () => {
    const found = context.launcher.lines.filter(finished);
    return found.length >= DEMO_DEVICES.length ? found : undefined;
  });

  assert.is(lines.length, DEMO_DEVICES.length);
  assert.ok(lines.every((line) => line.includes("state=acknowledged")), lines.join("\n"));
  assert.ok(context.launcher.lines.some((line) => line.includes(`[launcher] home base registry: ${DEMO_DEVICES.length} devices`)));
  // A result of a command that another issuer sent is rejected with COMMAND_NOT_FOUND.
  assert.equal(context.launcher.lines.filter((line) => line.includes("command result rejected")), []);
});

system("WebSocket delivers a motion_event matching a sent frame", async (context) => {
  const socket = new WebSocket(`ws://127.0.0.1:${context.settings.serverPort}/ws`);
  const messages: any[] = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  socket.send(JSON.stringify({ type: "auth", token: context.token }));

  try {
    await waitFor("auth_ok", 5_000, () => messages.find((message) => message.type === "auth_ok"));
    const event = await waitFor("a motion_event", 90_000, () => messages.find((message) => message.type === "motion_event"));

    // The device simulator logs every frame it sends, with its device, seq and timestamp.
    const sent = context.launcher.lines.find((line) =>
      line.includes("frame sent") && line.includes("type=motion") && line.includes(`device=${event.data.device_id} `) && line.includes(`seq=${event.data.seq} `),
    );
    assert.ok(sent, `the simulator sent motion seq ${event.data.seq} from ${event.data.device_id}`);
    const sentTimestamp = Number(sent!.match(/timestamp=(\d+)/)?.[1]);
    assert.is(event.network_id, context.networkId);
    assert.is(event.data.timestamp, new Date(sentTimestamp * 1000).toISOString());
    assert.type(event.id, "string");
  } finally {
    socket.close();
  }
});

system("a frame with one flipped signature byte is counted and never stored", async (context) => {
  const devices = JSON.parse(readFileSync(join(context.settings.dataDir, "demo", "devices.json"), "utf8"));
  const device = devices.devices.find((entry: { device_id: string }) => entry.device_id === "garage-switch");
  const message = `forged ${Math.random().toString(36).slice(2)}`;
  const frame = encodeFrame(
    // A seq far above the simulator's: were it accepted, it would show in the logs under that seq.
    { type: "log", deviceId: "garage-switch", timestamp: Math.floor(Date.now() / 1000), seq: 4_000_000_000, payload: { level: "error", category: "e2e", message } },
    Buffer.from(device.private_key, "hex"),
    Buffer.from(devices.network_public_key, "hex"),
  );
  const flipAt = frame.length - 10;
  frame[flipAt] = frame[flipAt]! ^ 0x01;

  const before = await homeBaseStatus(context);
  const rejectedBefore = before.frames.rejected.SIGNATURE_INVALID ?? 0;
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => socket.send(frame, context.settings.homeBaseUdpPort, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
  socket.close();

  const after = await waitFor("the rejected counter to rise", 10_000, async () => {
    const status = await homeBaseStatus(context);
    return (status.frames.rejected.SIGNATURE_INVALID ?? 0) > rejectedBefore ? status : undefined;
  });
  assert.is(after.frames.rejected.SIGNATURE_INVALID, rejectedBefore + 1);

  // Two more batches delivered after the rejection means anything from that frame would be stored by now.
  await waitFor("two more delivered batches", 20_000, async () => {
    const status = await homeBaseStatus(context);
    return status.batches.sent >= after.batches.sent + 2 && status.batches.spooled === 0 ? status : undefined;
  });
  const { body } = await getJson(`${baseUrl(context)}/logs?network_id=${context.networkId}&device_id=garage-switch&limit=1000`, context.token);
  assert.not.ok(body.items.some((item: { message: string; seq: string | number }) => item.message === message || Number(item.seq) === 4_000_000_000));
});

system("a camera's still is stored and served by GET /api/v1/media", async (context) => {
  // The home base logs each stored content with the motion frame it belongs to and its path.
  const stored = await waitFor("a stored still", 90_000, () => {
    for (const line of context.launcher.lines) {
      const match = line.match(/media stored: device=(\S+) content=(\d+) bytes=(\d+) motion_seq=(\d+) path=(\S+)/);
      if (match) return { device: match[1]!, content: match[2]!, bytes: Number(match[3]), motionSeq: match[4]!, path: match[5]! };
    }
    return undefined;
  });
  const sent = context.launcher.lines.find((line) => line.includes("media sent") && line.includes(`device=${stored.device} `) && line.includes(`content=${stored.content} `));
  assert.ok(sent, `the simulator sent content ${stored.content} of ${stored.device}`);
  assert.ok(
    context.launcher.lines.some((line) => line.includes("frame sent") && line.includes("type=motion") && line.includes(`device=${stored.device} `) && line.includes(`seq=${stored.motionSeq} `)),
    `motion_seq ${stored.motionSeq} is a motion frame the simulator sent`,
  );

  const token = (JSON.parse(readFileSync(join(context.settings.dataDir, "dashboard-token.json"), "utf8")) as { token: string }).token;
  const url = `http://127.0.0.1:${context.settings.homeBaseHttpPort}/api/v1/media/${stored.path}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = Buffer.from(await response.arrayBuffer());
  assert.is(response.status, 200);
  assert.is(response.headers.get("content-type"), "image/png");
  assert.is(body.length, stored.bytes);
  assert.is(createHash("sha256").update(body).digest("hex"), sent!.match(/sha256=([0-9a-f]{64})/)?.[1]);

  assert.is((await fetch(url)).status, 401);
  const escape = await fetch(`http://127.0.0.1:${context.settings.homeBaseHttpPort}/api/v1/media/%2e%2e/%2e%2e/dashboard-token.json`, { headers: { authorization: `Bearer ${token}` } });
  assert.is(escape.status, 404);

  // The home base reports the path (POST /motion-events/media), and the central server's motion
  // event takes it, whichever of the report and the batch arrives first.
  const event = await waitFor("the motion event's media_path at the central server", 30_000, async () => {
    const { body } = await getJson(`${baseUrl(context)}/motion-events?network_id=${context.networkId}&device_id=${stored.device}&limit=1000`, context.token);
    return (body.items as { id: string; seq: number; media_path: string | null }[]).find((item) => item.seq === Number(stored.motionSeq) && item.media_path !== null);
  });
  assert.is(event.media_path, stored.path);

  // The central server fetches the media from the home base with a request signed by the network
  // key; it has no dashboard token.
  const relayed = await fetch(`${baseUrl(context)}/motion-events/${event.id}/media`, { headers: { authorization: `Bearer ${context.token}` } });
  const relayedBody = Buffer.from(await relayed.arrayBuffer());
  assert.is(relayed.status, 200);
  assert.is(relayed.headers.get("content-type"), "image/png");
  assert.equal(relayedBody, body);
});

system("Ctrl-C stops every process, and a second start prints no secret", async (context) => {
  const credentials = readCredentials(context.settings.dataDir);
  assert.is(await context.launcher.interrupt(20_000), 0);
  assert.ok(context.launcher.lines.some((line) => line.includes("all processes stopped")));

  context.launcher = new LauncherProcess(context.settings);
  await context.launcher.waitForLine(/\[launcher\] home base ready/, START_TIMEOUT_MS);
  await pause(1_000);

  assert.not.ok(context.launcher.output().includes(credentials.password));
  assert.not.ok(context.launcher.output().includes("otpauth://"));
  assert.is(await context.launcher.interrupt(20_000), 0);
});

system.run();
