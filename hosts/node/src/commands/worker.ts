/**
 * The command worker: each tick expires commands older than 86400 s (docs/protocol.md section
 * 10.1), fails commands whose prerequisite failed, then delivers every due command once and records
 * the response. It never sleeps: the server calls tick() on a timer, tests call it after moving
 * their clock.
 *
 * Several server processes may tick at once: a command is claimed with FOR UPDATE SKIP LOCKED and
 * its next attempt moved CLAIM_LEASE_SEC ahead before the attempt, so only one process sends it.
 * Config commands of one home base go out in seq order (a device_revoke must not overtake the
 * device_add of the same device), and a command with a prerequisite (rotate_key after
 * device_rotate_key) waits until that one is acknowledged.
 */
import type { Knex } from "knex";
import type { AppDeps } from "../deps.ts";
import { CONFIG_COMMANDS, COMMAND_MAX_AGE_SEC, isConfigCommand, OPEN_STATES } from "./catalogue.ts";
import { judgeAnswer, nextAttemptAt, sendCommand, type FetchFunction } from "./delivery.ts";
import { loadCommandNetwork, type CommandNetwork } from "./network.ts";
import { afterFinalState } from "./side-effects.ts";
import { skipCommandSeqs } from "./counter.ts";
import { enqueueCommand, updateCommand, type CommandRow } from "./store.ts";

/** How long a claimed command is hidden from other ticks; longer than a delivery can take. */
export const CLAIM_LEASE_SEC = 60;
/** Commands claimed per round; a tick runs rounds until nothing is due. */
export const CLAIM_BATCH = 20;
/** Home base responses after which a config command is sent again under a new seq (section 6.3). */
const REISSUE_CODES: readonly string[] = ["REPLAY_BELOW_FLOOR", "REPLAY_TOO_OLD"];
/** docs/protocol.md section 10.3: a persisted floor is at most this far above the highest accepted seq. */
const FLOOR_STEP = 64;

export interface TickSummary {
  attempts: number;
  expired: number;
  failed: number;
}

export interface CommandWorker {
  tick(): Promise<TickSummary>;
}

export interface CommandWorkerOptions {
  /** The HTTP client; the global fetch by default. */
  fetch?: FetchFunction;
}

const OPEN = OPEN_STATES.map((state) => `'${state}'`).join(", ");
const CONFIG = CONFIG_COMMANDS.map((cmd) => `'${cmd}'`).join(", ");

