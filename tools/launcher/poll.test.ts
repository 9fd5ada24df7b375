import { setTimeout as sleep } from "node:timers/promises";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { pollUntil } from "./poll.ts";

const messages = { exited: "the watched process exited", timedOut: (last: string) => `timed out (last: ${last})` };

test("poll keeps the outcome before the deadline", async () => {
  let attempts = 0;

  const error = await pollUntil({ timeoutMs: 200, intervalMs: 10 }, messages, async (deadline) => {
    attempts++;
    if (attempts === 1) return "status 503";
    await sleep(deadline - Date.now() + 20);
    return "TimeoutError";
  }).catch((caught: unknown) => caught);

  assert.is(attempts, 2);
  assert.is((error as Error).message, "timed out (last: status 503)");
});

test("poll names a late first outcome", async () => {
  const error = await pollUntil({ timeoutMs: 50, intervalMs: 10 }, messages, async (deadline) => {
    await sleep(deadline - Date.now() + 20);
    return "TimeoutError";
  }).catch((caught: unknown) => caught);

  assert.is((error as Error).message, "timed out (last: TimeoutError)");
});

test("poll stops when the process exits", async () => {
  let attempts = 0;

  const error = await pollUntil({ timeoutMs: 4000, intervalMs: 10, isRunning: () => attempts < 3 }, messages, async () => {
    attempts++;
    return "status 503";
  }).catch((caught: unknown) => caught);

  assert.is(attempts, 3);
  assert.is((error as Error).message, "the watched process exited");
});

test("poll resolves on success", async () => {
  let attempts = 0;

  await pollUntil({ timeoutMs: 4000, intervalMs: 10 }, messages, async () => ++attempts === 2 || "not yet");

  assert.is(attempts, 2);
});

test.run();
