/**
 * A registered network for tests: the network, its home base and a few sensor devices, written
 * straight into the tables with fresh random keys, plus the whole app on a real HTTP server at
 * 127.0.0.1 and a logged-in session.
 */
import { createServer, type Server } from "node:http";
import { createApp } from "../app.ts";
import { createSession } from "../auth/sessions.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { createUser } from "../users/users.ts";
import { listenInTestRange } from "./app.ts";
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import nacl from "tweetnacl";
import { ManualClock, nowSec } from "../clock.ts";
import { loadCore } from "../core/index.ts";
import type { Core } from "../core/types.ts";
import type { AppDeps, EventBus } from "../deps.ts";
import { createEventBus } from "../events/bus.ts";
import { createMemoryLogger } from "../logger.ts";
import { openTestDatabase } from "./db.ts";
import { createSpecResponseRecorder } from "./spec-responses.ts";
import { signTestRequest } from "./requests.ts";

export interface TestKey {
  seed: Uint8Array;
  publicKey: Uint8Array;
}

export interface TestNetwork {
  id: string;
  key: TestKey;
  homeBaseId: string;
  homeBaseKey: TestKey;
  keyId: string;
  /** Sensor devices by device id. */
  devices: Map<string, TestKey>;
}

export function newKey(): TestKey {
  const seed = nacl.randomBytes(32);
  return { seed, publicKey: nacl.sign.keyPair.fromSeed(seed).publicKey };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Inserts a network with a home base and the given sensor devices (all of type motion). */
export async function insertNetwork(db: Knex, clock: ManualClock, sensorIds: string[] = ["porch-cam", "hall"]): Promise<TestNetwork> {
  const network: TestNetwork = { id: randomUUID(), key: newKey(), homeBaseId: "homebase", homeBaseKey: newKey(), keyId: "", devices: new Map() };
  network.keyId = `${network.id}/${network.homeBaseId}`;
  const createdAt = new Date(clock.nowMs()).toISOString();

  await db("networks").insert({ id: network.id, name: `net-${network.id}`, public_key: hex(network.key.publicKey), home_base_host: "127.0.0.1", home_base_port: 8081, created_at: createdAt });
  await db("devices").insert({ network_id: network.id, device_id: network.homeBaseId, type: "home_base", key_index: 1, public_key: hex(network.homeBaseKey.publicKey), created_at: createdAt });
  for (const [index, deviceId] of sensorIds.entries()) {
    const key = newKey();
    network.devices.set(deviceId, key);
    await db("devices").insert({ network_id: network.id, device_id: deviceId, type: "motion", key_index: index + 2, public_key: hex(key.publicKey), created_at: createdAt });
  }
  return network;
}

export interface TestServer {
  deps: AppDeps;
  clock: ManualClock;
  logLines: string[];
  http: Server;
  baseUrl: string;
  /** The global fetch on baseUrl + path; throws when the response does not match openapi.yaml. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Closes everything, then throws for a response mismatch that no fetch reported. */
  close(): Promise<void>;
}

let sharedCore: Promise<Core> | undefined;

/** Loads core.wasm once per test process. */
export function testCore(): Promise<Core> {
  if (!sharedCore) sharedCore = loadCore();
  return sharedCore;
}

export interface TestServerOptions {
  wsAuthTimeoutMs?: number;
  wsSessionCheckMs?: number;
  /** Runs on the HTTP server before it listens, e.g. to attach the WebSocket stream. */
  attach?: (http: Server, deps: AppDeps) => void;
  events?: EventBus;
}

/** Starts a fresh database, the event bus and the whole app (createApp) on a listening HTTP server. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await openTestDatabase();
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const log = createMemoryLogger();
  const events = options.events ?? (await createEventBus({ db: database.db, clock, log }));
  const deps: AppDeps = {
    db: database.db,
    clock,
    log,
    config: { trustedProxies: [], wsAuthTimeoutMs: options.wsAuthTimeoutMs ?? 5000, wsSessionCheckMs: options.wsSessionCheckMs ?? 30_000 },
    core: await testCore(),
    events,
    masterSeed: Buffer.alloc(32, 7),
  };

  const recorder = createSpecResponseRecorder();
  const http = createServer(recorder.wrap(createApp(deps).callback()));
  options.attach?.(http, deps);
  const port = await listenInTestRange(http);

  return {
    deps,
    clock,
    logLines: log.lines,
    http,
    baseUrl: `http://127.0.0.1:${port}`,
    async fetch(path, init) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, init);
      // Reading a clone waits for the whole body, so the recorder has checked the response.
      await response.clone().arrayBuffer();
      recorder.assertAllMatched();
      return response;
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await events.close();
      await database.close();
      recorder.assertAllMatched();
    },
  };
}

export interface SignedSendOptions {
  path?: string;
  /** Replaces or adds headers after signing, e.g. to drop or damage one. */
  headers?: Record<string, string>;
  /** Signs with another key than the home base's. */
  key?: TestKey;
  keyId?: string;
  nonce?: string;
  timestampSec?: number;
  /** Sends other bytes than the ones signed. */
  sentBody?: string | Buffer;
}

/** Sends a POST signed by the network's home base with the test signer (not the core). */
export async function sendSigned(server: TestServer, network: TestNetwork, body: string | Buffer, options: SignedSendOptions = {}): Promise<Response> {
  const path = options.path ?? "/logs/ingest";
  const signed = signTestRequest({
    method: "POST",
    path,
    keyId: options.keyId ?? network.keyId,
    seed: (options.key ?? network.homeBaseKey).seed,
    body: typeof body === "string" ? Buffer.from(body) : body,
    timestampSec: options.timestampSec ?? nowSec(server.clock),
    ...(options.nonce ? { nonce: options.nonce } : {}),
  });
  const headers: Record<string, string> = { "content-type": "application/json", ...signed };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === "") delete headers[name];
    else headers[name] = value;
  }
  const sent = options.sentBody ?? body;
  return server.fetch(path, { method: "POST", headers, body: typeof sent === "string" ? sent : new Uint8Array(sent) });
}

let userCount = 0;

/**
 * Creates a user and a session for it, skipping the password and TOTP steps that the auth tests
 * cover, and returns the Authorization header of that session.
 */
export async function sessionHeaders(server: TestServer): Promise<Record<string, string>> {
  userCount += 1;
  const user = await createUser(server.deps.db, server.clock, createSecretBox(server.deps.masterSeed), { username: `viewer${userCount}`, password: "pw-viewer-correct horse", role: "user" });
  const session = await createSession(server.deps, user.id, null);
  return { authorization: `Bearer ${session.token}` };
}
