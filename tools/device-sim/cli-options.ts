/**
 * Command-line options of the device simulator, parsed and checked before anything starts.
 */
import { randomInt } from "node:crypto";
import { parseArgs } from "node:util";

export interface CliOptions {
  configPath: string;
  stateDir: string;
  seed: number;
  heartbeatSec: number;
  motionMeanSec: number;
  logEverySec: number;
  cameraMedia: boolean;
}

export const USAGE = `usage: node --import tsx tools/device-sim/main.ts --config devices.json --state-dir DIR [options]

  --config PATH           devices file (docs/provisioning.md), required
  --state-dir DIR         where each device stores its reserved seq block, required
  --seed N                seed of every random choice, 0 to 4294967295 (default: random, printed at start)
  --heartbeat-sec S       seconds between heartbeats of one device (default 10)
  --motion-mean-sec S     mean seconds between motion frames of one camera or motion sensor (default 20)
  --log-every-sec S       mean seconds between log lines of one device (default 5)
  --camera-media          cameras send a small PNG still (a manifest and chunk frames) after each motion frame
  --help                  print this text`;

function positiveSeconds(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} ${JSON.stringify(text)} must be a positive number of seconds`);
  return value;
}

function seedOption(text: string | undefined): number {
  if (text === undefined) return randomInt(0, 2 ** 32);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 0xffffffff) throw new Error(`--seed ${JSON.stringify(text)} must be an integer from 0 to 4294967295`);
  return value;
}

/** Parses argv (without node and the script). Returns null when --help was given; throws on bad input. */
export function parseCliOptions(argv: string[]): CliOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      "state-dir": { type: "string" },
      seed: { type: "string" },
      "heartbeat-sec": { type: "string" },
      "motion-mean-sec": { type: "string" },
      "log-every-sec": { type: "string" },
      "camera-media": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return null;

  if (!values.config) throw new Error("missing --config: the devices file to read");
  if (!values["state-dir"]) throw new Error("missing --state-dir: the folder for seq state files");
  return {
    configPath: values.config,
    stateDir: values["state-dir"],
    seed: seedOption(values.seed),
    heartbeatSec: positiveSeconds("heartbeat-sec", values["heartbeat-sec"], 10),
    motionMeanSec: positiveSeconds("motion-mean-sec", values["motion-mean-sec"], 20),
    logEverySec: positiveSeconds("log-every-sec", values["log-every-sec"], 5),
    cameraMedia: values["camera-media"] === true,
  };
}
