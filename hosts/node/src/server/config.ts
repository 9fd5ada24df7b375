/**
 * The server's settings, read from the environment:
 *   PORT               TCP port, 0 to 65535 (0 picks a free one); default 8080
 *   HOST               address to listen on; default 127.0.0.1 (use 0.0.0.0 in a container)
 *   DATA_DIR           data folder: master seed, embedded database; default ./data
 *   DATABASE_URL       postgres:// URL; unset selects the embedded PGlite database in DATA_DIR
 *   TRUSTED_PROXIES    comma-separated proxy addresses whose X-Forwarded-For is trusted
 *   LOG_LEVEL          debug, info, warn or error; default info
 *   WS_AUTH_TIMEOUT_MS time a WebSocket client has to authenticate; default 5000
 *   WS_SESSION_CHECK_MS how often open WebSocket clients' sessions are rechecked; default 30000
 */
import type { LogLevel } from "../logger.ts";

export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  trustedProxies: string[];
  logLevel: LogLevel;
  wsAuthTimeoutMs: number;
  wsSessionCheckMs: number;
}

/** A setting with a value the server cannot use; the message names the variable and the value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

function integerSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} is ${JSON.stringify(raw)}; expected an integer from ${min} to ${max}`);
  }
  return Number(raw);
}

/** Reads the settings; throws ConfigError for an unusable value. */
export function parseServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const logLevel = (env.LOG_LEVEL || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL is ${JSON.stringify(env.LOG_LEVEL)}; expected one of ${LOG_LEVELS.join(", ")}`);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("DATABASE_URL must start with postgres:// or postgresql://");
  }

  return {
    port: integerSetting(env, "PORT", 8080, 0, 65535),
    host: env.HOST || "127.0.0.1",
    dataDir: env.DATA_DIR || "./data",
    databaseUrl,
    trustedProxies: (env.TRUSTED_PROXIES ?? "").split(",").map((address) => address.trim()).filter((address) => address.length > 0),
    logLevel,
    wsAuthTimeoutMs: integerSetting(env, "WS_AUTH_TIMEOUT_MS", 5000, 100, 600_000),
    wsSessionCheckMs: integerSetting(env, "WS_SESSION_CHECK_MS", 30_000, 100, 300_000),
  };
}
