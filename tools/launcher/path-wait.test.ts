import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { waitForPath } from "./path-wait.ts";

function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "path-wait-"));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test("wait resolves once the path appears", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "radio-link");
    setTimeout(() => writeFileSync(path, ""), 60);

    await waitForPath(path, { timeoutMs: 3000, intervalMs: 10 });
  }));

test("wait ignores a symbolic link whose target is missing", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "radio-link");
    symlinkSync(join(dir, "missing"), path);

    const error = await waitForPath(path, { timeoutMs: 200, intervalMs: 10 }).catch((caught: unknown) => caught);

    assert.instance(error, Error);
    assert.match((error as Error).message, `waiting for ${path} to appear`);
  }));

test("wait fails once the creating process has exited", () =>
  withTempDir(async (dir) => {
    const path = join(dir, "radio-link");

    const error = await waitForPath(path, { timeoutMs: 3000, intervalMs: 10, isRunning: () => false }).catch((caught: unknown) => caught);

    assert.instance(error, Error);
    assert.match((error as Error).message, `the process that should create ${path} exited before it did`);
  }));

test("wait stops when the signal aborts", async () => {
  const controller = new AbortController();
  controller.abort(new Error("stopping"));

  const error = await waitForPath("/nonexistent/radio-link", { timeoutMs: 3000, signal: controller.signal }).catch((caught: unknown) => caught);

  assert.instance(error, Error);
  assert.is((error as Error).message, "stopping");
});

test.run();
