/**
 * A home base for tests of command delivery: a node:http server on 127.0.0.1 with its own core
 * instance that checks each POST /api/v1/command as docs/protocol.md section 9.1 requires. The request
 * goes through the core's request_accept (signature under the network key, skew, nonce cache), the
 * frame through command_accept (registry, command windows, signature). Config commands change its
 * registry (device_add, device_rotate_key, device_revoke) or its dashboard token digest, and get
 * 200 done. Device commands get 202 relayed and are recorded, so the test can act as the device.
 *
 * A test can force an answer (`failWith`), or stop and restart the server to simulate a home base
 * that is down. Every delivery is recorded with its headers, its frame and the answer it got.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { nowSec, type Clock } from "../clock.ts";
import { loadCoreHandle, wrapCore, type Core, type CoreHandle } from "../core/index.ts";
import { listenInTestRange } from "./app.ts";

export const HOME_BASE_COMMAND_PATH = "/api/v1/command";
const KEY_LEN = 32;

export interface HomeBaseDelivery {
  headers: Record<string, string>;
  body: string;
  /** The frame bytes of the body; empty when the body had none. */
  frame: Buffer;
  status: number;
  answer: Record<string, unknown>;
}

export interface HomeBaseIdentity {
  networkId: string;
  networkPublicKey: Buffer;
  /** The home base's own device id. */
  deviceId: string;
}

