import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:http";
import Koa from "koa";
import type { Knex } from "knex";
import { installRequestValidation } from "../api/request-validation.ts";
import { loadApiSpec } from "../api/spec.ts";
import { problemMiddleware } from "../errors.ts";
import { createMemoryLogger } from "../logger.ts";
import { listenInTestRange } from "../testing/app.ts";
import { createSpecResponseRecorder } from "../testing/spec-responses.ts";
import { createHealthRouter } from "./routes.ts";

test("GET /healthz is 503 when the database fails", async () => {
  const log = createMemoryLogger();
  const failingDb = { raw: () => Promise.reject(new Error("connection refused")) } as unknown as Knex;
  const router = createHealthRouter({ db: failingDb, log });
  installRequestValidation(loadApiSpec(), [router]);
  const koa = new Koa();
  koa.use(problemMiddleware(log));
  koa.use(router.routes());
  const recorder = createSpecResponseRecorder();
  const http = createServer(recorder.wrap(koa.callback()));
  const port = await listenInTestRange(http);

  try {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.is(response.status, 503);
    assert.equal(await response.json(), { status: "unavailable" });
    recorder.assertAllMatched();
    assert.ok(log.lines.some((line) => line.includes("health check failed")), "the failure is logged");
  } finally {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
});

test.run();
