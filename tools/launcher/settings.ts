/**
 * The launcher's settings, read from environment variables with the defaults of `make run`.
 */
import { resolve } from "node:path";

export interface LauncherSettings {
  /** The central server's HTTP port. */
  serverPort: number;
  homeBaseHttpPort: number;
  /** The UDP port of the simulated air, where radio-sim hears the device simulator's frames. */
  homeBaseUdpPort: number;
  /** Absolute path of the data folder; the children get it absolute so their working folder does not matter. */
  dataDir: string;
  /** PostgreSQL URL; when unset the central server uses the embedded PGlite in the data folder. */
  databaseUrl: string | undefined;
  batchIntervalSec: number;
}

function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) throw new Error(`${name}=${JSON.stringify(text)} must be a port from 1 to 65535`);
  return value;
}

function secondsSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) throw new Error(`${name}=${JSON.stringify(text)} must be a whole number of seconds, at least 1`);
  return value;
}

/** Reads the settings; throws an Error naming the variable for a value it cannot use. */
export function readSettings(env: NodeJS.ProcessEnv, cwd: string): LauncherSettings {
  const settings: LauncherSettings = {
    serverPort: portSetting(env, "PORT", 8080),
    homeBaseHttpPort: portSetting(env, "HOME_BASE_HTTP_PORT", 8081),
    homeBaseUdpPort: portSetting(env, "HOME_BASE_UDP_PORT", 8082),
    dataDir: resolve(cwd, env.DATA_DIR || "./data"),
    databaseUrl: env.DATABASE_URL || undefined,
    batchIntervalSec: secondsSetting(env, "BATCH_INTERVAL_SEC", 60),
  };

  // The UDP port may share its number with a TCP port, but the two HTTP servers cannot share one.
  if (settings.serverPort === settings.homeBaseHttpPort) {
    throw new Error(`PORT and HOME_BASE_HTTP_PORT are both ${settings.serverPort}; choose two different ports`);
  }
  return settings;
}
