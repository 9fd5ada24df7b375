/**
 * The WebSocket stream at /ws: the events of the bus, as JSON {id, type, time, network_id, data},
 * to every authenticated client whose subscription they pass (docs/events.md has the messages and
 * a JSON Schema per event type).
 *
 * Authentication, in one of two ways:
 * - an `Authorization: Bearer <token>` header on the upgrade request: a valid token is accepted at
 *   once, an invalid one gets HTTP 401 before the upgrade;
 * - no Authorization header: the socket opens, and its first message must be
 *   {"type":"auth","token":"..."} within config.wsAuthTimeoutMs. A valid token gets {"type":"auth_ok"};
 *   a bad token, a malformed or non-auth first message, or no message in time closes the socket with
 *   WS_CLOSE_AUTH_FAILED (4401).
 * Both ways end with {"type":"auth_ok"} before any event.
 *
 * After auth a client may send {"type":"subscribe", networks?, types?, resume_after?} (ws/subscription.ts)
 * at any time. With resume_after the server first sends the stored events after that id that pass
 * the new filters, then {"type":"subscribed", ..., "replayed": n}, then live events, none twice.
 * A resume from an id older than the retained history (events/retention.ts) gets
 * {"type":"error","code":"RESUME_TOO_OLD",...} and continues with live events only.
 *
 * A client that stops reading is dropped (terminated) once its send buffer passes maxBufferedBytes,
 * instead of buffering events without bound.
 *
 * Each authenticated socket is bound to its session id. A socket whose session was logged out,
 * revoked or has expired is closed with WS_CLOSE_AUTH_FAILED (4401). A logout or revocation in any
 * server process on the same database reaches this one through the event bus's session-ended
 * notification (PostgreSQL LISTEN/NOTIFY), which closes the session's sockets at once. Expiry, and
 * a notification missed while the listener reconnected, are caught by a fallback check. It reads
 * every open socket's session in one read-only query every config.wsSessionCheckMs and before it
 * delivers each batch of events, so no event reaches a socket whose session had ended when that
 * check ran.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { AppDeps, MeshEvent } from "../deps.ts";
import { ERROR_CATALOGUE, problemBody, type ErrorCode } from "../errors.ts";
import { EVENTS_RETENTION_MAX_ROWS, EVENTS_RETENTION_MS, eventsAfter, prunedThrough } from "../events/retention.ts";
import { parseSubscribe, SUBSCRIBE_ALL, wants, type Subscription } from "./subscription.ts";

export const WS_PATH = "/ws";
/**
 * Close code for a failed or late authentication and for a session that ended while the socket was
 * open (4000-4999 is the application range, RFC 6455 7.4.2).
 */
export const WS_CLOSE_AUTH_FAILED = 4401;
export const WS_PING_INTERVAL_MS = 30_000;
export const WS_SESSION_CHECK_MS = 30_000;
/** Largest client message in bytes: a subscribe message naming 100 networks is about 4 KiB. */
export const WS_MAX_MESSAGE_BYTES = 8192;
/** Bytes queued for one client after which it is dropped as a client that stopped reading. */
export const WS_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Stored events loaded per query while a client resumes. */
const REPLAY_PAGE_EVENTS = 500;
/** How long a replay waits for a client to read what it was sent before the client is dropped. */
export const WS_REPLAY_STALL_MS = 30_000;
const REPLAY_POLL_MS = 10;

export interface WsIdentity {
  userId: string;
  sessionId: string;
}

export type WsAuthenticate = (token: string) => Promise<WsIdentity | null>;

/** Returns which of the given session ids are still live. It must only read, never extend a session. */
export type WsLiveSessions = (sessionIds: string[]) => Promise<Set<string>>;

export interface WsOptions {
  /** How often each client is pinged; a client that sent no pong for the previous ping is dropped. */
  pingIntervalMs?: number;
  /** Send buffer size, in bytes, above which a client is dropped; WS_MAX_BUFFERED_BYTES by default. */
  maxBufferedBytes?: number;
}

