/**
 * The home base's local API against its description, docs/homebase-api.yaml: starts homebase-sim
 * on 127.0.0.1 and checks every response's status and body with ajv against the schema the
 * document gives for that path, method and status. Frames are signed by the device simulator's
 * encoder (tools/device-sim/encoder.ts); the OLED PNG is decoded with node:zlib, an implementation
 * independent of the home base's own encoder.
 *
 * Needs build/homebase/homebase-sim (`make homebase`). When OLED_PNG_OUT names a file, the screen's
 * PNG is written there, so a person can look at it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import WebSocket from "ws";
import { parse } from "yaml";
import { encodeFrame, publicKeyFromSeed, type FrameFields } from "../../tools/device-sim/encoder.ts";
import { REPO_ROOT, pause, waitFor } from "./launcher-process.ts";

const SIM_PATH = join(REPO_ROOT, "build/homebase/homebase-sim");
const SPEC_PATH = join(REPO_ROOT, "docs/homebase-api.yaml");
const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";
const START_TIMEOUT_MS = 15_000;
/** Bounds from docs/homebase-api.yaml, checked here against the server. */
const LOGS_BODY_MAX_LEN = 16384;
const LOGS_ENTRY_MAX_COUNT = 16;
const WS_MAX_CLIENTS = 4;
const WS_MAX_MESSAGE_LEN = 4096;

// ---- the document and its validator ----

type Json = any;
const spec: Json = parse(readFileSync(SPEC_PATH, "utf8"));
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, "homebase-api");

