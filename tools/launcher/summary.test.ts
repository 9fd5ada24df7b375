import { test } from "uvu";
import * as assert from "uvu/assert";
import { readSettings } from "./settings.ts";
import { summaryLines } from "./summary.ts";

const paths = { credentials: "/srv/data/admin-credentials.json", devices: "/srv/data/demo/devices.json" };

test("summary names the URLs, the credentials file and oathtool", () => {
  const settings = readSettings({ PORT: "18080", HOME_BASE_HTTP_PORT: "18081", HOME_BASE_UDP_PORT: "18082" }, "/srv");
  const text = summaryLines(settings, paths, false).join("\n");

  assert.match(text, "http://127.0.0.1:18080");
  assert.match(text, "http://127.0.0.1:18081/api/v1/status");
  assert.match(text, "UDP 127.0.0.1:18082");
  assert.match(text, "/srv/data/admin-credentials.json");
  assert.match(text, "oathtool --totp -b SECRET");
  assert.match(text, "embedded PGlite in /srv/data");
});

test("summary says where the home base's dashboard token is", () => {
  const settings = readSettings({ HOME_BASE_HTTP_PORT: "18081" }, "/srv");
  const line = summaryLines(settings, paths, false).find((text) => text.includes("home base token"));

  assert.ok(line, "no home base token line");
  assert.match(line, "/srv/data/dashboard-token.json");
  assert.match(line, "Authorization: Bearer");
});

test("summary hides the database password", () => {
  const settings = readSettings({ DATABASE_URL: "postgres://homemesh:dbpass@127.0.0.1/homemesh" }, "/srv");
  const text = summaryLines(settings, paths, true).join("\n");

  assert.not.match(text, "dbpass");
  assert.match(text, "PostgreSQL from DATABASE_URL");
});

test("settings default to the make run ports", () => {
  const settings = readSettings({}, "/srv");

  assert.equal(settings, { serverPort: 8080, homeBaseHttpPort: 8081, homeBaseUdpPort: 8082, dataDir: "/srv/data", databaseUrl: undefined, batchIntervalSec: 60 });
});

const badSettings: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
  ["a port above 65535", { PORT: "70000" }, /PORT="70000" must be a port from 1 to 65535/],
  ["a port that is not a number", { HOME_BASE_UDP_PORT: "udp" }, /HOME_BASE_UDP_PORT="udp" must be a port/],
  ["a zero batch interval", { BATCH_INTERVAL_SEC: "0" }, /BATCH_INTERVAL_SEC="0" must be a whole number of seconds, at least 1/],
  ["two HTTP servers on one port", { PORT: "18080", HOME_BASE_HTTP_PORT: "18080" }, /PORT and HOME_BASE_HTTP_PORT are both 18080/],
];

for (const [name, env, message] of badSettings) {
  test(`settings reject ${name}`, () => {
    assert.throws(() => readSettings(env, "/srv"), message);
  });
}

test.run();
