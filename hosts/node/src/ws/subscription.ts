/**
 * The subscribe message of the WebSocket stream (docs/events.md): which networks and event types a
 * client receives, and the event id it resumes after.
 *
 *   {"type":"subscribe","networks":["<uuid>",...],"types":["motion_event",...],"resume_after":"1234"}
 *
 * Every member but `type` is optional. A missing `networks` or `types` means all of them. A client
 * that never subscribes receives every event, as before subscriptions existed.
 */
import { MESH_EVENT_TYPES, type MeshEvent, type MeshEventType } from "../deps.ts";
import type { EventFilter } from "../events/retention.ts";

/** The maximum number of networks in one subscribe message. */
export const WS_SUBSCRIBE_MAX_NETWORKS = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENT_ID = /^(0|[1-9][0-9]{0,18})$/;
const MEMBERS = ["type", "networks", "types", "resume_after"];

export interface Subscription extends EventFilter {
  /** The id of the last event the client saw, or null for no replay. */
  resumeAfter: string | null;
}

export const SUBSCRIBE_ALL: Subscription = { networks: null, types: null, resumeAfter: null };

/** Parses a subscribe message; returns the subscription, or an error text naming the bad member. */
export function parseSubscribe(message: Record<string, unknown>): Subscription | string {
  const unknown = Object.keys(message).find((key) => !MEMBERS.includes(key));
  if (unknown !== undefined) return `unknown member ${unknown}; expected ${MEMBERS.join(", ")}`;

  const subscription: Subscription = { networks: null, types: null, resumeAfter: null };
  const { networks, types, resume_after: resumeAfter } = message;
  if (networks !== undefined) {
    if (!Array.isArray(networks) || networks.length > WS_SUBSCRIBE_MAX_NETWORKS || !networks.every((id) => typeof id === "string" && UUID.test(id))) {
      return `networks must be an array of at most ${WS_SUBSCRIBE_MAX_NETWORKS} network ids (UUIDs)`;
    }
    subscription.networks = new Set(networks.map((id: string) => id.toLowerCase()));
  }
  if (types !== undefined) {
    if (!Array.isArray(types) || !types.every((type) => (MESH_EVENT_TYPES as readonly unknown[]).includes(type))) {
      return `types must be an array of event types from ${MESH_EVENT_TYPES.join(", ")}`;
    }
    subscription.types = new Set(types as MeshEventType[]);
  }
  if (resumeAfter !== undefined) {
    if (typeof resumeAfter !== "string" || !EVENT_ID.test(resumeAfter)) return "resume_after must be an event id: a decimal string, as in the id of an event";
    subscription.resumeAfter = resumeAfter;
  }
  return subscription;
}

/** Tells whether `event` passes the subscription's network and type filters. */
export function wants(subscription: EventFilter, event: MeshEvent): boolean {
  if (subscription.networks && !subscription.networks.has(event.network_id)) return false;
  if (subscription.types && !subscription.types.has(event.type)) return false;
  return true;
}