function pointerPart(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** Returns the JSON pointer of the schema the document gives for a response, following a response $ref. */
function responseSchemaPointer(path: string, method: string, status: number, contentType: string): string {
  const operation = spec.paths[path]?.[method];
  assert.ok(operation, `docs/homebase-api.yaml has no ${method.toUpperCase()} ${path}`);
  let pointer = `#/paths/${pointerPart(path)}/${method}/responses/${status}`;
  let response = operation.responses[String(status)];
  assert.ok(response, `docs/homebase-api.yaml lists no ${status} for ${method.toUpperCase()} ${path}`);
  if (response.$ref) {
    pointer = response.$ref;
    response = spec.components.responses[response.$ref.split("/").pop()];
  }
  assert.ok(response.content?.[contentType], `${method.toUpperCase()} ${path} ${status} documents no ${contentType} body`);
  return `${pointer}/content/${pointerPart(contentType)}/schema`;
}

/** Asserts that `body` matches the documented schema of this path, method, status and media type. */
function assertDocumented(path: string, method: string, status: number, contentType: string, body: unknown): void {
  const validate = ajv.getSchema(`homebase-api${responseSchemaPointer(path, method, status, contentType)}`);
  assert.ok(validate, "schema compiles");
  const valid = validate!(body);
  assert.ok(valid, `${method.toUpperCase()} ${path} ${status}: ${ajv.errorsText(validate!.errors)}; body ${JSON.stringify(body)}`);
}

function assertSchema(name: string, value: unknown): void {
  const validate = ajv.getSchema(`homebase-api#/components/schemas/${name}`)!;
  assert.ok(validate(value), `${name}: ${ajv.errorsText(validate.errors)}; value ${JSON.stringify(value)}`);
}

// ---- the simulator ----

interface Home {
  dir: string;
  httpPort: number;
  udpPort: number;
  token: string;
  networkSeed: Buffer;
  deviceSeeds: Buffer[];
  child?: ChildProcess;
  output: string[];
  seq: number;
}

const DEVICE_IDS = ["porch-cam", "door"];

function newHome(): Home {
  const base = 20000 + Math.floor(Math.random() * 900);
  const home: Home = {
    dir: mkdtempSync(join(tmpdir(), "homebase-api-")),
    httpPort: base,
    udpPort: base + 1000,
    token: randomBytes(32).toString("base64url"),
    networkSeed: randomBytes(32),
    deviceSeeds: DEVICE_IDS.map(() => randomBytes(32)),
    output: [],
    seq: 0,
  };
  const provisioning = {
    network_id: NETWORK_ID,
    home_base_id: "homebase",
    private_key: randomBytes(32).toString("hex"),
    network_public_key: publicKeyFromSeed(home.networkSeed).toString("hex"),
    // Nothing listens there, so the link reads down and every batch stays in the spool.
    central_url: `http://127.0.0.1:${base + 2000}`,
    batch_interval_sec: 60,
    offline_after_sec: 600,
    devices: DEVICE_IDS.map((deviceId, i) => ({ device_id: deviceId, public_key: publicKeyFromSeed(home.deviceSeeds[i]!).toString("hex") })),
  };
  writeFileSync(join(home.dir, "homebase.json"), JSON.stringify(provisioning), { mode: 0o600 });
  return home;
}

async function startSim(home: Home, withToken: boolean): Promise<void> {
  const args = ["--config", join(home.dir, "homebase.json"), "--spool", join(home.dir, "spool"), "--http-port", String(home.httpPort), "--udp-port", String(home.udpPort)];
  if (withToken) args.push("--dashboard-token-sha256", createHash("sha256").update(home.token).digest("base64"));
  const child = spawn(SIM_PATH, args, { stdio: ["ignore", "pipe", "pipe"] });
  home.child = child;
  for (const stream of [child.stdout!, child.stderr!]) stream.on("data", (chunk: Buffer) => home.output.push(chunk.toString()));
  await waitFor("homebase-sim to answer /healthz", START_TIMEOUT_MS, async () => {
    if (child.exitCode !== null) throw new Error(`homebase-sim exited: ${home.output.join("")}`);
    const response = await fetch(`http://127.0.0.1:${home.httpPort}/healthz`).catch(() => undefined);
    return response?.status === 200 ? true : undefined;
  });
}

async function stopSim(home: Home): Promise<void> {
  const child = home.child;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

function url(home: Home, path: string): string {
  return `http://127.0.0.1:${home.httpPort}${path}`;
}

function bearer(home: Home): Record<string, string> {
  return { authorization: `Bearer ${home.token}` };
}

async function getJson(home: Home, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: Json }> {
  const response = await fetch(url(home, path), { headers });
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.json() };
}

async function postJson(home: Home, path: string, body: string, contentType = "application/json"): Promise<{ status: number; type: string; body: Json }> {
  const response = await fetch(url(home, path), { method: "POST", headers: { "content-type": contentType }, body });
  return { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.json() };
}

function signedFrame(home: Home, fields: Omit<FrameFields, "timestamp" | "seq">, signer = 0): Buffer {
  home.seq += 1;
  const deviceIndex = signer;
  return encodeFrame({ ...fields, timestamp: Math.floor(Date.now() / 1000), seq: home.seq }, home.deviceSeeds[deviceIndex]!, publicKeyFromSeed(home.networkSeed));
}

function logFrame(home: Home, message: string): Buffer {
  return signedFrame(home, { type: "log", deviceId: "porch-cam", payload: { level: "info", category: "test", message } });
}

async function sendOverAir(home: Home, frame: Buffer): Promise<void> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => socket.send(frame, home.udpPort, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
  socket.close();
}

// ---- WebSocket helpers ----

interface WsOutcome {
  opened: boolean;
  status?: number;
  body?: Json;
  closeCode?: number;
  messages: Json[];
}

/** Opens /ws and collects messages until `until` returns true or the socket closes; fails after 4 s. */
function openWs(home: Home, headers: Record<string, string>, onOpen: (socket: WebSocket) => void, until: (outcome: WsOutcome) => boolean): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const outcome: WsOutcome = { opened: false, messages: [] };
    const socket = new WebSocket(`ws://127.0.0.1:${home.httpPort}/ws`, { headers });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`websocket outcome not reached within 4000 ms: ${JSON.stringify(outcome)}`));
    }, 4000);
    const finish = () => {
      clearTimeout(timer);
      if (socket.readyState === WebSocket.OPEN) socket.close();
      resolve(outcome);
    };
    socket.on("unexpected-response", (_request, response) => {
      outcome.status = response.statusCode;
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => {
        outcome.body = text.length > 0 ? JSON.parse(text) : undefined;
        clearTimeout(timer);
        resolve(outcome);
      });
    });
    socket.on("open", () => {
      outcome.opened = true;
      onOpen(socket);
    });
    socket.on("message", (data) => {
      outcome.messages.push(JSON.parse(data.toString()));
      if (until(outcome)) finish();
    });
    socket.on("close", (code) => {
      outcome.closeCode = code;
      finish();
    });
    socket.on("error", () => undefined);
  });
}

// ---- before the token is provisioned ----

const unprovisioned = suite<{ home: Home }>("homebase API before set_dashboard_token");

unprovisioned.before(async (context) => {
  assert.ok(existsSync(SIM_PATH), `${SIM_PATH} is missing; run make homebase`);
  context.home = newHome();
  await startSim(context.home, false);
});

unprovisioned.after(async (context) => {
  await stopSim(context.home);
  rmSync(context.home.dir, { recursive: true, force: true });
});

