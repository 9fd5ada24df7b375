/**
 * The event bus on PostgreSQL (see EventBus in deps.ts). publish() inserts the event row and calls
 * pg_notify inside the caller's transaction, so PostgreSQL delivers the notification only when that
 * transaction commits, to every process that listens on the channel. A listener loads the rows named
 * by the notifications, in batches, and passes them to its subscribers in notification order.
 *
 * The notification payload is `<schema>:<event id>`, where schema is the publisher's current_schema():
 * NOTIFY channels are shared by the whole database, so servers (or test runs) that keep their tables
 * in different schemas of one database must tell their events apart.
 *
 * Listening uses a dedicated pg.Client on the same connection settings as the knex pool (a pooled
 * connection cannot hold LISTEN), or, on PGlite, the embedded instance's own listen(). Both come
 * from databaseBackend(), so `db` must be opened by db/connect.ts.
 *
 * Session ends travel on a second channel, SESSIONS_CHANNEL, with the payload
 * `<schema>:<session id>` and no table row.
 *
 * Limits: an event published while a pg listener is reconnecting is not delivered to that process.
 * The events table keeps it, so a client can catch up by id. A session end missed that way closes
 * the session's sockets at the WebSocket server's next timed session check.
 */
import type { Knex } from "knex";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Clock } from "../clock.ts";
import { databaseBackend } from "../db/connect.ts";
import type { EventBus, MeshEvent, MeshEventType } from "../deps.ts";
import type { Logger } from "../logger.ts";

export const EVENTS_CHANNEL = "homemesh_events";
export const SESSIONS_CHANNEL = "homemesh_sessions";
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RECONNECT_DELAY_MS = 1000;
/** Most events loaded by one query of the delivery loop. */
const LOAD_BATCH_MAX_EVENTS = 500;

/** Stops listening; resolves when the listener has let go of its connection. */
type StopListening = () => Promise<void>;

export interface EventBusOptions {
  db: Knex;
  clock: Clock;
  log: Logger;
}

interface EventRow {
  id: string;
  type: MeshEventType;
  network_id: string;
  time: Date | string;
  data: Record<string, unknown> | string;
}

function toEvent(row: EventRow): MeshEvent {
  return {
    id: String(row.id),
    type: row.type,
    time: new Date(row.time).toISOString(),
    network_id: row.network_id,
    data: typeof row.data === "string" ? JSON.parse(row.data) : row.data,
  };
}

async function currentSchema(db: Knex): Promise<string> {
  const result = await db.raw("select current_schema() as schema");
  return (result.rows[0] as { schema: string }).schema;
}

/**
 * Starts listening and returns the bus once LISTEN is in place, so an event published after this
 * resolves reaches this process's subscribers.
 */
