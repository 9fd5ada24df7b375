import { test } from "uvu";
import * as assert from "uvu/assert";
import { randomUUID } from "node:crypto";
import { ManualClock } from "../clock.ts";
import type { EventBus, MeshEvent } from "../deps.ts";
import { createMemoryLogger } from "../logger.ts";
import { openTestDatabase, type TestDatabase } from "../testing/db.ts";
import { createEventBus } from "./bus.ts";

let database: TestDatabase;
let bus: EventBus;
const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
let networkId: string;

// One database per file keeps the run short (a fresh PGlite database takes about two seconds to
// migrate); each test publishes under a network id of its own.
test.before(async () => {
  database = await openTestDatabase();
  bus = await createEventBus({ db: database.db, clock, log: createMemoryLogger() });
});

test.before.each(() => {
  networkId = randomUUID();
});

test.after(async () => {
  await bus.close();
  await database.close();
});

/** Resolves with the first `count` events a new subscriber receives; fails after 3 s. */
function nextEvents(target: EventBus, count: number): Promise<MeshEvent[]> {
  return new Promise((resolve, reject) => {
    const received: MeshEvent[] = [];
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`received ${received.length} of ${count} events within 3000 ms`));
    }, 3000);
    const unsubscribe = target.subscribe((event) => {
      received.push(event);
      if (received.length < count) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(received);
    });
  });
}

test("event published in a committed transaction reaches a subscriber", async () => {
  const received = nextEvents(bus, 1);
  await database.db.transaction((trx) => bus.publish(trx, "motion_event", networkId, { device_id: "porch-cam", seq: 4 }));

  const [event] = await received;
  assert.is(event?.type, "motion_event");
  assert.is(event?.network_id, networkId);
  assert.is(event?.time, "2026-01-01T12:00:00.000Z");
  assert.equal(event?.data, { device_id: "porch-cam", seq: 4 });
  assert.match(String(event?.id), /^[0-9]+$/);
});

test("event of a rolled back transaction is not delivered", async () => {
  const received = nextEvents(bus, 1);
  await database.db
    .transaction(async (trx) => {
      await bus.publish(trx, "log_entry", networkId, { message: "rolled back" });
      throw new Error("roll back on purpose");
    })
    .catch((error: Error) => assert.is(error.message, "roll back on purpose"));
  await database.db.transaction((trx) => bus.publish(trx, "log_entry", networkId, { message: "committed" }));

  const [event] = await received;
  assert.equal(event?.data, { message: "committed" });
  const rows = await database.db("events").where({ network_id: networkId }).select("data");
  assert.is(rows.length, 1);
});

test("events arrive in publish order with increasing ids", async () => {
  const received = nextEvents(bus, 3);
  for (const seq of [1, 2, 3]) await bus.publish(database.db, "device_status", networkId, { seq });

  const events = await received;
  assert.equal(events.map((event) => event.data.seq), [1, 2, 3]);
  assert.ok(BigInt(events[0]!.id) < BigInt(events[1]!.id));
  assert.ok(BigInt(events[1]!.id) < BigInt(events[2]!.id));
});

// Regression: the delivery query selected id::text as id and sorted by that text, so a batch of
// events with ids 99 and 100 reached subscribers as 100, 99.
test("batch across a digit boundary arrives in id order", async () => {
  const current = (await database.db.raw("select last_value::text as value from events_id_seq")).rows[0].value as string;
  const start = 10 ** (String(current).length + 1) - 5;
  await database.db.raw("select setval('events_id_seq', ?)", [start]);
  const received = nextEvents(bus, 10);
  await bus.publishMany(database.db, Array.from({ length: 10 }, (_, n) => ({ type: "log_entry" as const, networkId, data: { n } })));

  const events = await received;
  assert.equal(events.map((event) => event.data.n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(events.map((event) => Number(event.id)), Array.from({ length: 10 }, (_, n) => start + 1 + n));
});

test("unsubscribed listener receives nothing", async () => {
  let calls = 0;
  const unsubscribe = bus.subscribe(() => {
    calls += 1;
  });
  unsubscribe();
  const received = nextEvents(bus, 1);
  await bus.publish(database.db, "device_status", networkId, { online: true });
  await received;
  assert.is(calls, 0);
});

test("second bus on the same database receives the events", async () => {
  const second = await createEventBus({ db: database.db, clock, log: createMemoryLogger() });
  try {
    const received = nextEvents(second, 1);
    await bus.publish(database.db, "device_status", networkId, { online: false });
    const [event] = await received;
    assert.equal(event?.data, { online: false });
  } finally {
    await second.close();
  }
});

/** Resolves with the first `count` session ids a new session-ended subscriber of `target` receives; fails after 3 s. */
function nextSessionIds(target: EventBus, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const received: string[] = [];
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`received ${received.length} of ${count} session ids within 3000 ms`));
    }, 3000);
    const unsubscribe = target.subscribeSessionEnded((sessionId) => {
      received.push(sessionId);
      if (received.length < count) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(received);
    });
  });
}

test("session end reaches a second bus after commit only", async () => {
  const second = await createEventBus({ db: database.db, clock, log: createMemoryLogger() });
  try {
    const received = nextSessionIds(second, 1);
    const rolledBack = randomUUID();
    const committed = randomUUID();
    await database.db
      .transaction(async (trx) => {
        await bus.publishSessionEnded(trx, rolledBack);
        throw new Error("roll back on purpose");
      })
      .catch((error: Error) => assert.is(error.message, "roll back on purpose"));
    await database.db.transaction((trx) => bus.publishSessionEnded(trx, committed));

    assert.equal(await received, [committed]);
  } finally {
    await second.close();
  }
});

test("session end does not reach event subscribers", async () => {
  let events = 0;
  const unsubscribe = bus.subscribe(() => {
    events += 1;
  });
  try {
    const sessionId = randomUUID();
    const received = nextSessionIds(bus, 1);
    await bus.publishSessionEnded(database.db, sessionId.toUpperCase());
    assert.equal(await received, [sessionId], "delivered in lower case");
    assert.is(events, 0);
  } finally {
    unsubscribe();
  }
});

test.run();