unprovisioned("health answers without a token", async ({ home }) => {
  const { status, body } = await getJson(home, "/healthz");
  assert.is(status, 200);
  assertDocumented("/healthz", "get", 200, "application/json", body);
});

unprovisioned("reading endpoints answer 503 DASHBOARD_TOKEN_NOT_SET", async ({ home }) => {
  for (const path of ["/api/v1/status", "/api/v1/devices", "/api/v1/oled.png"]) {
    const { status, type, body } = await getJson(home, path, bearer(home));
    assert.is(status, 503, path);
    assert.is(type, "application/problem+json");
    assert.is(body.code, "DASHBOARD_TOKEN_NOT_SET");
    assertDocumented(path, "get", 503, "application/problem+json", body);
  }
});

unprovisioned("websocket upgrade answers 503", async ({ home }) => {
  const outcome = await openWs(home, {}, () => undefined, () => true);
  assert.is(outcome.status, 503);
  assert.is(outcome.body.code, "DASHBOARD_TOKEN_NOT_SET");
});

// ---- with a token ----

const provisioned = suite<{ home: Home }>("homebase API with a dashboard token");

provisioned.before(async (context) => {
  assert.ok(existsSync(SIM_PATH), `${SIM_PATH} is missing; run make homebase`);
  context.home = newHome();
  await startSim(context.home, true);
});

provisioned.after(async (context) => {
  await stopSim(context.home);
  rmSync(context.home.dir, { recursive: true, force: true });
});

provisioned("status matches its schema and needs the token", async ({ home }) => {
  const ok = await getJson(home, "/api/v1/status", bearer(home));
  assert.is(ok.status, 200);
  assertDocumented("/api/v1/status", "get", 200, "application/json", ok.body);
  assert.is(ok.body.radio.state, "up");

  const missing = await getJson(home, "/api/v1/status");
  assert.is(missing.status, 401);
  assert.is(missing.body.code, "AUTH_REQUIRED");
  assertDocumented("/api/v1/status", "get", 401, "application/problem+json", missing.body);

  const wrong = await getJson(home, "/api/v1/status", { authorization: "Bearer not-the-token" });
  assert.is(wrong.status, 401);
  assert.is(wrong.body.code, "AUTH_FAILED");
});

provisioned("devices show the battery of the last heartbeat", async ({ home }) => {
  const before = await getJson(home, "/api/v1/devices", bearer(home));
  assert.is(before.status, 200);
  assertDocumented("/api/v1/devices", "get", 200, "application/json", before.body);
  assert.equal(before.body.items.map((item: { device_id: string }) => item.device_id), DEVICE_IDS);

  await sendOverAir(home, signedFrame(home, { type: "heartbeat", deviceId: "porch-cam", payload: { battery: 77, uptime: 12 } }));
  const after = await waitFor("the heartbeat's battery", 5000, async () => {
    const { body } = await getJson(home, "/api/v1/devices", bearer(home));
    return body.items[0].battery === 77 ? body : undefined;
  });
  assertDocumented("/api/v1/devices", "get", 200, "application/json", after);
  assert.is(after.items[0].online, true);
  assert.is(after.items[0].highest_seq, home.seq);
  assert.is(after.items[1].battery, null);
});

provisioned("logs take device-signed frames and list rejections", async ({ home }) => {
  const good = logFrame(home, "over ip");
  const forged = signedFrame(home, { type: "log", deviceId: "door", payload: { level: "info", category: "x", message: "forged" } }, 0);
  const heartbeat = signedFrame(home, { type: "heartbeat", deviceId: "porch-cam", payload: {} });
  const body = JSON.stringify({ entries: [good, forged, heartbeat].map((frame) => ({ frame: frame.toString("hex") })) });

  const { status, type, body: answer } = await postJson(home, "/api/v1/logs", body);
  assert.is(status, 200);
  assert.is(type, "application/json");
  assertDocumented("/api/v1/logs", "post", 200, "application/json", answer);
  assert.equal(answer, { accepted: 1, rejected: [{ index: 1, code: "SIGNATURE_INVALID" }, { index: 2, code: "FRAME_KIND_MISMATCH" }] });

  const replay = await postJson(home, "/api/v1/logs", JSON.stringify({ entries: [{ frame: good.toString("hex") }] }));
  assert.equal(replay.body, { accepted: 0, rejected: [{ index: 0, code: "REPLAY_DUPLICATE" }] });
});

