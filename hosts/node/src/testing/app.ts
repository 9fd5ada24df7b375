/**
 * The whole central server app for route tests. It runs on a fresh database with a manual clock,
 * a memory logger, the real core and the event bus, served by node:http on 127.0.0.1 at a port
 * from 18000-18999. Helpers create a user and log in with a code computed by oathtool.
 * Every response is checked against openapi.yaml (testing/spec-responses.ts): `request` and
 * `fetch` throw on a mismatch, and `close` throws for a mismatch that no helper reported.
 */
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createApp } from "../app.ts";
import { ManualClock, nowSec } from "../clock.ts";
import { loadCore } from "../core/index.ts";
import type { Core } from "../core/types.ts";
import type { AppDeps } from "../deps.ts";
import { createEventBus } from "../events/bus.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { createMemoryLogger } from "../logger.ts";
import { createUser, type UserRole } from "../users/users.ts";
import { bodyOf } from "./api-types.ts";
import { openTestDatabase } from "./db.ts";
import { createSpecResponseRecorder } from "./spec-responses.ts";

export interface TestResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON, or null when empty. */
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  deps: AppDeps;
  clock: ManualClock;
  logLines: string[];
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** The global fetch on baseUrl + path, with the response checked against openapi.yaml. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export const TEST_MASTER_SEED = Buffer.alloc(32, 0x5a);

let sharedCore: Promise<Core> | undefined;

/** Listens on 127.0.0.1 at a port from 18000-18999 with a random start, moving on when one is taken. */
export async function listenInTestRange(server: Server): Promise<number> {
  const start = Math.floor(Math.random() * 1000);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 18000 + ((start + attempt * 37) % 1000);
    const bound = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(false) : reject(error));
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(true);
      });
    });
    if (bound) return port;
  }
  throw new Error("no free port in 18000-18999 after 50 attempts");
}

export async function startTestApp(): Promise<TestApp> {
  const database = await openTestDatabase();
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const log = createMemoryLogger();
  sharedCore ??= loadCore();
  const events = await createEventBus({ db: database.db, clock, log });
  const deps: AppDeps = {
    db: database.db,
    clock,
    log,
    config: { trustedProxies: [], wsAuthTimeoutMs: 5000, wsSessionCheckMs: 30_000 },
    core: await sharedCore,
    events,
    masterSeed: TEST_MASTER_SEED,
  };

  const recorder = createSpecResponseRecorder();
  const http = createServer(recorder.wrap(createApp(deps).callback()));
  const port = await listenInTestRange(http);
  const baseUrl = `http://127.0.0.1:${port}`;

  const request = async (method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;

    const response = await fetch(baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text.length === 0 ? null : text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    recorder.assertAllMatched();
    return { status: response.status, headers: response.headers, body: parsed };
  };

  return {
    deps,
    clock,
    logLines: log.lines,
    baseUrl,
    request,
    async fetch(path, init) {
      const response = await fetch(baseUrl + path, init);
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

export interface TestUser {
  id: string;
  username: string;
  password: string;
  totpSecret: string;
  recoveryCodes: string[];
}

/** Creates a user through the same code path as the key generation script. */
export async function createTestUser(app: TestApp, username = "alice", role: UserRole = "admin"): Promise<TestUser> {
  const password = `pw-${username}-correct horse`;
  const user = await createUser(app.deps.db, app.clock, createSecretBox(app.deps.masterSeed), { username, password, role });
  return { id: user.id, username, password, totpSecret: user.totpSecret, recoveryCodes: user.recoveryCodes };
}

/** Computes the TOTP code at the app clock's time with the independent oathtool (OATH Toolkit). */
export function totpCodeAt(secret: string, clock: ManualClock, offsetSec = 0): string {
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${nowSec(clock) + offsetSec}`, secret], { encoding: "utf8" }).trim();
}

/**
 * Logs in and returns the token. Moves the clock one TOTP step first, because a code is accepted
 * only once and earlier logins in the same test may have used the current one.
 */
export async function loginAs(app: TestApp, user: TestUser): Promise<string> {
  app.clock.advanceSec(30);
  const response = await app.request("POST", "/auth/session", { body: { username: user.username, password: user.password, totp: totpCodeAt(user.totpSecret, app.clock) } });
  return bodyOf(response, "createSession", 200).token;
}
