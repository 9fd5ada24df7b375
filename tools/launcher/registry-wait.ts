/**
 * Waits until the home base's registry lists the demo devices, so that the device simulator starts
 * only when the home base accepts its frames. The launcher sends no command itself: the central
 * server is the only issuer of config commands. Registering a device queues a signed `device_add`
 * for the home base, and the server's command worker delivers it. While the home base is still
 * starting, the worker retries after 5, 10, 20, 40 ... seconds (hosts/node/src/commands/delivery.ts).
 *
 * The home base keeps its registry on its card, so later starts find the devices at once. A home
 * base whose card folder was emptied gets no device_add again, because the server queues one only
 * when a device is registered. The wait then times out and names the missing devices.
 */
import { attemptTimeoutMs, describeFetchFailure, pollUntil, type AttemptOutcome } from "./poll.ts";

export interface RegistryWaitOptions {
  /** The home base's base URL, such as http://127.0.0.1:8081. */
  homeBaseUrl: string;
  /** The local dashboard token that GET /api/v1/devices needs. */
  dashboardToken: string;
  deviceIds: readonly string[];
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /** Whether the home base process still runs; the wait fails as soon as it returns false. */
  isRunning?: () => boolean;
}

/** Returns true when GET /api/v1/devices lists every id of `deviceIds`, or why it does not yet. */
async function registryComplete(options: RegistryWaitOptions, deadline: number): Promise<AttemptOutcome> {
  let body: { items?: Array<{ device_id?: unknown }> };
  try {
    const response = await fetch(`${options.homeBaseUrl}/api/v1/devices`, {
      headers: { authorization: `Bearer ${options.dashboardToken}` },
      signal: AbortSignal.timeout(attemptTimeoutMs(deadline, 2000)),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return `status ${response.status}`;
    }
    body = (await response.json()) as typeof body;
  } catch (error) {
    return describeFetchFailure(error);
  }

  const listed = new Set((body.items ?? []).map((item) => String(item.device_id)));
  const missing = options.deviceIds.filter((id) => !listed.has(id));
  return missing.length === 0 ? true : `missing ${missing.join(", ")}`;
}

/**
 * Resolves when every id of `deviceIds` is in the home base's registry. Throws when the timeout
 * passes (naming the missing devices, or the last status or error), when `signal` aborts, or when
 * `isRunning` returns false.
 */
export async function waitForRegistry(options: RegistryWaitOptions): Promise<void> {
  const messages = {
    exited: "the home base exited while the launcher waited for its registry",
    timedOut: (last: string) =>
      `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the central server's device_add commands to reach the home base (last: ${last}); ` +
      "the server queues them only when a device is registered, so if the home base's card folder was emptied, empty DATA_DIR to start over",
  };

  await pollUntil({ ...options, intervalMs: options.intervalMs ?? 500 }, messages, (deadline) => registryComplete(options, deadline));
}