provisioned("malformed logs bodies get documented problems", async ({ home }) => {
  const cases: Array<[string, number, string]> = [
    ["{", 400, "BAD_JSON"],
    ["{\"entries\":[[[[]]]]}", 400, "BAD_JSON"],
    ["{\"entries\":[]}", 400, "VALIDATION_FAILED"],
    ["{\"entries\":[{\"frame\":\"xyz\"}]}", 400, "VALIDATION_FAILED"],
    ["{\"entries\":[{\"frame\":\"zz\"}]}", 400, "VALIDATION_FAILED"],
    ["{\"entries\":[{\"frame\":\"00\"}],\"entries\":[{\"frame\":\"00\"}]}", 400, "BAD_JSON"],
    [JSON.stringify({ entries: Array.from({ length: LOGS_ENTRY_MAX_COUNT + 1 }, () => ({ frame: "00" })) }), 400, "VALIDATION_FAILED"],
    [" ".repeat(LOGS_BODY_MAX_LEN + 1), 413, "BODY_TOO_LARGE"],
  ];
  for (const [body, expectedStatus, code] of cases) {
    const { status, type, body: problem } = await postJson(home, "/api/v1/logs", body);
    assert.is(status, expectedStatus, body.slice(0, 40));
    assert.is(type, "application/problem+json");
    assert.is(problem.code, code);
    assertDocumented("/api/v1/logs", "post", expectedStatus, "application/problem+json", problem);
  }

  const wrongType = await postJson(home, "/api/v1/logs", "{}", "text/plain");
  assert.is(wrongType.status, 415);
  assertDocumented("/api/v1/logs", "post", 415, "application/problem+json", wrongType.body);

  const notHex = await postJson(home, "/api/v1/logs", "{\"entries\":[{\"frame\":\"zz\"}]}");
  assert.match(notHex.body.detail, /not hex/);

  const wrongMethod = await fetch(url(home, "/api/v1/logs"));
  assert.is(wrongMethod.status, 405);
  assert.is(wrongMethod.headers.get("allow"), "POST");
  const wrongMethodBody = await wrongMethod.json();
  assert.is(wrongMethodBody.code, "METHOD_NOT_ALLOWED");
  assertDocumented("/api/v1/logs", "post", 405, "application/problem+json", wrongMethodBody);

  const head = await fetch(url(home, "/api/v1/status"), { method: "HEAD", headers: bearer(home) });
  assert.is(head.status, 405);
  assert.is(head.headers.get("allow"), "GET");
  assert.is((await head.arrayBuffer()).byteLength, 0);

  const unknown = await getJson(home, "/api/v1/unknown", bearer(home));
  assert.is(unknown.status, 404);
  assert.is(unknown.body.code, "NOT_FOUND");
});

/** Reads a PNG's chunks, checks it is 1-bit greyscale, and returns its size and rows (filter byte first). */
function decodePng(png: Buffer): { width: number; height: number; rows: Buffer[] } {
  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal([...data.subarray(8, 13)], [1, 0, 0, 0, 0], "bit depth 1, greyscale, no interlace");
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rowLen = 1 + Math.ceil(width / 8);
  assert.is(raw.length, rowLen * height);
  const rows = Array.from({ length: height }, (_, y) => raw.subarray(y * rowLen, (y + 1) * rowLen));
  return { width, height, rows };
}

function lit(rows: Buffer[], x: number, y: number): boolean {
  return ((rows[y]![1 + (x >> 3)]! >> (7 - (x & 7))) & 1) === 1;
}

provisioned("oled PNG decodes with zlib and shows the screen", async ({ home }) => {
  const response = await fetch(url(home, "/api/v1/oled.png"), { headers: bearer(home) });
  assert.is(response.status, 200);
  assert.is(response.headers.get("content-type"), "image/png");
  const png = Buffer.from(await response.arrayBuffer());
  if (process.env.OLED_PNG_OUT) writeFileSync(process.env.OLED_PNG_OUT, png);

  const { width, height, rows } = decodePng(png);
  assert.is(width, 512);
  assert.is(height, 256);
  for (const row of rows) assert.is(row[0], 0, "filter type none");

  // Scale 4: the title bar (text line 0) has a lit spacing row at screen row 7, across the width.
  for (const x of [0, 200, 511]) assert.ok(lit(rows, x, 7 * 4), `title bar lit at x=${x}`);
  // Line 7 reads OK on a dark background: its spacing row (screen row 63) is dark.
  for (const x of [0, 200, 511]) assert.not.ok(lit(rows, x, 63 * 4), `status line dark at x=${x}`);
  // Some text is drawn on line 1 (the IP address).
  assert.ok(rows.slice(8 * 4, 15 * 4).some((row) => row.subarray(1).some((byte) => byte !== 0)));

  const small = await fetch(url(home, "/api/v1/oled.png?scale=1"), { headers: bearer(home) });
  assert.is(decodePng(Buffer.from(await small.arrayBuffer())).width, 128);

  for (const scale of ["9", "100", "0", "99999999999", "4294967297", "+4", "4x", ""]) {
    const invalid = await getJson(home, `/api/v1/oled.png?scale=${scale}`, bearer(home));
    assert.is(invalid.status, 400, `scale=${scale}`);
    assert.is(invalid.body.code, "VALIDATION_FAILED");
    assertDocumented("/api/v1/oled.png", "get", 400, "application/problem+json", invalid.body);
  }
});