export interface WsHandle {
  /** Number of authenticated clients. */
  clientCount(): number;
  /** Checks the session of every authenticated client now and closes those whose session ended. */
  checkSessions(): Promise<void>;
  /** Closes every client with 1001 (going away), stops listening to the bus and to upgrades. */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = { 401: "Unauthorized", 404: "Not Found" };

interface ClientState {
  identity: WsIdentity | null;
  alive: boolean;
  /** True once the auth message arrived; messages after it wait in `early` until auth ends. */
  authStarted: boolean;
  early: RawData[];
  subscription: Subscription;
  /** Live events that arrive while stored events are replayed; sent after them. */
  queued: MeshEvent[] | null;
  /** The id of the last event sent, to skip queued events that the replay already sent. */
  lastSentId: bigint;
  /** Client messages are handled one after another. */
  work: Promise<void>;
}

/** Writes a problem+json HTTP response on a socket that has not been upgraded, and closes it. */
function rejectUpgrade(socket: Duplex, code: ErrorCode, detail: string, extraHeaders: string[] = []): void {
  const entry = ERROR_CATALOGUE[code];
  const body = JSON.stringify(problemBody(code, detail));
  const reason = STATUS_TEXT[entry.status] ?? "Bad Request";
  const head = [
    `HTTP/1.1 ${entry.status} ${reason}`,
    "Connection: close",
    "Content-Type: application/problem+json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extraHeaders,
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
}

/** Returns the token of the first message when it is {"type":"auth","token":"<non-empty string>"}. */
function authTokenOf(data: RawData, isBinary: boolean): string | null {
  if (isBinary) return null;
  let message: unknown;
  try {
    message = JSON.parse(data.toString());
  } catch {
    return null;
  }
  if (message === null || typeof message !== "object") return null;
  const { type, token } = message as { type?: unknown; token?: unknown };
  if (type !== "auth" || typeof token !== "string" || token.length === 0) return null;
  return token;
}

/**
 * Attaches the /ws stream to `httpServer`'s 'upgrade' event and to the event bus of `deps`.
 * `authenticate` admits a token and `liveSessions` rechecks the sessions of open sockets.
 */
export function attachWebSocket(httpServer: Server, deps: AppDeps, authenticate: WsAuthenticate, liveSessions: WsLiveSessions, options: WsOptions = {}): WsHandle {
  const log = deps.log.child({ component: "ws" });
  const authTimeoutMs = deps.config.wsAuthTimeoutMs ?? 5000;
  const sessionCheckMs = deps.config.wsSessionCheckMs ?? WS_SESSION_CHECK_MS;
  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_MESSAGE_BYTES });
  const clients = new Map<WebSocket, ClientState>();

  const maxBufferedBytes = options.maxBufferedBytes ?? WS_MAX_BUFFERED_BYTES;

