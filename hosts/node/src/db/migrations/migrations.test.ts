import { test } from "uvu";
import * as assert from "uvu/assert";
import { databaseBackend } from "../connect.ts";
import { uniqueViolation } from "../errors.ts";
import { migrateLatest, migrateRollbackAll } from "./index.ts";
import { assertRejects } from "../../testing/assert.ts";
import { openTestDatabase } from "../../testing/db.ts";

const TABLES = [
  "command_counters",
  "commands",
  "device_logs",
  "devices",
  "events",
  "firmware",
  "ingest_batches",
  "login_throttle",
  "motion_events",
  "motion_media_pending",
  "networks",
  "recovery_codes",
  "request_nonces",
  "sessions",
  "users",
];

test("migrations create every table", async () => {
  const { db, close } = await openTestDatabase();
  try {
    for (const table of TABLES) assert.ok(await db.schema.hasTable(table), `table ${table} is missing`);
  } finally {
    await close();
  }
});

test("migrateLatest is idempotent", async () => {
  const { db, close } = await openTestDatabase();
  try {
    assert.equal(await migrateLatest(db), []);
  } finally {
    await close();
  }
});

test("rollback removes every table", async () => {
  const { db, close } = await openTestDatabase();
  try {
    await migrateRollbackAll(db);
    for (const table of TABLES) assert.not.ok(await db.schema.hasTable(table), `table ${table} is still there`);
  } finally {
    await close();
  }
});

test("bigint and count come back as strings", async () => {
  const { db, close } = await openTestDatabase();
  try {
    const row = (await db.raw("select nextval('events_id_seq') as id, count(*) as n, 7::int4 as small from users")).rows[0];
    assert.is(row.id, "1");
    assert.is(row.n, "0");
    assert.is(row.small, 7);
  } finally {
    await close();
  }
});

test("network key indexes start at 1", async () => {
  const { db, close } = await openTestDatabase();
  try {
    const row = (await db.raw("select nextval('network_key_index_seq') as n")).rows[0];
    assert.is(row.n, "1");
  } finally {
    await close();
  }
});

test("a network holds at most one home base", async () => {
  const { db, close } = await openTestDatabase();
  try {
    const networkId = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";
    const now = new Date();
    await db("networks").insert({ id: networkId, name: "home", public_key: "a".repeat(64), home_base_host: "127.0.0.1", home_base_port: 8081, created_at: now });
    const device = (deviceId: string, keyIndex: number) => ({ network_id: networkId, device_id: deviceId, type: "home_base", key_index: keyIndex, public_key: "b".repeat(64), created_at: now });
    await db("devices").insert(device("hb1", 1));
    const error = await assertRejects(db("devices").insert(device("hb2", 2)), /devices_one_home_base_idx/);
    assert.is(uniqueViolation(error), "devices_one_home_base_idx");
  } finally {
    await close();
  }
});

test("the back end is reachable for LISTEN", async () => {
  const { db, kind, close } = await openTestDatabase();
  try {
    assert.is(databaseBackend(db).kind, kind);
  } finally {
    await close();
  }
});

test.run();