provisioned("websocket with the header token streams log entries", async ({ home }) => {
  const message = `streamed ${Date.now()}`;
  const outcome = await openWs(home, bearer(home), () => undefined, (seen) => {
    if (seen.messages.length === 1) {
      postJson(home, "/api/v1/logs", JSON.stringify({ entries: [{ frame: logFrame(home, message).toString("hex") }] })).catch(() => undefined);
    }
    return seen.messages.some((item) => item.type === "log_entry");
  });
  assert.ok(outcome.opened);
  assert.equal(outcome.messages[0], { type: "auth_ok" });
  assertSchema("WsAuthOk", outcome.messages[0]);
  const entry = outcome.messages.find((item) => item.type === "log_entry");
  assertSchema("WsEvent", entry);
  assert.is(entry.network_id, NETWORK_ID);
  assert.is(entry.data.message, message);
  assert.is(entry.data.device_id, "porch-cam");
});

provisioned("websocket with the first-message token gets auth_ok", async ({ home }) => {
  const message = { type: "auth", token: home.token };
  assertSchema("WsAuthMessage", message);
  const outcome = await openWs(home, {}, (socket) => socket.send(JSON.stringify(message)), (seen) => seen.messages.length >= 1);
  assert.equal(outcome.messages[0], { type: "auth_ok" });
});

provisioned("websocket refuses wrong tokens and bad messages", async ({ home }) => {
  const wrongHeader = await openWs(home, { authorization: "Bearer wrong" }, () => undefined, () => true);
  assert.is(wrongHeader.status, 401);
  assert.is(wrongHeader.body.code, "AUTH_FAILED");

  const wrongToken = await openWs(home, {}, (socket) => socket.send(JSON.stringify({ type: "auth", token: "wrong" })), () => false);
  assert.is(wrongToken.closeCode, 4401);

  const notAuth = await openWs(home, {}, (socket) => socket.send("hello"), () => false);
  assert.is(notAuth.closeCode, 4401);

  const tooBig = await openWs(home, {}, (socket) => socket.send("x".repeat(WS_MAX_MESSAGE_LEN + 1)), () => false);
  assert.is(tooBig.closeCode, 1009);
});

provisioned("websocket clients are bounded", async ({ home }) => {
  const sockets: WebSocket[] = [];
  try {
    for (let i = 0; i < WS_MAX_CLIENTS; i++) {
      const socket = new WebSocket(`ws://127.0.0.1:${home.httpPort}/ws`, { headers: bearer(home) });
      await new Promise<void>((resolve, reject) => {
        socket.once("message", () => resolve());
        socket.once("error", reject);
      });
      sockets.push(socket);
    }
    const extra = await openWs(home, bearer(home), () => undefined, () => true);
    assert.is(extra.status, 503);
    assert.is(extra.body.code, "TOO_MANY_CLIENTS");
  } finally {
    for (const socket of sockets) socket.close();
  }

  // A slot frees when a client leaves.
  await pause(300);
  const again = await openWs(home, bearer(home), () => undefined, (seen) => seen.messages.length >= 1);
  assert.equal(again.messages[0], { type: "auth_ok" });
});

// Last, because it takes the SD card away from the running home base.
provisioned("oled shows a missing SD card and the server keeps running", async ({ home }) => {
  rmSync(join(home.dir, "spool"), { recursive: true, force: true });

  const response = await fetch(url(home, "/api/v1/oled.png?scale=1"), { headers: bearer(home) });
  assert.is(response.status, 200);
  const { rows } = decodePng(Buffer.from(await response.arrayBuffer()));
  // The error bar on line 7 is lit across the width, down to its spacing row.
  for (const x of [0, 64, 127]) assert.ok(lit(rows, x, 63), `error bar lit at x=${x}`);

  const status = await getJson(home, "/api/v1/status", bearer(home));
  assert.is(status.status, 200);
  assertDocumented("/api/v1/status", "get", 200, "application/json", status.body);
});

unprovisioned.run();
provisioned.run();
