/**
 * POST /commands/results (docs/protocol.md section 9.2): command results reported by a home base.
 *
 * For a device command the result counts only through the device's acknowledgement frame (`ack`),
 * verified under the device's key, or under its pending key while a rotation runs. Id, result and
 * reason come from the verified frame, never from the home base's JSON. For a config command (its
 * target is the home base itself) the result is the home base's own, vouched for by the request's
 * signature. A result for a command that already has a final state is accepted and changes nothing.
 * A `rotate_key` acknowledged `ok` under the pending key completes the rotation: the pending key
 * becomes the device's key.
 */
import type { Knex } from "knex";
import { nowSec } from "../clock.ts";
import type { AppDeps } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { invalid, rejectUnknownFields, requireInteger, requireString } from "../http/validate.ts";
import type { HomeBaseSigner } from "../ingest/signature.ts";
import { FRAME_MAX_AHEAD_SEC } from "../ingest/service.ts";
import { DEVICE_ID_PATTERN } from "../networks/devices.ts";
import { COMMAND_SEQ_MAX, isConfigCommand, OPEN_STATES } from "./catalogue.ts";
import { afterFinalState } from "./side-effects.ts";
import { updateCommand, type AckResult, type CommandRow } from "./store.ts";

export const RESULTS_MAX_COUNT = 64;
export const RESULTS_BODY_MAX_BYTES = 64 * 1024;
const FRAME_TYPE_ACK = 0x05;
const RESULT_WORDS: readonly AckResult[] = ["ok", "in_progress", "error", "unsupported"];
/** The largest frame is 250 bytes, 500 hex characters. */
const ACK_HEX_MAX_CHARS = 500;
const REASON_MAX_CHARS = 256;

export interface CommandResultInput {
  device_id: string;
  id: number;
  result: AckResult;
  reason?: string;
  ack?: Buffer;
}

export interface ResultsBody {
  key_id: string;
  results: CommandResultInput[];
}

export interface ResultsAnswer {
  accepted: number;
  rejected: { index: number; code: string }[];
}

/** Checks the shape of the body; throws VALIDATION_FAILED naming the first bad field. */
export function validateResultsBody(body: Record<string, unknown>): ResultsBody {
  rejectUnknownFields(body, ["key_id", "results"]);
  const keyId = requireString(body, "key_id", 1, 52);
  const list = body.results;
  if (!Array.isArray(list)) throw invalid("results", "results must be an array");
  if (list.length > RESULTS_MAX_COUNT) throw invalid("results", `results has ${list.length} items, expected at most ${RESULTS_MAX_COUNT}`);

  const results = list.map((item: unknown, index): CommandResultInput => {
    const field = `results[${index}]`;
    if (item === null || typeof item !== "object" || Array.isArray(item)) throw invalid(field, `${field} must be an object`);
    const entry = item as Record<string, unknown>;
    rejectUnknownFields(entry, ["device_id", "id", "result", "reason", "ack"], `${field}.`);

    const deviceId = requireString(entry, "device_id", 1, 15, `${field}.device_id`);
    if (!DEVICE_ID_PATTERN.test(deviceId)) throw invalid(`${field}.device_id`, `${field}.device_id ${JSON.stringify(deviceId)} is not a device id`);
    const id = requireInteger(entry, "id", 1, COMMAND_SEQ_MAX, `${field}.id`);
    const result = requireString(entry, "result", 1, 16, `${field}.result`);
    if (!(RESULT_WORDS as readonly string[]).includes(result)) throw invalid(`${field}.result`, `${field}.result ${JSON.stringify(result)} must be one of ${RESULT_WORDS.join(", ")}`);

    const parsed: CommandResultInput = { device_id: deviceId, id, result: result as AckResult };
    if (entry.reason !== undefined) parsed.reason = requireString(entry, "reason", 0, REASON_MAX_CHARS, `${field}.reason`);
    if (entry.ack !== undefined) {
      const ack = requireString(entry, "ack", 2, ACK_HEX_MAX_CHARS, `${field}.ack`);
      if (!/^([0-9a-f]{2})+$/.test(ack)) throw invalid(`${field}.ack`, `${field}.ack must be lower-case hex with an even number of characters`);
      parsed.ack = Buffer.from(ack, "hex");
    }
    return parsed;
  });
  return { key_id: keyId, results };
}

interface ResultDevice {
  device_id: string;
  type: string;
  public_key: string;
  pending_public_key: string | null;
  revoked_at: Date | null;
}

/** A result as the server trusts it: from a verified acknowledgement, or from a config command. */
interface TrustedResult {
  seq: number;
  result: AckResult;
  reason: string | null;
  /** True when the acknowledgement verified only under the pending key. */
  underPendingKey: boolean;
}

type Judged = { ok: true; trusted: TrustedResult } | { ok: false; code: string };