export async function createEventBus(options: EventBusOptions): Promise<EventBus> {
  const { db, clock, log } = options;
  const listeners = new Set<(event: MeshEvent) => void>();
  const sessionListeners = new Set<(sessionId: string) => void>();
  let delivery: Promise<void> = Promise.resolve();
  let closed = false;

  const schema = await currentSchema(db);

  const deliverRows = (rows: EventRow[]) => {
    for (const row of rows) {
      const event = toEvent(row);
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (error) {
          log.error("event listener failed", { eventId: event.id, error });
        }
      }
    }
  };

  // Ids wait here until the delivery loop loads them, up to LOAD_BATCH_MAX_EVENTS rows per query,
  // so a batch of 1,000 entries costs a few queries per process instead of 1,000.
  const queuedIds: string[] = [];
  let draining = false;

  const drain = async () => {
    draining = true;
    try {
      while (queuedIds.length > 0 && !closed) {
        const ids = queuedIds.splice(0, LOAD_BATCH_MAX_EVENTS);
        const rows = (await db("events").select(db.raw("id::text as id"), "type", "network_id", "time", "data").whereIn("id", ids).orderByRaw("events.id")) as EventRow[];
        if (rows.length < ids.length) log.warn("event notification ignored", { reason: "no event row", missing: ids.length - rows.length });
        deliverRows(rows);
      }
    } finally {
      draining = false;
    }
  };

  // Ids are queued in notification order and each query sorts by id, so subscribers see events in
  // commit order, and in id order within one transaction.
  const onNotification = (payload: string) => {
    if (closed) return;
    const separator = payload.lastIndexOf(":");
    const eventId = payload.slice(separator + 1);
    if (payload.slice(0, separator) !== schema) return;
    if (!/^[0-9]{1,19}$/.test(eventId)) {
      log.warn("event notification ignored", { reason: "payload is not an event id", payload });
      return;
    }
    queuedIds.push(eventId);
    if (draining) return;
    delivery = drain().catch((error) => log.error("event delivery failed", { error }));
  };

  // Session ends need no database read, so they go to the listeners at once, not through `delivery`.
  const onSessionNotification = (payload: string) => {
    if (closed) return;
    const separator = payload.lastIndexOf(":");
    const sessionId = payload.slice(separator + 1);
    if (payload.slice(0, separator) !== schema) return;
    if (!UUID_PATTERN.test(sessionId)) {
      log.warn("session notification ignored", { reason: "payload is not a session id", payload });
      return;
    }
    for (const listener of sessionListeners) {
      try {
        listener(sessionId);
      } catch (error) {
        log.error("session listener failed", { sessionId, error });
      }
    }
  };

  const handlers = new Map([
    [EVENTS_CHANNEL, onNotification],
    [SESSIONS_CHANNEL, onSessionNotification],
  ]);
  const backend = databaseBackend(db);
  const stop: StopListening = backend.kind === "pglite"
    ? await listenWithPglite(backend.pglite, handlers)
    : await listenWithPg(backend.connection, log, handlers, () => closed);

  const publishMany: EventBus["publishMany"] = async (executor, events) => {
    if (events.length === 0) return;
    const time = new Date(clock.nowMs()).toISOString();
    const rows = events.map((event) => ({ type: event.type, network_id: event.networkId, data: event.data }));
    // One statement for all events. The ordered subquery makes nextval follow the input order.
    await executor.raw(
      `with inserted as (
         insert into events (id, type, network_id, time, data)
         select nextval('events_id_seq'), type, network_id, ?::timestamptz, data
         from (select type, network_id, data
               from rows from (jsonb_to_recordset(?::jsonb) as (type text, network_id uuid, data jsonb)) with ordinality as input(type, network_id, data, ordinal)
               order by ordinal) as ordered
         returning id
       )
       select pg_notify(?, current_schema() || ':' || id::text) from (select id from inserted order by id) as ids`,
      [time, JSON.stringify(rows), EVENTS_CHANNEL],
    );
  };

  return {
    async publish(executor, type, networkId, data) {
      await publishMany(executor, [{ type, networkId, data }]);
    },

    publishMany,

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async publishSessionEnded(executor, sessionId) {
      await executor.raw("select pg_notify(?, current_schema() || ':' || ?)", [SESSIONS_CHANNEL, sessionId.toLowerCase()]);
    },

    subscribeSessionEnded(listener) {
      sessionListeners.add(listener);
      return () => {
        sessionListeners.delete(listener);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      sessionListeners.clear();
      await stop();
      await delivery;
    },
  };
}

type ChannelHandlers = Map<string, (payload: string) => void>;

/** Runs LISTEN for every channel on the embedded PGlite instance. */
async function listenWithPglite(pglite: PGlite, handlers: ChannelHandlers): Promise<StopListening> {
  const stops: StopListening[] = [];
  for (const [channel, handler] of handlers) stops.push(await pglite.listen(channel, handler));
  return async () => {
    for (const stop of stops) await stop();
  };
}

/**
 * Runs LISTEN for every channel on a dedicated pg.Client with the knex pool's connection settings.
 * A lost connection is logged at warn and opened again after RECONNECT_DELAY_MS until the bus closes.
 */
async function listenWithPg(clientConfig: pg.ClientConfig, log: Logger, handlers: ChannelHandlers, isClosed: () => boolean): Promise<StopListening> {
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const next = new pg.Client(clientConfig);
    next.on("notification", (message) => {
      const handler = handlers.get(message.channel);
      if (handler && message.payload !== undefined) handler(message.payload);
    });
    next.on("error", (error) => {
      log.warn("event listener connection lost", { error, retryInMs: RECONNECT_DELAY_MS });
      next.end().catch(() => undefined);
      if (client === next) client = undefined;
      scheduleReconnect();
    });
    await next.connect();
    for (const channel of handlers.keys()) await next.query(`listen ${channel}`);
    client = next;
  };

  const scheduleReconnect = () => {
    if (isClosed() || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      if (isClosed()) return;
      connect().catch((error) => {
        log.warn("event listener reconnect failed", { error, retryInMs: RECONNECT_DELAY_MS });
        scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
  };

  await connect();

  return async () => {
    if (retry) clearTimeout(retry);
    const current = client;
    client = undefined;
    if (current) await current.end();
  };
}
