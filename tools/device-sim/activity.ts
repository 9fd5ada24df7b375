/**
 * Payloads of a simulated device (heartbeat health, log lines and motion), picked by the seeded
 * generator so a run can be replayed. Messages follow the device type, so the dashboard shows a
 * plausible home (a camera records, a switch toggles, a battery sensor drains).
 */
import type { SeededRandom } from "./random.ts";

export type LogLevel = "debug" | "info" | "warning" | "error" | "critical";

export interface LogPayload {
  level: LogLevel;
  category: string;
  message: string;
  [key: string]: unknown;
}

/** Device types that run from mains power and so report no battery level. */
const MAINS_TYPES = new Set(["camera", "switch", "home_base"]);

/** Types that send motion frames (protocol section 1.2, type 0x02). */
export const MOTION_TYPES = new Set(["camera", "motion"]);

const LOW_BATTERY_PERCENT = 20;

/** The changing state of one simulated device, from which its payloads are made. */
export class DeviceActivity {
  readonly deviceId: string;
  readonly type: string;
  readonly #random: SeededRandom;
  readonly #startedMs: number;
  #batteryPercent: number | undefined;
  #doorOpen = false;
  #relayOn = false;
  #temperatureC: number;

  constructor(deviceId: string, type: string, random: SeededRandom, startedMs: number) {
    this.deviceId = deviceId;
    this.type = type;
    this.#random = random;
    this.#startedMs = startedMs;
    this.#batteryPercent = MAINS_TYPES.has(type) ? undefined : random.int(60, 100);
    this.#temperatureC = 18 + random.next() * 6;
  }

  heartbeat(nowMs: number): Record<string, number> {
    const uptime = Math.max(0, Math.floor((nowMs - this.#startedMs) / 1000));
    if (this.#batteryPercent === undefined) return { uptime };

    // A battery drains about one percent every 25 heartbeats; it stops at 1 so the demo never dies.
    if (this.#random.next() < 0.04) this.#batteryPercent = Math.max(1, this.#batteryPercent - 1);
    return { battery: this.#batteryPercent, uptime };
  }

  motion(): { zone: string; confidence: number } {
    const confidence = Math.round((0.5 + this.#random.next() * 0.5) * 100) / 100;
    return { zone: this.#zone(), confidence };
  }

  log(): LogPayload {
    const choices: Array<() => LogPayload> = [() => this.#temperatureLine(), () => this.#systemLine()];
    if (this.#batteryPercent !== undefined) choices.push(() => this.#batteryLine());
    if (this.type === "camera") choices.push(() => this.#cameraLine());
    if (this.type === "switch") choices.push(() => this.#relayLine());
    if (this.type === "motion" || this.type === "switch") choices.push(() => this.#doorLine(), () => this.#doorLine());
    return this.#random.pick(choices)();
  }

  #zone(): string {
    const base = this.deviceId.split(/[-_]/)[0] ?? this.deviceId;
    return base.slice(0, 32) || "zone";
  }

  #doorLine(): LogPayload {
    this.#doorOpen = !this.#doorOpen;
    return { level: "info", category: "door", message: `${this.#zone()} door ${this.#doorOpen ? "opened" : "closed"}` };
  }

  #batteryLine(): LogPayload {
    const percent = this.#batteryPercent ?? 0;
    const level: LogLevel = percent < LOW_BATTERY_PERCENT ? "warning" : "info";
    return { level, category: "battery", message: `battery level ${percent}%` };
  }

  #temperatureLine(): LogPayload {
    this.#temperatureC += (this.#random.next() - 0.5) * 0.6;
    return { level: "debug", category: "sensor", message: `temperature ${this.#temperatureC.toFixed(1)} C` };
  }

  #cameraLine(): LogPayload {
    return this.#random.pick<LogPayload>([
      { level: "info", category: "camera", message: "recording started" },
      { level: "info", category: "camera", message: "recording stopped" },
      { level: "info", category: "camera", message: "night mode on" },
      { level: "warning", category: "camera", message: "stream bitrate reduced" },
    ]);
  }

  #relayLine(): LogPayload {
    this.#relayOn = !this.#relayOn;
    return { level: "info", category: "relay", message: `relay ${this.#relayOn ? "on" : "off"}` };
  }

  #systemLine(): LogPayload {
    return this.#random.pick<LogPayload>([
      { level: "debug", category: "system", message: "radio link quality good" },
      { level: "info", category: "system", message: "settings unchanged" },
      { level: "warning", category: "system", message: "radio retry after missed ack" },
    ]);
  }
}
