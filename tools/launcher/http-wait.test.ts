import { createServer } from "node:http";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitForHttpOk } from "./http-wait.ts";
import { listenOnTestPort } from "./testdata/test-port.ts";

test("wait resolves once the endpoint returns 200", async () => {
  let calls = 0;
  const server = createServer((_request, response) => {
    calls += 1;
    response.writeHead(calls < 3 ? 503 : 200).end();
  });
  const port = await listenOnTestPort(server);

  await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 4000, intervalMs: 20 });
  server.close();

  assert.is(calls, 3);
});

test("wait times out naming the URL and last status", async () => {
  const server = createServer((_request, response) => response.writeHead(503).end());
  const port = await listenOnTestPort(server);

  const error = await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 1000, intervalMs: 20 }).catch((caught: unknown) => caught);
  server.close();

  assert.instance(error, Error);
  assert.match((error as Error).message, `waiting for GET http://127.0.0.1:${port}/healthz to return 200 (last: status 503)`);
});

test("wait reports a refused connection", async () => {
  const server = createServer();
  const port = await listenOnTestPort(server);
  server.close();

  const error = await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 1000, intervalMs: 20 }).catch((caught: unknown) => caught);

  assert.match((error as Error).message, "(last: ECONNREFUSED)");
});

test("wait ends early when its signal aborts", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("server exited unexpectedly")), 100);
  const started = Date.now();

  const error = await waitForHttpOk("http://127.0.0.1:1/healthz", { timeoutMs: 4000, intervalMs: 20, signal: controller.signal }).catch((caught: unknown) => caught);

  assert.match((error as Error).message, "server exited unexpectedly");
  assert.ok(Date.now() - started < 2000);
});

test("wait rejects a 200 once its process is not running", async () => {
  let calls = 0;
  const server = createServer((_request, response) => {
    calls += 1;
    response.writeHead(200).end();
  });
  const port = await listenOnTestPort(server);

  const error = await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2000, intervalMs: 20, isRunning: () => false }).catch((caught: unknown) => caught);
  server.close();

  assert.instance(error, Error);
  assert.match((error as Error).message, `the process that should serve GET http://127.0.0.1:${port}/healthz exited before it returned 200`);
  assert.is(calls, 0);
});

test("wait rejects a 200 that arrives after its process exited", async () => {
  let running = true;
  const server = createServer((_request, response) => {
    // Another program on the port responds while the started process exits.
    running = false;
    response.writeHead(200).end();
  });
  const port = await listenOnTestPort(server);

  const error = await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2000, intervalMs: 20, isRunning: () => running }).catch((caught: unknown) => caught);
  server.close();

  assert.instance(error, Error);
  assert.match((error as Error).message, "exited before it returned 200");
});

test("wait accepts a 200 while its process runs", async () => {
  const server = createServer((_request, response) => response.writeHead(200).end());
  const port = await listenOnTestPort(server);

  const result = await waitForHttpOk(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2000, intervalMs: 20, isRunning: () => true }).then(() => "ready", (caught: unknown) => caught);
  server.close();

  assert.is(result, "ready");
});

test.run();