/** A forced response, sent after the request's signature check passed. */
export interface ForcedAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface TestHomeBase {
  port: number;
  deliveries: HomeBaseDelivery[];
  /** Device commands relayed to devices, in order: target, command id and the frame. */
  relayed: { deviceId: string; id: number; cmd: string; frame: Buffer }[];
  /** Sets the network and own id; until then every request is 401 UNKNOWN_KEY. */
  configure(identity: HomeBaseIdentity): void;
  /** Responds to every later delivery with this, or checks normally again after `failWith(null)`. */
  failWith(answer: ForcedAnswer | null): void;
  /** Stores a device command's final result, as a later repeat would report it (200 done). */
  storeResult(deviceId: string, id: number, result: string): void;
  /** The registry: device id to public key (hex), and the next key of a rotating device. */
  registry(): Map<string, { publicKey: string; nextKey: boolean }>;
  dashboardTokenSha256(): string | null;
  /** Stops listening, so deliveries fail to connect; `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** HTTP statuses of the problem responses of section 9.1, by the core's status name. */
const FRAME_STATUS: Record<string, number> = {
  FRAME_UNKNOWN_DEVICE: 404,
  COMMAND_WRONG_TARGET: 409,
  COMMAND_EXPIRED: 409,
  FRAME_TIMESTAMP_SKEW: 409,
  REPLAY_BELOW_FLOOR: 409,
  REPLAY_TOO_OLD: 409,
};

function problem(status: number, code: string): { status: number; answer: Record<string, unknown> } {
  return { status, answer: { status, code, title: code.toLowerCase().replaceAll("_", " ") } };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startTestHomeBase(clock: Clock): Promise<TestHomeBase> {
  const handle: CoreHandle = await loadCoreHandle();
  const core: Core = wrapCore(handle);
  let identity: HomeBaseIdentity | null = null;
  let forced: ForcedAnswer | null = null;
  const slots = new Map<string, number>();
  const keys = new Map<string, string>();
  const storedResults = new Map<string, { id: number; state: string; result: string }>();
  let dashboardSha256: string | null = null;
  const deliveries: HomeBaseDelivery[] = [];
  const relayed: TestHomeBase["relayed"] = [];

  function freeSlot(): number {
    const used = new Set(slots.values());
    for (let slot = 0; slot < handle.exports.device_capacity(); slot += 1) if (!used.has(slot)) return slot;
    throw new Error("test home base registry is full");
  }

  /** Applies a config command once; returns its result word. */
  function applyConfig(cmd: string, device: string | undefined, decoded: Buffer | undefined): string {
    if (cmd === "set_dashboard_token") {
      dashboardSha256 = decoded!.toString("base64");
      return "ok";
    }
    const slot = device === undefined ? undefined : slots.get(device);
    if (cmd === "device_add") {
      if (slot !== undefined) return "error";
      const free = freeSlot();
      if (!core.setDevice(free, device!, decoded!).ok) return "error";
      slots.set(device!, free);
      keys.set(device!, decoded!.toString("hex"));
      return "ok";
    }
    if (slot === undefined) return "error";
    if (cmd === "device_rotate_key") {
      handle.write(handle.exports.buffer_key(), decoded!, KEY_LEN);
      return handle.exports.device_set_next_key(slot) === 0 ? "ok" : "error";
    }
    handle.exports.device_clear(slot);
    slots.delete(device!);
    keys.delete(device!);
    return "ok";
  }

  function check(headers: Record<string, string>, body: Buffer): { status: number; answer: Record<string, unknown> } {
    const keyId = headers["x-mesh-key-id"] ?? "";
    if (!identity || keyId !== identity.networkId) return problem(401, "UNKNOWN_KEY");
    const signature = headers["x-mesh-signature"] ?? "";
    if (!/^[0-9a-f]{128}$/.test(signature)) return problem(401, "SIGNATURE_REQUIRED");

    const bodySha256 = createHash("sha256").update(body).digest("hex");
    const canonical = ["POST", HOME_BASE_COMMAND_PATH, keyId, headers["x-mesh-timestamp"] ?? "", headers["x-mesh-nonce"] ?? "", bodySha256].join("\n");
    const now = nowSec(clock);
    const request = core.requestAccept(canonical, Buffer.from(signature, "hex"), identity.networkId, identity.networkPublicKey, now);
    if (!request.ok) {
      if (request.code === "NONCE_CACHE_FULL") return problem(503, request.code);
      return problem(401, request.code === "REQUEST_BAD_FORM" ? "SIGNATURE_REQUIRED" : request.code);
    }
    if (forced) return { status: forced.status, answer: forced.body };

    let frameHex: unknown;
    try {
      frameHex = (JSON.parse(body.toString("utf8")) as { frame?: unknown }).frame;
    } catch {
      return problem(400, "BAD_JSON");
    }
    if (typeof frameHex !== "string" || !/^([0-9a-f]{2})+$/.test(frameHex)) return problem(400, "FRAME_BAD_HEX");

    const accepted = core.commandAccept(Buffer.from(frameHex, "hex"), identity.networkPublicKey, now);
    if (!accepted.ok) return problem(FRAME_STATUS[accepted.code] ?? 400, accepted.code);
    const typed = accepted.frame.typed;
    if (typed.kind !== "command") return problem(400, "FRAME_WRONG_DIRECTION");

    const key = `${accepted.frame.deviceId}/${typed.id}`;
    const stored = storedResults.get(key);
    if (accepted.repeated && stored) return { status: 200, answer: { ...stored } };
    if (accepted.slot === -1) {
      const result = applyConfig(typed.cmd, typed.device, typed.decoded);
      const done = { id: typed.id, state: "done", result };
      storedResults.set(key, done);
      return { status: 200, answer: done };
    }

    relayed.push({ deviceId: accepted.frame.deviceId, id: typed.id, cmd: typed.cmd, frame: Buffer.from(frameHex, "hex") });
    return { status: 202, answer: { id: typed.id, state: accepted.repeated ? "in_progress" : "relayed" } };
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    const verdict = request.method === "POST" && request.url === HOME_BASE_COMMAND_PATH ? check(headers, body) : problem(404, "NOT_FOUND");

    let frame = Buffer.alloc(0);
    try {
      const hex = (JSON.parse(body.toString("utf8")) as { frame?: unknown }).frame;
      if (typeof hex === "string") frame = Buffer.from(hex, "hex");
    } catch {
      // Recorded without a frame.
    }
    deliveries.push({ headers, body: body.toString("utf8"), frame, status: verdict.status, answer: verdict.answer });

    const text = JSON.stringify(verdict.answer);
    response.writeHead(verdict.status, { "content-type": verdict.status >= 400 ? "application/problem+json" : "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
  }

  let server: Server = createServer((request, response) => void serve(request, response));
  const port = await listenInTestRange(server);

  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    port,
    deliveries,
    relayed,
    configure(value) {
      identity = value;
      if (!core.setSelf(value.deviceId).ok) throw new Error(`home base id ${value.deviceId} is invalid`);
    },
    failWith(answer) {
      forced = answer;
    },
    storeResult(deviceId, id, result) {
      storedResults.set(`${deviceId}/${id}`, { id, state: "done", result });
    },
    registry() {
      const entries = [...keys].map(([deviceId, publicKey]): [string, { publicKey: string; nextKey: boolean }] => [deviceId, { publicKey, nextKey: handle.exports.device_has_next_key(slots.get(deviceId)!) === 1 }]);
      return new Map(entries);
    },
    dashboardTokenSha256: () => dashboardSha256,
    stop,
    async start() {
      server = createServer((request, response) => void serve(request, response));
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
      });
    },
    close: stop,
  };
}
