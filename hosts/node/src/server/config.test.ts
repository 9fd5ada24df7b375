import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseServerConfig } from "./config.ts";

test("defaults apply to an empty environment", () => {
  assert.equal(parseServerConfig({}), {
    port: 8080,
    host: "127.0.0.1",
    dataDir: "./data",
    databaseUrl: undefined,
    trustedProxies: [],
    logLevel: "info",
    wsAuthTimeoutMs: 5000,
    wsSessionCheckMs: 30_000,
  });
});

test("every variable is read", () => {
  const config = parseServerConfig({
    PORT: "9000",
    HOST: "0.0.0.0",
    DATA_DIR: "/srv/homemesh",
    DATABASE_URL: "postgres://db/homemesh",
    TRUSTED_PROXIES: " 10.0.0.1, 10.0.0.2 ,",
    LOG_LEVEL: "debug",
    WS_AUTH_TIMEOUT_MS: "2000",
    WS_SESSION_CHECK_MS: "1000",
  });
  assert.equal(config, {
    port: 9000,
    host: "0.0.0.0",
    dataDir: "/srv/homemesh",
    databaseUrl: "postgres://db/homemesh",
    trustedProxies: ["10.0.0.1", "10.0.0.2"],
    logLevel: "debug",
    wsAuthTimeoutMs: 2000,
    wsSessionCheckMs: 1000,
  });
});

test("bad values name the variable", () => {
  assert.throws(() => parseServerConfig({ PORT: "65536" }), /PORT is "65536"; expected an integer from 0 to 65535/);
  assert.throws(() => parseServerConfig({ PORT: "80a" }), /PORT is "80a"/);
  assert.throws(() => parseServerConfig({ LOG_LEVEL: "verbose" }), /LOG_LEVEL is "verbose"; expected one of debug, info, warn, error/);
  assert.throws(() => parseServerConfig({ DATABASE_URL: "mysql://db" }), /DATABASE_URL must start with postgres:\/\//);
  assert.throws(() => parseServerConfig({ WS_AUTH_TIMEOUT_MS: "5" }), /WS_AUTH_TIMEOUT_MS is "5"; expected an integer from 100 to 600000/);
  assert.throws(() => parseServerConfig({ WS_SESSION_CHECK_MS: "300001" }), /WS_SESSION_CHECK_MS is "300001"; expected an integer from 100 to 300000/);
});

test.run();
