import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomUUID } from "node:crypto";
import { ManualClock } from "../clock.ts";
import type { EventBus } from "../deps.ts";
import { createMemoryLogger } from "../logger.ts";
import { openTestDatabase, type TestDatabase } from "../testing/db.ts";
import { createEventBus } from "./bus.ts";
import { eventsAfter, pruneEvents, prunedThrough } from "./retention.ts";

let database: TestDatabase;
let bus: EventBus;
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));

test.before(async () => {
  database = await openTestDatabase();
  bus = await createEventBus({ db: database.db, clock, log: createMemoryLogger() });
});

test.after(async () => {
  await bus.close();
  await database.close();
});

async function ids(): Promise<string[]> {
  return (await database.db("events").orderByRaw("events.id").select(database.db.raw("id::text as id"))).map((row) => row.id);
}

test("prune keeps the newest rows and records the mark", async () => {
  const networkId = randomUUID();
  await bus.publishMany(database.db, Array.from({ length: 10 }, (_, index) => ({ type: "log_entry" as const, networkId, data: { index } })));
  const all = await ids();
  assert.is(await prunedThrough(database.db), "0");

  assert.is(await pruneEvents(database.db, clock.nowMs(), { maxAgeMs: 3600_000, maxRows: 4 }), 6);
  assert.equal(await ids(), all.slice(6));
  assert.is(await prunedThrough(database.db), all[5]);
  assert.is(await pruneEvents(database.db, clock.nowMs(), { maxAgeMs: 3600_000, maxRows: 4 }), 0);
  assert.is(await prunedThrough(database.db), all[5], "a prune that deletes nothing keeps the mark");
});

test("prune deletes events past the age limit", async () => {
  const networkId = randomUUID();
  await bus.publish(database.db, "device_status", networkId, { step: "old" });
  clock.advanceMs(3600_000 + 1);
  await bus.publish(database.db, "device_status", networkId, { step: "new" });

  await pruneEvents(database.db, clock.nowMs(), { maxAgeMs: 3600_000, maxRows: 1000 });
  const left = await database.db("events").where({ network_id: networkId }).select("data");
  assert.equal(left.map((row) => row.data.step), ["new"]);
});

test("eventsAfter filters and orders by id", async () => {
  const [a, b] = [randomUUID(), randomUUID()];
  await bus.publishMany(database.db, [
    { type: "log_entry", networkId: a, data: { n: 1 } },
    { type: "motion_event", networkId: b, data: { n: 2 } },
    { type: "motion_event", networkId: a, data: { n: 3 } },
    { type: "device_status", networkId: a, data: { n: 4 } },
  ]);
  const first = (await database.db("events").where({ network_id: a }).min({ id: "id" }).first())!.id;
  const after = String(BigInt(first) - 1n);

  const ofA = await eventsAfter(database.db, after, { networks: new Set([a]), types: null }, 10);
  assert.equal(ofA.map((event) => event.data.n), [1, 3, 4]);
  const motions = await eventsAfter(database.db, after, { networks: null, types: new Set(["motion_event"]) }, 10);
  assert.equal(motions.map((event) => event.data.n), [2, 3]);
  const limited = await eventsAfter(database.db, after, { networks: null, types: null }, 2);
  assert.equal(limited.map((event) => event.data.n), [1, 2]);
});

test.run();