export function createCommandWorker(deps: AppDeps, options: CommandWorkerOptions = {}): CommandWorker {
  const fetchFunction = options.fetch ?? fetch;

  /** Marks every open command whose frame is 86400 s old or older as expired. */
  async function expireOld(): Promise<number> {
    const limit = new Date(deps.clock.nowMs() - COMMAND_MAX_AGE_SEC * 1000);
    return deps.db.transaction(async (trx) => {
      const rows = (await trx.raw(`select * from commands where state in (${OPEN}) and frame_timestamp <= ? for update skip locked`, [limit])).rows as CommandRow[];
      for (const row of rows) {
        const expired = await updateCommand(deps, trx, row, { state: "expired" });
        await afterFinalState(deps, trx, expired);
        deps.log.warn("command expired", { commandId: row.id, networkId: row.network_id, deviceId: row.device_id, seq: row.seq, cmd: row.cmd, attempts: row.attempts });
      }
      return rows.length;
    });
  }

  /** Fails queued commands whose prerequisite can no longer be acknowledged. */
  async function failOrphans(): Promise<number> {
    return deps.db.transaction(async (trx) => {
      const rows = (await trx.raw(
        `select c.* from commands c join commands d on d.id = c.depends_on
         where c.state in (${OPEN}) and d.state in ('failed', 'expired') for update of c skip locked`,
      )).rows as CommandRow[];
      for (const row of rows) {
        const failed = await updateCommand(deps, trx, row, { state: "failed", reason: "prerequisite_failed", last_error: "the command it waited for failed or expired" });
        await afterFinalState(deps, trx, failed);
      }
      return rows.length;
    });
  }

  /** Claims up to CLAIM_BATCH due commands and hides them from other ticks for CLAIM_LEASE_SEC. */
  async function claimDue(): Promise<CommandRow[]> {
    const now = new Date(deps.clock.nowMs());
    return deps.db.transaction(async (trx) => {
      const rows = (await trx.raw(
        `select c.* from commands c
         where c.state in (${OPEN}) and c.next_attempt_at <= ?
           and (c.depends_on is null or exists (select 1 from commands d where d.id = c.depends_on and d.state = 'acknowledged'))
           and (c.cmd not in (${CONFIG}) or not exists (
             select 1 from commands e
             where e.network_id = c.network_id and e.device_id = c.device_id and e.seq < c.seq and e.state in (${OPEN})))
         order by c.next_attempt_at, c.seq
         limit ?
         for update of c skip locked`,
        [now, CLAIM_BATCH],
      )).rows as CommandRow[];
      if (rows.length === 0) return [];

      const lease = new Date(now.getTime() + CLAIM_LEASE_SEC * 1000);
      await trx("commands").whereIn("id", rows.map((row) => row.id)).update({ next_attempt_at: lease });
      return rows;
    });
  }

  /** Records one attempt's response, unless a result made the command final meanwhile. */
  async function recordAttempt(network: CommandNetwork, claimed: CommandRow): Promise<boolean> {
    const answer = await sendCommand(deps, network, claimed, fetchFunction);
    const configCommand = isConfigCommand(claimed.cmd);
    const log = deps.log.child({ commandId: claimed.id, networkId: claimed.network_id, deviceId: claimed.device_id, seq: claimed.seq, cmd: claimed.cmd });

    return deps.db.transaction(async (trx: Knex.Transaction) => {
      const row = (await trx("commands").where("id", claimed.id).forUpdate().first()) as CommandRow | undefined;
      if (!row) return false;
      const attempts = row.attempts + 1;
      if (!OPEN_STATES.includes(row.state)) {
        await trx("commands").where("id", row.id).update({ attempts });
        return false;
      }

      const verdict = judgeAnswer(row, answer, configCommand);
      if (verdict.kind === "retry") {
        await updateCommand(deps, trx, row, { state: verdict.state, attempts, last_error: verdict.lastError, next_attempt_at: nextAttemptAt(deps, attempts) });
        if (verdict.lastError) log.warn("command delivery failed", { attempts, error: verdict.lastError });
        else log.info("command delivered", { attempts, state: verdict.state });
        return false;
      }

      const final = await updateCommand(deps, trx, row, { state: verdict.state, result: verdict.result, reason: verdict.reason, last_error: verdict.lastError, attempts });
      await afterFinalState(deps, trx, final);
      log.info("command finished", { attempts, state: final.state, result: final.result, reason: final.reason });

      if (configCommand && final.state === "failed" && REISSUE_CODES.includes(final.reason ?? "")) {
        if (final.reason === "REPLAY_BELOW_FLOOR") await skipCommandSeqs(trx, row.network_id, row.device_id, FLOOR_STEP);
        const copy = await enqueueCommand(deps, trx, { networkId: row.network_id, networkKeyIndex: network.keyIndex, deviceId: row.device_id, cmd: row.cmd, args: row.args });
        // The copy waits one retry delay, so a home base that keeps refusing is not asked in a tight loop.
        await trx("commands").where("id", copy.id).update({ next_attempt_at: nextAttemptAt(deps, 1) });
        log.warn("config command sent again under a new seq", { newCommandId: copy.id, newSeq: copy.seq, reason: final.reason });
      }
      return final.state === "failed";
    });
  }

  return {
    async tick() {
      const summary: TickSummary = { attempts: 0, expired: await expireOld(), failed: await failOrphans() };
      const networks = new Map<string, CommandNetwork>();

      for (;;) {
        const claimed = await claimDue();
        if (claimed.length === 0) break;
        for (const row of claimed) {
          let network = networks.get(row.network_id);
          if (!network) {
            network = await loadCommandNetwork(deps.db, row.network_id);
            networks.set(row.network_id, network);
          }
          summary.attempts += 1;
          if (await recordAttempt(network, row)) summary.failed += 1;
        }
      }
      return summary;
    },
  };
}
