/**
 * The per-target command counter of docs/protocol.md section 10.4: one row per (network, target)
 * in PostgreSQL, advanced by a single upsert. PostgreSQL locks the row until the caller's
 * transaction ends, so two requests, in one process or in several, never take the same seq, and a
 * transaction that rolls back gives its seq back.
 */
import type { Knex } from "knex";
import { ApiError } from "../errors.ts";
import { COMMAND_SEQ_MAX } from "./catalogue.ts";

/** Takes the next seq for `deviceId` in `networkId`, from 1; throws COMMAND_SEQ_EXHAUSTED past 2^32 - 1. */
export async function takeCommandSeq(trx: Knex.Transaction, networkId: string, deviceId: string): Promise<number> {
  const taken = await trx.raw(
    `insert into command_counters (network_id, device_id, last_seq) values (?, ?, 1)
     on conflict (network_id, device_id) do update set last_seq = command_counters.last_seq + 1
     where command_counters.last_seq < ?
     returning last_seq`,
    [networkId, deviceId, COMMAND_SEQ_MAX],
  );
  const row = taken.rows[0] as { last_seq: string } | undefined;
  if (!row) throw new ApiError("COMMAND_SEQ_EXHAUSTED", `device ${deviceId} has used every command seq up to ${COMMAND_SEQ_MAX}`);
  return Number(row.last_seq);
}

/**
 * Moves a target's counter `count` seqs ahead, for a command sent again after a REPLAY_BELOW_FLOOR.
 * The home base's floor is at most 64 above the highest seq it accepted (docs/protocol.md section
 * 10.3), so after a skip of 64 the next seq is above it. A counter near 2^32 - 1 stops at the max.
 */
export async function skipCommandSeqs(trx: Knex.Transaction, networkId: string, deviceId: string, count: number): Promise<void> {
  await trx.raw(
    "update command_counters set last_seq = least(last_seq + ?, ?) where network_id = ? and device_id = ?",
    [count, COMMAND_SEQ_MAX, networkId, deviceId],
  );
}
