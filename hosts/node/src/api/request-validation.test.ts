import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, request as httpRequest } from "node:http";
import Koa from "koa";
import Router from "@koa/router";
import { createMemoryLogger } from "../logger.ts";
import { problemMiddleware } from "../errors.ts";
import { createTestUser, listenInTestRange, loginAs, startTestApp, type TestApp } from "../testing/app.ts";
import { createApiSpec } from "./spec.ts";
import { installRequestValidation } from "./request-validation.ts";

let app: TestApp;
let token: string;

test.before(async () => {
  app = await startTestApp();
  token = await loginAs(app, await createTestUser(app));
});

test.after(async () => {
  await app.close();
});

test("GET /networks rejects an undocumented query parameter", async () => {
  const response = await app.request("GET", "/networks?colour=red", { token });
  assert.is(response.status, 400);
  assert.is(response.body.code, "VALIDATION_FAILED");
  assert.is(response.body.field, "colour");
  assert.match(response.body.detail, /known parameters: limit, cursor/);
});

test("GET /networks rejects a repeated parameter", async () => {
  const response = await app.request("GET", "/networks?limit=2&limit=3", { token });
  assert.is(response.status, 400);
  assert.is(response.body.field, "limit");
});

test("GET /networks checks the session before the query", async () => {
  const response = await app.request("GET", "/networks?colour=red");
  assert.is(response.status, 401);
  assert.is(response.body.code, "AUTH_REQUIRED");
});

test("POST /auth/session rejects any query parameter", async () => {
  const response = await app.request("POST", "/auth/session?next=/", { body: { username: "a", password: "b", totp: "123456" } });
  assert.is(response.status, 400);
  assert.is(response.body.field, "next");
  assert.match(response.body.detail, /takes no query parameters/);
});

test("POST /networks names a nested field from the schema", async () => {
  const response = await app.request("POST", "/networks", { token, body: { name: "n", home_base: { host: "h", port: 1, tls: true } } });
  assert.is(response.status, 400);
  assert.is(response.body.field, "home_base.tls");
});

test("device path with an invalid id is DEVICE_NOT_FOUND", async () => {
  const network = await app.request("POST", "/networks", { token, body: { name: "paths", home_base: { host: "h", port: 1 } } });
  const response = await app.request("GET", `/networks/${network.body.id}/devices/${"d".repeat(16)}`, { token });
  assert.is(response.status, 404);
  assert.is(response.body.code, "DEVICE_NOT_FOUND");
});

test("TRACE is a problem: 405 on a known path, 404 elsewhere", async () => {
  // fetch refuses TRACE, so node:http sends it.
  const trace = (path: string) =>
    new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      const sent = httpRequest(app.baseUrl + path, { method: "TRACE" }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, type: response.headers["content-type"], body }));
      });
      sent.on("error", reject);
      sent.end();
    });

  const known = await trace("/networks");
  assert.is(known.status, 405);
  assert.match(String(known.type), /^application\/problem\+json/);
  assert.is(JSON.parse(known.body).code, "METHOD_NOT_ALLOWED");

  const unknown = await trace("/nowhere");
  assert.is(unknown.status, 404);
  assert.match(String(unknown.type), /^application\/problem\+json/);
  assert.is(JSON.parse(unknown.body).code, "NOT_FOUND");
});

test("installRequestValidation rejects an undocumented route", () => {
  const spec = createApiSpec("openapi: 3.1.0\ninfo: { title: t, version: '1' }\npaths: {}\n");
  const router = new Router();
  router.get("/secret", (ctx) => {
    ctx.body = {};
  });
  assert.throws(() => installRequestValidation(spec, [router]), /route GET \/secret is not documented/);
});

test("handler that skips body.ts gets a 500", async () => {
  const spec = createApiSpec(`
openapi: 3.1.0
info: { title: t, version: "1" }
paths:
  /things:
    post:
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses:
        "204": { description: done }
`);
  const router = new Router();
  router.post("/things", (ctx) => {
    ctx.status = 204;
  });
  installRequestValidation(spec, [router]);
  const koa = new Koa();
  koa.use(problemMiddleware(createMemoryLogger()));
  koa.use(router.routes());
  const http = createServer(koa.callback());
  const port = await listenInTestRange(http);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/things`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.is(response.status, 500);
  } finally {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test.run();
