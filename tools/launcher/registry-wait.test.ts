import { createServer, type IncomingMessage } from "node:http";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitForRegistry } from "./registry-wait.ts";
import { listenOnTestPort } from "./testdata/test-port.ts";

const TOKEN = "t".repeat(43);

/** Starts a stand-in home base whose registry gains one device per GET /api/v1/devices, up to `deviceIds`. */
async function growingRegistry(deviceIds: string[]) {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    if (request.headers.authorization !== `Bearer ${TOKEN}`) {
      response.writeHead(401, { "content-type": "application/problem+json" }).end(JSON.stringify({ status: 401, code: "AUTH_FAILED" }));
      return;
    }
    const listed = deviceIds.slice(0, requests.length - 1).map((id) => ({ device_id: id, online: false }));
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items: listed }));
  });
  const port = await listenOnTestPort(server);
  return { server, requests, url: `http://127.0.0.1:${port}` };
}

test("registry wait resolves once every device is listed", async () => {
  const home = await growingRegistry(["porch-cam", "hall-motion"]);

  await waitForRegistry({ homeBaseUrl: home.url, dashboardToken: TOKEN, deviceIds: ["porch-cam", "hall-motion"], timeoutMs: 4000, intervalMs: 20 });
  home.server.close();

  assert.is(home.requests.length, 3);
  assert.is(home.requests[0]!.url, "/api/v1/devices");
  assert.is(home.requests[0]!.method, "GET");
});

test("registry wait times out naming the missing devices", async () => {
  const home = await growingRegistry(["porch-cam"]);

  const error = await waitForRegistry({ homeBaseUrl: home.url, dashboardToken: TOKEN, deviceIds: ["porch-cam", "garage-switch"], timeoutMs: 1000, intervalMs: 20 }).catch((caught: unknown) => caught);
  home.server.close();

  assert.instance(error, Error);
  assert.match((error as Error).message, "(last: missing garage-switch)");
  assert.match((error as Error).message, "empty DATA_DIR to start over");
});

test("registry wait reports a rejected token", async () => {
  const home = await growingRegistry(["porch-cam"]);

  const error = await waitForRegistry({ homeBaseUrl: home.url, dashboardToken: "wrong", deviceIds: ["porch-cam"], timeoutMs: 1000, intervalMs: 20 }).catch((caught: unknown) => caught);
  home.server.close();

  assert.match((error as Error).message, "(last: status 401)");
});

test("registry wait fails at once when the home base exits", async () => {
  const started = Date.now();

  const error = await waitForRegistry({ homeBaseUrl: "http://127.0.0.1:1", dashboardToken: TOKEN, deviceIds: ["porch-cam"], timeoutMs: 4000, intervalMs: 20, isRunning: () => false }).catch((caught: unknown) => caught);

  assert.match((error as Error).message, "the home base exited");
  assert.ok(Date.now() - started < 1000);
});

test.run();
