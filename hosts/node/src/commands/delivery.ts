/**
 * One delivery attempt of a command to its network's home base (docs/protocol.md section 9.1):
 * POST /api/v1/command with body {"frame": "<hex>"}, signed as in section 2 with the network key
 * under key id `<network id>`, with a fresh timestamp and nonce on every attempt. The frame is the
 * stored one, so every retry carries identical frame bytes.
 */
import type { AppDeps } from "../deps.ts";
import { signRequest } from "../ingest/signature.ts";
import { deriveNetworkKey } from "../keys/derive.ts";
import type { CommandNetwork } from "./network.ts";
import type { AckResult, CommandRow } from "./store.ts";

export const COMMAND_DELIVERY_PATH = "/api/v1/command";
/** A home base that has not responded within this time counts as unreachable for this attempt. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type FetchFunction = typeof fetch;

export type DeliveryAnswer =
  | { reached: false; error: string }
  | { reached: true; status: number; body: unknown };

/** Returns the URL of the home base's command endpoint, with brackets around an IPv6 literal. */
export function deliveryUrl(network: Pick<CommandNetwork, "host" | "port">): string {
  const host = network.host.includes(":") ? `[${network.host}]` : network.host;
  return `http://${host}:${network.port}${COMMAND_DELIVERY_PATH}`;
}

/** Sends the command once. A connection failure or timeout is returned as `reached: false`, not thrown. */
export async function sendCommand(deps: AppDeps, network: CommandNetwork, row: CommandRow, fetchFunction: FetchFunction): Promise<DeliveryAnswer> {
  const body = JSON.stringify({ frame: row.frame });
  const headers = signRequest({
    method: "POST",
    path: COMMAND_DELIVERY_PATH,
    keyId: network.id,
    privateKeySeed: deriveNetworkKey(deps.masterSeed, network.keyIndex).privateKey,
    body,
    clock: deps.clock,
    core: deps.core,
  });

  try {
    const response = await fetchFunction(deliveryUrl(network), {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { reached: true, status: response.status, body: parsed };
  } catch (error) {
    return { reached: false, error: (error as Error).message };
  }
}

/** The effect of an attempt's response on the command. */
export type DeliveryVerdict =
  /** Keep the command open and try again after the backoff. */
  | { kind: "retry"; state: "queued" | "delivered"; lastError: string | null }
  /** A final result. */
  | { kind: "final"; state: "acknowledged" | "failed"; result: AckResult | null; reason: string | null; lastError: string | null };

const RESULT_WORDS: readonly string[] = ["ok", "error", "unsupported"];

function problemCode(body: unknown): string {
  const code = (body as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "";
}

/**
 * Maps the home base's response to the command's next state (docs/server.md, "Delivery and
 * command states"):
 * - 202 relayed or in_progress: delivered, retried until the result arrives;
 * - 200 done: final for a config command, whose result is the home base's own. A device command
 *   stays delivered, because only the device's signed acknowledgement through
 *   POST /commands/results finishes it;
 * - 400, 409 and other 4xx: failed, with the problem's code, except 409 FRAME_TIMESTAMP_SKEW;
 * - 401, 404 (the registry may not have the device yet), 409 FRAME_TIMESTAMP_SKEW (a frame dated
 *   ahead of the home base's clock becomes valid when the clocks agree), 503, other 5xx, and no
 *   response: retried.
 */
export function judgeAnswer(row: CommandRow, answer: DeliveryAnswer, configCommand: boolean): DeliveryVerdict {
  const open = row.state === "delivered" ? "delivered" : "queued";
  if (!answer.reached) return { kind: "retry", state: open, lastError: `home base unreachable: ${answer.error}` };

  const { status, body } = answer;
  const code = problemCode(body);
  if (status === 202) return { kind: "retry", state: "delivered", lastError: null };

  if (status === 200) {
    const done = body as { state?: unknown; result?: unknown; reason?: unknown } | null;
    const result = typeof done?.result === "string" && RESULT_WORDS.includes(done.result) ? (done.result as AckResult) : null;
    if (done?.state !== "done" || result === null) return { kind: "retry", state: open, lastError: "home base responded 200 without a done result" };
    if (!configCommand) return { kind: "retry", state: "delivered", lastError: null };
    const reason = typeof done.reason === "string" ? done.reason : null;
    return { kind: "final", state: result === "ok" ? "acknowledged" : "failed", result, reason, lastError: null };
  }

  const described = `home base responded ${status}${code ? ` ${code}` : ""}`;
  const retried = status === 401 || status === 404 || status >= 500 || (status === 409 && code === "FRAME_TIMESTAMP_SKEW");
  if (retried) return { kind: "retry", state: open, lastError: described };
  return { kind: "final", state: "failed", result: null, reason: code || null, lastError: described };
}

/** Seconds before the next attempt after `attempts` attempts: 5, 10, 20, ... up to 900. */
export function retryDelaySec(attempts: number): number {
  return Math.min(5 * 2 ** Math.max(0, attempts - 1), 900);
}

/** Returns the time of the next attempt after `attempts` attempts, from the injected clock. */
export function nextAttemptAt(deps: Pick<AppDeps, "clock">, attempts: number): Date {
  return new Date(deps.clock.nowMs() + retryDelaySec(attempts) * 1000);
}
