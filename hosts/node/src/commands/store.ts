/**
 * Stored commands: creating one (seq from the counter, frame built and signed through the core,
 * row inserted) and every later change of state. Each change publishes `command_status` on the
 * event bus inside the caller's transaction, so the event exists only if the change was committed.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { nowSec } from "../clock.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError, type ErrorCode } from "../errors.ts";
import { deriveNetworkKey } from "../keys/derive.ts";
import { COMMAND_MAX_AGE_SEC, type CommandState } from "./catalogue.ts";
import { takeCommandSeq } from "./counter.ts";
import { signCommandFrame } from "./frame.ts";
import { commandPayload } from "./payload.ts";

export type AckResult = "ok" | "in_progress" | "error" | "unsupported";

export interface CommandRow {
  id: string;
  network_id: string;
  device_id: string;
  seq: string;
  cmd: string;
  args: Record<string, unknown>;
  frame: string;
  frame_timestamp: Date;
  state: CommandState;
  result: AckResult | null;
  reason: string | null;
  last_error: string | null;
  attempts: number;
  next_attempt_at: Date;
  depends_on: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface CommandView {
  id: string;
  network_id: string;
  device_id: string;
  seq: number;
  cmd: string;
  args: Record<string, unknown>;
  state: CommandState;
  result: AckResult | null;
  reason: string | null;
  last_error: string | null;
  attempts: number;
  /** The signed frame, hex, as every delivery sends it. */
  frame: string;
  created_at: string;
  updated_at: string;
  /** When the frame's 86400 seconds of validity end. */
  expires_at: string;
}

export function toCommandView(row: CommandRow): CommandView {
  return {
    id: row.id,
    network_id: row.network_id,
    device_id: row.device_id,
    seq: Number(row.seq),
    cmd: row.cmd,
    args: row.args,
    state: row.state,
    result: row.result,
    reason: row.reason,
    last_error: row.last_error,
    attempts: row.attempts,
    frame: row.frame,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    expires_at: new Date(new Date(row.frame_timestamp).getTime() + COMMAND_MAX_AGE_SEC * 1000).toISOString(),
  };
}

/** Returns the data of a `command_status` event. */
function statusEventData(row: CommandRow): Record<string, unknown> {
  return {
    command_id: row.id,
    device_id: row.device_id,
    seq: Number(row.seq),
    cmd: row.cmd,
    state: row.state,
    result: row.result,
    reason: row.reason,
    attempts: row.attempts,
  };
}

export interface NewCommand {
  networkId: string;
  /** The network's key index N; the frame is signed with m/N'. */
  networkKeyIndex: number;
  /** The target: a device, or the home base for a config command. */
  deviceId: string;
  cmd: string;
  args: Record<string, unknown>;
  /** A command that must be acknowledged before this one is delivered. */
  dependsOn?: string;
}

/**
 * Core statuses of frame_build that come from the caller's command and arguments. A payload over
 * 159 bytes makes the frame longer than 250 bytes, and frame_build reports that as FRAME_TOO_LONG
 * (check 2 runs before the payload limit of check 7), so both mean that the payload is too long.
 */
const BUILD_FAILURES: Record<string, ErrorCode> = {
  COMMAND_UNKNOWN: "COMMAND_UNKNOWN",
  COMMAND_BAD_SCHEMA: "COMMAND_BAD_SCHEMA",
  FRAME_PAYLOAD_TOO_LONG: "FRAME_PAYLOAD_TOO_LONG",
  FRAME_TOO_LONG: "FRAME_PAYLOAD_TOO_LONG",
  FRAME_BAD_JSON: "FRAME_BAD_JSON",
};

/**
 * Creates a queued command in `trx`: takes the target's next seq, builds the payload with `id` =
 * seq, has the core build the frame and signs it with the network key. Throws ApiError
 * COMMAND_UNKNOWN, COMMAND_BAD_SCHEMA, FRAME_PAYLOAD_TOO_LONG or FRAME_BAD_JSON (all 400) when the
 * core rejects the command. The caller's transaction then rolls back, so the seq is not used.
 */
export async function enqueueCommand(deps: AppDeps, trx: Knex.Transaction, input: NewCommand): Promise<CommandRow> {
  const seq = await takeCommandSeq(trx, input.networkId, input.deviceId);
  const timestamp = nowSec(deps.clock);
  const payload = commandPayload(seq, input.cmd, input.args);

  const signed = signCommandFrame(deps.core, deriveNetworkKey(deps.masterSeed, input.networkKeyIndex), { deviceId: input.deviceId, timestamp, seq, payload });
  if (!signed.ok) {
    const code = BUILD_FAILURES[signed.code];
    if (!code) throw new Error(`core rejected a command frame for ${input.deviceId} with ${signed.code}`);
    throw new ApiError(code, `command ${JSON.stringify(input.cmd)} with payload of ${Buffer.byteLength(payload)} bytes rejected by the core: ${signed.code}`);
  }

  const now = new Date(deps.clock.nowMs());
  const row: CommandRow = {
    id: randomUUID(),
    network_id: input.networkId,
    device_id: input.deviceId,
    seq: String(seq),
    cmd: input.cmd,
    args: input.args,
    frame: signed.frame.toString("hex"),
    frame_timestamp: new Date(timestamp * 1000),
    state: "queued",
    result: null,
    reason: null,
    last_error: null,
    attempts: 0,
    next_attempt_at: now,
    depends_on: input.dependsOn ?? null,
    created_at: now,
    updated_at: now,
  };
  await trx("commands").insert({ ...row, args: JSON.stringify(row.args) });
  await deps.events.publish(trx, "command_status", row.network_id, statusEventData(row));
  return row;
}

export type CommandChanges = Partial<Pick<CommandRow, "state" | "result" | "reason" | "last_error" | "attempts" | "next_attempt_at">>;

/**
 * Applies `changes` to a command and returns the new row. Publishes `command_status` when the
 * state, result or reason changed; retry bookkeeping alone (attempts, next attempt) publishes nothing.
 */
export async function updateCommand(deps: AppDeps, trx: Knex | Knex.Transaction, row: CommandRow, changes: CommandChanges): Promise<CommandRow> {
  const next: CommandRow = { ...row, ...changes, updated_at: new Date(deps.clock.nowMs()) };
  await trx("commands").where("id", row.id).update({ ...changes, updated_at: next.updated_at });

  const visible = next.state !== row.state || next.result !== row.result || next.reason !== row.reason;
  if (visible) await deps.events.publish(trx, "command_status", row.network_id, statusEventData(next));
  return next;
}

/** Returns one command of a network, or null. `commandId` must already be a UUID. */
export async function getCommand(db: Knex | Knex.Transaction, networkId: string, commandId: string): Promise<CommandRow | null> {
  const row = (await db<CommandRow>("commands").where({ network_id: networkId, id: commandId }).first()) as CommandRow | undefined;
  return row ?? null;
}