  /** Sends one event unless the client's buffer is over the limit, in which case the client is dropped. */
  const sendEvent = (socket: WebSocket, state: ClientState, event: MeshEvent, text: string): boolean => {
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > maxBufferedBytes) {
      log.warn("websocket dropped", { reason: "client stopped reading", bufferedBytes: socket.bufferedAmount, maxBufferedBytes, userId: state.identity?.userId });
      socket.terminate();
      return false;
    }
    socket.send(text);
    state.lastSentId = BigInt(event.id);
    return true;
  };

  const sendControl = (socket: WebSocket, message: Record<string, unknown>) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };

  /**
   * Waits until the client's send buffer is below half the limit, so a long replay goes at the
   * client's pace instead of being dropped; returns false when the client read nothing for
   * WS_REPLAY_STALL_MS or closed.
   */
  const waitForDrain = async (socket: WebSocket): Promise<boolean> => {
    let last = socket.bufferedAmount;
    let stalledSince = Date.now();
    while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount > maxBufferedBytes / 2) {
      await new Promise((resolve) => setTimeout(resolve, REPLAY_POLL_MS));
      if (socket.bufferedAmount < last) stalledSince = Date.now();
      last = socket.bufferedAmount;
      if (Date.now() - stalledSince > WS_REPLAY_STALL_MS) {
        log.warn("websocket dropped", { reason: "client stopped reading during replay", bufferedBytes: socket.bufferedAmount });
        socket.terminate();
        return false;
      }
    }
    return socket.readyState === WebSocket.OPEN;
  };

  /** Sends the stored events after `resumeAfter` that pass the subscription; returns how many. */
  const replay = async (socket: WebSocket, state: ClientState, resumeAfter: string): Promise<number> => {
    const pruned = await prunedThrough(deps.db);
    if (BigInt(resumeAfter) < BigInt(pruned)) {
      sendControl(socket, {
        type: "error",
        code: "RESUME_TOO_OLD",
        message: `events after ${resumeAfter} up to ${pruned} were deleted (events are kept ${EVENTS_RETENTION_MS / 3_600_000} h, at most ${EVENTS_RETENTION_MAX_ROWS} rows); reload the state through the HTTP API`,
        pruned_through: pruned,
      });
      return 0;
    }

    let after = resumeAfter;
    let count = 0;
    for (;;) {
      const events = await eventsAfter(deps.db, after, state.subscription, REPLAY_PAGE_EVENTS);
      for (const event of events) {
        if (socket.bufferedAmount > maxBufferedBytes / 2 && !(await waitForDrain(socket))) return count;
        if (!sendEvent(socket, state, event, JSON.stringify(event))) return count;
        count += 1;
      }
      if (events.length < REPLAY_PAGE_EVENTS) return count;
      after = events[events.length - 1]!.id;
    }
  };

  const subscribe = async (socket: WebSocket, state: ClientState, subscription: Subscription) => {
    state.subscription = subscription;
    let replayed = 0;
    if (subscription.resumeAfter !== null) {
      state.queued = [];
      try {
        replayed = await replay(socket, state, subscription.resumeAfter);
      } finally {
        const queued = state.queued;
        state.queued = null;
        for (const event of queued) {
          if (BigInt(event.id) > state.lastSentId && wants(state.subscription, event)) sendEvent(socket, state, event, JSON.stringify(event));
        }
      }
    }
    sendControl(socket, {
      type: "subscribed",
      networks: subscription.networks ? [...subscription.networks] : null,
      types: subscription.types ? [...subscription.types] : null,
      replayed,
    });
    log.info("websocket subscribed", { userId: state.identity?.userId, networks: subscription.networks?.size ?? "all", types: subscription.types ? [...subscription.types].join(",") : "all", replayed });
  };

  const handleMessage = async (socket: WebSocket, state: ClientState, data: RawData, isBinary: boolean) => {
    let message: unknown = null;
    try {
      message = isBinary ? null : JSON.parse(data.toString());
    } catch {
      message = null;
    }
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      sendControl(socket, { type: "error", code: "INVALID_MESSAGE", message: "a message must be a JSON object with a type member" });
      return;
    }
    const fields = message as Record<string, unknown>;
    if (fields.type === "auth") return;
    if (fields.type !== "subscribe") {
      sendControl(socket, { type: "error", code: "INVALID_MESSAGE", message: `unknown message type ${JSON.stringify(fields.type)}; expected subscribe` });
      return;
    }

    const subscription = parseSubscribe(fields);
    if (typeof subscription === "string") {
      sendControl(socket, { type: "error", code: "INVALID_SUBSCRIBE", message: subscription });
      return;
    }
    await subscribe(socket, state, subscription);
  };

  const enqueueMessage = (socket: WebSocket, state: ClientState, data: RawData, isBinary: boolean) => {
    state.work = state.work
      .then(() => handleMessage(socket, state, data, isBinary))
      .catch((error) => {
        log.error("websocket message failed", { error, userId: state.identity?.userId });
        sendControl(socket, { type: "error", code: "INTERNAL", message: "the server failed to handle the message; send it again" });
      });
  };

  const admit = (socket: WebSocket, state: ClientState, identity: WsIdentity) => {
    state.identity = identity;
    socket.send(JSON.stringify({ type: "auth_ok" }));
    log.info("websocket authenticated", { userId: identity.userId, sessionId: identity.sessionId });
    for (const data of state.early.splice(0)) enqueueMessage(socket, state, data, false);
  };

  const closeUnauthenticated = (socket: WebSocket, reason: string) => {
    log.warn("websocket auth failed", { reason });
    socket.close(WS_CLOSE_AUTH_FAILED, reason);
  };

  const waitForAuthMessage = (socket: WebSocket, state: ClientState) => {
    const timer = setTimeout(() => closeUnauthenticated(socket, `no auth message within ${authTimeoutMs} ms`), authTimeoutMs);
    let first = true;
    socket.on("message", (data, isBinary) => {
      if (!first) return;
      first = false;
      state.authStarted = true;
      clearTimeout(timer);

      const token = authTokenOf(data, isBinary);
      if (token === null) {
        closeUnauthenticated(socket, 'first message must be {"type":"auth","token":"..."}');
        return;
      }
      authenticate(token).then(
        (identity) => {
          if (socket.readyState !== WebSocket.OPEN) return;
          if (identity) admit(socket, state, identity);
          else closeUnauthenticated(socket, "token is invalid or expired");
        },
        (error) => {
          log.error("websocket authentication failed", { error });
          socket.close(1011, "authentication failed");
        },
      );
    });
    socket.on("close", () => clearTimeout(timer));
  };

  const onConnection = (socket: WebSocket, identity: WsIdentity | null) => {
    const state: ClientState = { identity: null, alive: true, authStarted: false, early: [], subscription: SUBSCRIBE_ALL, queued: null, lastSentId: 0n, work: Promise.resolve() };
    clients.set(socket, state);
    socket.on("pong", () => {
      state.alive = true;
    });
    socket.on("message", (data, isBinary) => {
      if (state.identity) enqueueMessage(socket, state, data, isBinary);
      else if (state.authStarted && !isBinary && state.early.length < 8) state.early.push(data);
    });
    socket.on("close", () => clients.delete(socket));
    socket.on("error", (error) => log.warn("websocket error", { error }));

    if (identity) admit(socket, state, identity);
    else waitForAuthMessage(socket, state);
  };

  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", (error) => log.warn("websocket upgrade socket error", { error }));
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== WS_PATH) {
      rejectUpgrade(socket, "NOT_FOUND", `no websocket at ${path}; use ${WS_PATH}`);
      return;
    }

    let identity: WsIdentity | null = null;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer ([^\s]+)$/i.exec(authorization);
      identity = match ? await authenticate(match[1]!).catch((error) => {
        log.error("websocket authentication failed", { error });
        return null;
      }) : null;
      if (!identity) {
        log.warn("websocket auth failed", { reason: "invalid bearer token" });
        rejectUpgrade(socket, "SESSION_INVALID", "bearer token is invalid or expired", ['WWW-Authenticate: Bearer error="invalid_token"']);
        return;
      }
    }

    wss.handleUpgrade(request, socket, head, (ws) => onConnection(ws, identity));
  };

  const checkSessions = async () => {
    const admitted = [...clients].filter(([socket, state]) => state.identity && socket.readyState === WebSocket.OPEN);
    if (admitted.length === 0) return;

    const live = await liveSessions(admitted.map(([, state]) => state.identity!.sessionId));
    for (const [socket, state] of admitted) {
      if (live.has(state.identity!.sessionId) || socket.readyState !== WebSocket.OPEN) continue;
      log.info("websocket session ended", { userId: state.identity!.userId, sessionId: state.identity!.sessionId });
      socket.close(WS_CLOSE_AUTH_FAILED, "session ended");
    }
  };

  // Events wait in `pending` while a session check runs, so each batch costs one query and the
  // order of events is kept.
  const pending: MeshEvent[] = [];
  let delivering = false;

  const deliverPending = async () => {
    delivering = true;
    try {
      while (pending.length > 0) {
        const batch = pending.splice(0);
        // NOTE: when the check fails (database down) the batch is still delivered, because dropping
        // events would hide alarms. Sessions that ended meanwhile close at the next check that works.
        await checkSessions().catch((error) => log.error("websocket session check failed", { error }));

        const texts = batch.map((event) => JSON.stringify(event));
        for (const [socket, state] of clients) {
          if (!state.identity || socket.readyState !== WebSocket.OPEN) continue;
          for (const [index, event] of batch.entries()) {
            if (!wants(state.subscription, event)) continue;
            if (state.queued) state.queued.push(event);
            else if (!sendEvent(socket, state, event, texts[index]!)) break;
          }
        }
      }
    } finally {
      delivering = false;
    }
  };

  const onEvent = (event: MeshEvent) => {
    pending.push({ id: event.id, type: event.type, time: event.time, network_id: event.network_id, data: event.data });
    if (delivering) return;
    deliverPending().catch((error) => log.error("websocket event delivery failed", { error }));
  };

  // A tick is skipped while the previous one still waits for the database, so a slow database
  // does not pile up queries.
  let timedCheckRunning = false;
  const sessionTimer = setInterval(() => {
    if (timedCheckRunning) return;
    timedCheckRunning = true;
    checkSessions()
      .catch((error) => log.error("websocket session check failed", { error }))
      .finally(() => {
        timedCheckRunning = false;
      });
  }, sessionCheckMs);
  sessionTimer.unref();

  // A client that missed the last ping is gone (half-open TCP); terminate() frees it without a handshake.
  const pingTimer = setInterval(() => {
    for (const [socket, state] of clients) {
      if (!state.alive) {
        log.info("websocket dropped", { reason: "no pong" });
        socket.terminate();
        continue;
      }
      state.alive = false;
      socket.ping();
    }
  }, options.pingIntervalMs ?? WS_PING_INTERVAL_MS);
  pingTimer.unref();

  const upgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(request, socket, head).catch((error) => {
      log.error("websocket upgrade failed", { error });
      socket.destroy();
    });
  };
  httpServer.on("upgrade", upgradeListener);
  const unsubscribe = deps.events.subscribe(onEvent);

  const onSessionEnded = (sessionId: string) => {
    for (const [socket, state] of clients) {
      if (state.identity?.sessionId !== sessionId || socket.readyState !== WebSocket.OPEN) continue;
      log.info("websocket session ended", { userId: state.identity.userId, sessionId, reason: "session-ended notification" });
      socket.close(WS_CLOSE_AUTH_FAILED, "session ended");
    }
  };
  const unsubscribeSessionEnded = deps.events.subscribeSessionEnded(onSessionEnded);

  return {
    clientCount: () => [...clients.values()].filter((state) => state.identity).length,

    checkSessions,

    async close() {
      httpServer.off("upgrade", upgradeListener);
      unsubscribe();
      unsubscribeSessionEnded();
      clearInterval(pingTimer);
      clearInterval(sessionTimer);
      for (const socket of clients.keys()) socket.close(1001, "server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
