/**
 * What every part of the central server receives from the process that starts it. Nothing here is
 * process-global, so tests build their own set (a manual clock, a fresh database, a memory logger).
 */
import type { Knex } from "knex";
import type { Clock } from "./clock.ts";
import type { Core } from "./core/types.ts";
import type { Logger } from "./logger.ts";

export interface AppConfig {
  /** Addresses whose X-Forwarded-For header is believed. */
  trustedProxies: string[];
  /** How long a WebSocket client has to send its auth message, in milliseconds. */
  wsAuthTimeoutMs: number;
  /** How often the sessions of open WebSocket clients are rechecked, in milliseconds. */
  wsSessionCheckMs: number;
}

export const MESH_EVENT_TYPES = ["device_status", "motion_event", "log_entry", "command_status"] as const;

/** The event types that the WebSocket stream carries (schemas in docs/events.md). */
export type MeshEventType = (typeof MESH_EVENT_TYPES)[number];

/** An event before it is stored: what publishMany takes. */
export interface NewMeshEvent {
  type: MeshEventType;
  networkId: string;
  data: Record<string, unknown>;
}

/** An event as stored in the events table and sent to WebSocket clients. */
export interface MeshEvent {
  /** From a PostgreSQL bigint sequence, as a decimal string, so clients can resume from it later. */
  id: string;
  type: MeshEventType;
  /** ISO 8601. */
  time: string;
  network_id: string;
  data: Record<string, unknown>;
}

/**
 * Events shared by every server process through PostgreSQL: publish inserts a row and notifies
 * inside the caller's transaction, so an event reaches subscribers only if its data was committed.
 */
export interface EventBus {
  publish(db: Knex | Knex.Transaction, type: MeshEventType, networkId: string, data: Record<string, unknown>): Promise<void>;
  /** Publishes events in one statement, with ids in the order given. */
  publishMany(db: Knex | Knex.Transaction, events: readonly NewMeshEvent[]): Promise<void>;
  subscribe(listener: (event: MeshEvent) => void): () => void;
  /**
   * Notifies every server process that a session ended (logout or revocation), inside the caller's
   * transaction, so that WebSocket streams close that session's sockets at once instead of at their
   * next timed check. Nothing is stored; a process that is not listening at that moment relies on
   * the timed check.
   */
  publishSessionEnded(db: Knex | Knex.Transaction, sessionId: string): Promise<void>;
  subscribeSessionEnded(listener: (sessionId: string) => void): () => void;
  close(): Promise<void>;
}

export interface AppDeps {
  db: Knex;
  clock: Clock;
  log: Logger;
  config: AppConfig;
  core: Core;
  events: EventBus;
  /** The 32-byte SLIP-0010 master seed; network and device keys derive from it. */
  masterSeed: Buffer;
}