/** Verifies a device's acknowledgement under its key, then under its pending key. */
function verifyAck(deps: AppDeps, signer: HomeBaseSigner, device: ResultDevice, ack: Buffer): Judged {
  const decoded = deps.core.decodeFrame(ack);
  if (!decoded.ok) return decoded;
  if (decoded.frame.type !== FRAME_TYPE_ACK) return { ok: false, code: "FRAME_WRONG_DIRECTION" };
  if (decoded.frame.deviceId !== device.device_id) return { ok: false, code: "DEVICE_ID_MISMATCH" };

  let underPendingKey = false;
  let verified = deps.core.verifyFrame(ack, Buffer.from(device.public_key.trim(), "hex"), signer.networkPublicKey);
  if (!verified.ok && device.pending_public_key) {
    const pending = deps.core.verifyFrame(ack, Buffer.from(device.pending_public_key.trim(), "hex"), signer.networkPublicKey);
    if (pending.ok) {
      verified = pending;
      underPendingKey = true;
    }
  }
  if (!verified.ok) return verified;
  if (verified.frame.timestamp > nowSec(deps.clock) + FRAME_MAX_AHEAD_SEC) return { ok: false, code: "FRAME_TIMESTAMP_SKEW" };

  const typed = verified.frame.typed;
  if (typed.kind !== "ack") return { ok: false, code: "ACK_BAD_PAYLOAD" };
  return { ok: true, trusted: { seq: typed.id, result: typed.result, reason: typed.reason ?? null, underPendingKey } };
}

/** Returns the command's next state for a trusted result. */
function stateOf(result: AckResult): "acknowledged" | "failed" | "delivered" {
  if (result === "ok") return "acknowledged";
  if (result === "in_progress") return "delivered";
  return "failed";
}

/** Makes the pending key the device's key (docs/protocol.md section 7: the rotation is complete). */
async function completeRotation(deps: AppDeps, trx: Knex.Transaction, networkId: string, deviceId: string): Promise<void> {
  await trx.raw(
    `update devices set key_index = pending_key_index, public_key = pending_public_key, pending_key_index = null, pending_public_key = null
     where network_id = ? and device_id = ? and pending_public_key is not null`,
    [networkId, deviceId],
  );
  deps.log.info("key rotation completed", { networkId, deviceId });
}

/** Applies one result; returns a rejection code, or null when accepted. */
async function applyResult(deps: AppDeps, trx: Knex.Transaction, signer: HomeBaseSigner, input: CommandResultInput): Promise<string | null> {
  const device = (await trx("devices").where({ network_id: signer.networkId, device_id: input.device_id }).first()) as ResultDevice | undefined;
  if (!device || device.revoked_at) return "FRAME_UNKNOWN_DEVICE";

  let judged: Judged;
  if (device.type === "home_base") {
    judged = { ok: true, trusted: { seq: input.id, result: input.result, reason: input.reason ?? null, underPendingKey: false } };
  } else if (!input.ack) {
    judged = { ok: false, code: "ACK_REQUIRED" };
  } else {
    judged = verifyAck(deps, signer, device, input.ack);
  }
  if (!judged.ok) return judged.code;
  const { trusted } = judged;

  const row = (await trx("commands").where({ network_id: signer.networkId, device_id: device.device_id, seq: trusted.seq }).forUpdate().first()) as CommandRow | undefined;
  if (!row) return "COMMAND_NOT_FOUND";
  if (device.type === "home_base" && !isConfigCommand(row.cmd)) return "COMMAND_NOT_FOUND";
  if (!OPEN_STATES.includes(row.state)) return null;

  if (row.cmd === "rotate_key" && trusted.result === "ok") {
    if (!trusted.underPendingKey) return "SIGNATURE_INVALID";
    await completeRotation(deps, trx, signer.networkId, device.device_id);
  }

  const state = stateOf(trusted.result);
  const updated = await updateCommand(deps, trx, row, { state, result: trusted.result, reason: trusted.reason });
  if (state !== "delivered") await afterFinalState(deps, trx, updated);
  return null;
}

/** Applies every result of a validated body from `signer` in one transaction. */
export async function applyResults(deps: AppDeps, signer: HomeBaseSigner, body: ResultsBody): Promise<ResultsAnswer> {
  if (body.key_id !== signer.keyId) throw new ApiError("KEY_ID_MISMATCH", `key_id ${body.key_id} differs from header X-Mesh-Key-Id ${signer.keyId}`);
  const log = deps.log.child({ keyId: signer.keyId });

  return deps.db.transaction(async (trx) => {
    const rejected: { index: number; code: string }[] = [];
    for (const [index, input] of body.results.entries()) {
      const code = await applyResult(deps, trx, signer, input);
      if (code === null) continue;
      rejected.push({ index, code });
      log.warn("command result rejected", { index, deviceId: input.device_id, id: input.id, code });
    }
    return { accepted: body.results.length - rejected.length, rejected };
  });
}
