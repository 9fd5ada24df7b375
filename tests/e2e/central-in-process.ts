/**
 * The central server started in the test's own process on an injected clock, with the embedded
 * database (PGlite) in a data folder, so a test can stop it and start it again on the same port
 * and the same database. The network of homebase-process.ts (its fixed keys, home base and two
 * devices) is written straight into the tables before the first start.
 */
import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import nacl from "tweetnacl";
import type { Clock } from "../../hosts/node/src/clock.ts";
import { openDatabase } from "../../hosts/node/src/db/connect.ts";
import { migrateLatest } from "../../hosts/node/src/db/migrations/index.ts";
import { writeMasterSeed } from "../../hosts/node/src/keys/master-seed.ts";
import { createLogger } from "../../hosts/node/src/logger.ts";
import { startServer, type RunningServer } from "../../hosts/node/src/server.ts";
import { deviceSeeds, hex, homeBaseSeed, NETWORK_ID, networkPublicKey } from "./homebase-process.ts";

/** Device types of homebase-process.ts's devices, as the devices table and the device simulator name them. */
export const DEVICE_TYPES: Record<keyof typeof deviceSeeds, string> = { "porch-cam": "camera", door: "motion" };

export interface CentralInProcess {
  /** The port of the first start, kept for every restart. */
  port: number;
  url: string;
  /** Every line the server logged, over all its starts. */
  logLines: string[];
  running(): boolean;
  start(): Promise<void>;
  /** Stops the server as SIGTERM would: no new connections, then the database is closed. */
  stop(): Promise<void>;
}

/** Opens the data folder's database for the test itself; only while the server is stopped. */
export function openCentralDatabase(dataDir: string): Knex {
  return openDatabase({ dataDir });
}

/** Creates the master seed, the tables and the test network in `dataDir`. */
export async function prepareCentralData(dataDir: string, clock: Clock): Promise<void> {
  writeMasterSeed(dataDir, randomBytes(32));
  const db = openCentralDatabase(dataDir);
  const createdAt = new Date(clock.nowMs()).toISOString();
  try {
    await migrateLatest(db);
    await db("networks").insert({ id: NETWORK_ID, name: "outage", public_key: hex(networkPublicKey), home_base_host: "127.0.0.1", home_base_port: 8081, created_at: createdAt });
    const homeBaseKey = nacl.sign.keyPair.fromSeed(homeBaseSeed).publicKey;
    await db("devices").insert({ network_id: NETWORK_ID, device_id: "homebase", type: "home_base", key_index: 1, public_key: hex(homeBaseKey), created_at: createdAt });
    for (const [index, [deviceId, seed]] of Object.entries(deviceSeeds).entries()) {
      await db("devices").insert({
        network_id: NETWORK_ID,
        device_id: deviceId,
        type: DEVICE_TYPES[deviceId as keyof typeof deviceSeeds],
        key_index: index + 2,
        public_key: hex(nacl.sign.keyPair.fromSeed(seed).publicKey),
        created_at: createdAt,
      });
    }
  } finally {
    await db.destroy();
  }
}

/** Starts the server on a free port of 127.0.0.1; later starts reuse that port. */
export async function startCentral(dataDir: string, clock: Clock): Promise<CentralInProcess> {
  const logLines: string[] = [];
  const log = createLogger({ level: "info", clock, write: (line) => logLines.push(line) });
  let server: RunningServer | undefined;

  const central: CentralInProcess = {
    port: 0,
    url: "",
    logLines,
    running: () => server !== undefined,
    async start() {
      if (server) throw new Error("the central server is already running");
      server = await startServer({
        port: central.port,
        host: "127.0.0.1",
        dataDir,
        databaseUrl: undefined,
        trustedProxies: [],
        logLevel: "info",
        wsAuthTimeoutMs: 5000,
        wsSessionCheckMs: 30_000,
      }, { clock, log });
      central.url = server.url;
      central.port = Number(new URL(server.url).port);
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
  await central.start();
  return central;
}
