/**
 * Changes that a command's final state makes outside the commands table. A `rotate_key` that failed or
 * expired ends its rotation: the pending key is dropped and the device keeps its current key. (The
 * switch to the new key on `ok` happens where the acknowledgement is verified, in results.ts.)
 */
import type { Knex } from "knex";
import type { AppDeps } from "../deps.ts";
import type { CommandRow } from "./store.ts";

/** Runs the side effects of `row`, which has just reached a final state, inside `trx`. */
export async function afterFinalState(deps: AppDeps, trx: Knex.Transaction, row: CommandRow): Promise<void> {
  if (row.cmd !== "rotate_key" || row.state === "acknowledged") return;

  const cleared = await trx("devices")
    .where({ network_id: row.network_id, device_id: row.device_id })
    .whereNotNull("pending_public_key")
    .update({ pending_key_index: null, pending_public_key: null });
  if (cleared > 0) deps.log.warn("key rotation abandoned", { networkId: row.network_id, deviceId: row.device_id, state: row.state, reason: row.reason });
}
