/**
 * Waits until the home base's registry lists the demo devices, so that the device simulator starts
 * only when the home base accepts its frames. The launcher sends no command itself: the central
 * server is the only issuer of config commands. Registering a device queues a signed `device_add`
 * for the home base, and the server's command worker delivers it. While the home base is still
 * starting, the worker retries after 5, 10, 20, 40 ... seconds (hosts/node/src/commands/delivery.ts).
 *
 * The home base keeps its registry on its card, so later starts find the devices at once. A home
 * base whose card folder was emptied gets no device_add again, because the server queues one only
 * when a device is registered; the wait then times out and names the missing devices.
 */
import { setTimeout as sleep } from "node:timers/promises";

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

/** Returns the ids that GET /api/v1/devices lists, or a message explaining why none could be read. */
async function listedDeviceIds(options: RegistryWaitOptions, deadline: number): Promise<Set<string> | string> {
  try {
    const response = await fetch(`${options.homeBaseUrl}/api/v1/devices`, {
      headers: { authorization: `Bearer ${options.dashboardToken}` },
      signal: AbortSignal.timeout(Math.max(1, Math.min(2000, deadline - Date.now()))),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return `status ${response.status}`;
    }
    const body = (await response.json()) as { items?: Array<{ device_id?: unknown }> };
    return new Set((body.items ?? []).map((item) => String(item.device_id)));
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  }
}

function assertRunning(options: RegistryWaitOptions): void {
  if (options.isRunning && !options.isRunning()) throw new Error("the home base exited while the launcher waited for its registry");
}

/**
 * Resolves when every id of `deviceIds` is in the home base's registry. Throws when the timeout
 * passes (naming the missing devices, or the last status or error), when `signal` aborts, or when
 * `isRunning` returns false.
 */
export async function waitForRegistry(options: RegistryWaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 500;
  let last = "no attempt";

  while (Date.now() < deadline) {
    options.signal?.throwIfAborted();
    assertRunning(options);
    const listed = await listedDeviceIds(options, deadline);
    if (typeof listed === "string") {
      // An attempt cut short by the overall deadline adds no information, so the earlier answer is kept.
      if (last === "no attempt" || Date.now() < deadline) last = listed;
    } else {
      const missing = options.deviceIds.filter((id) => !listed.has(id));
      if (missing.length === 0) return;
      last = `missing ${missing.join(", ")}`;
    }
    await sleep(intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }

  options.signal?.throwIfAborted();
  throw new Error(
    `timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for the central server's device_add commands to reach the home base (last: ${last}); ` +
      "the server queues them only when a device is registered, so if the home base's card folder was emptied, empty DATA_DIR to start over",
  );
}
