/**
 * The central server process. Run with `npm run server` (settings in server/config.ts).
 *
 * Start order: settings, master seed (before anything else, so a missing seed fails fast with the
 * fix), database and migrations, core.wasm, event bus, the presence sweep and event pruning timer,
 * HTTP server with the WebSocket stream.
 * SIGINT or SIGTERM stops it cleanly: no new connections, WebSocket clients closed with 1001,
 * then the event bus and the database. Exit status 0 after a clean stop, 1 when start-up fails.
 */
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { createApp } from "./app.ts";
import { authenticateToken, liveSessionIds } from "./auth/sessions.ts";
import { systemClock, type Clock } from "./clock.ts";
import { loadCore } from "./core/index.ts";
import { openDatabase } from "./db/connect.ts";
import { migrateLatest } from "./db/migrations/index.ts";
import type { AppDeps } from "./deps.ts";
import { createEventBus } from "./events/bus.ts";
import { readMasterSeed } from "./keys/master-seed.ts";
import { startMaintenance } from "./presence/maintenance.ts";
import { createLogger, type Logger } from "./logger.ts";
import { parseServerConfig, type ServerConfig } from "./server/config.ts";
import { attachWebSocket } from "./ws/server.ts";

export interface RunningServer {
  /** The base URL, with the port actually bound. */
  url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  log?: Logger;
}

/** Starts the server; rejects with the cause (MasterSeedError, a database error) when start-up fails. */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger({ level: config.logLevel, clock });
  const masterSeed = readMasterSeed(config.dataDir);

  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  const cleanup: (() => Promise<void>)[] = [() => db.destroy()];
  let closing: Promise<void> | undefined;
  // Steps run in reverse order of start-up, once, however often close() is called.
  const closeAll = () => {
    closing ??= (async () => {
      for (const step of [...cleanup].reverse()) await step();
    })();
    return closing;
  };

  try {
    const applied = await migrateLatest(db);
    log.info("database ready", { backend: config.databaseUrl ? "postgres" : "pglite", migrationsApplied: applied.length });

    const core = await loadCore();
    const events = await createEventBus({ db, clock, log });
    cleanup.push(() => events.close());

    const deps: AppDeps = {
      db,
      clock,
      log,
      config: { trustedProxies: config.trustedProxies, wsAuthTimeoutMs: config.wsAuthTimeoutMs, wsSessionCheckMs: config.wsSessionCheckMs },
      core,
      events,
      masterSeed,
    };
    const stopMaintenance = startMaintenance(deps);
    cleanup.push(stopMaintenance);

    const http = createServer(createApp(deps).callback());
    const ws = attachWebSocket(
      http,
      deps,
      (token) => authenticateToken(deps, token),
      (sessionIds) => liveSessionIds(deps, sessionIds),
    );
    cleanup.push(async () => {
      http.closeIdleConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    cleanup.push(() => ws.close());

    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(config.port, config.host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    const address = http.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    log.info("server listening", { url });

    return { url, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = parseServerConfig(process.env);
  } catch (error) {
    process.stderr.write(`homemesh server: ${(error as Error).message}\n`);
    process.exit(1);
  }

  const log = createLogger({ level: config.logLevel });
  let server: RunningServer;
  try {
    server = await startServer(config, { log });
  } catch (error) {
    log.error("server start failed", { error: (error as Error).message });
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("server stopping", { signal });
    server.close().then(
      () => {
        log.info("server stopped");
        process.exit(0);
      },
      (error) => {
        log.error("server stop failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
