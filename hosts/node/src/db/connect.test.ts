import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openTestDatabase } from "../testing/db.ts";
import { databaseBackend, openDatabase } from "./connect.ts";

test("pglite keeps its data under dataDir", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "homemesh-connect-"));
  try {
    const first = openDatabase({ dataDir });
    assert.is(databaseBackend(first).kind, "pglite");
    await first.raw("create table kept (value int8)");
    await first.raw("insert into kept values (9007199254740993)");
    await first.destroy();

    const second = openDatabase({ dataDir });
    const rows = (await second.raw("select value from kept")).rows;
    await second.destroy();
    assert.equal(rows, [{ value: "9007199254740993" }]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a database URL selects postgres", () => {
  const db = openDatabase({ databaseUrl: "postgres://postgres@127.0.0.1:5432/test", dataDir: "unused" });
  const backend = databaseBackend(db);
  assert.is(backend.kind, "postgres");
  assert.is(backend.kind === "postgres" && backend.connection.connectionString, "postgres://postgres@127.0.0.1:5432/test");
  return db.destroy();
});

// Regression: knex-pglite 0.14 returned its raw result object for delete() and increment().
test("delete, update and increment return row counts", async () => {
  const { db, close } = await openTestDatabase();
  try {
    await db("request_nonces").insert([
      { key_id: "k", nonce: "0".repeat(32), expires_at: new Date() },
      { key_id: "k", nonce: "1".repeat(32), expires_at: new Date() },
    ]);
    assert.is(await db("request_nonces").where("key_id", "k").update({ expires_at: new Date() }), 2);
    assert.is(await db("ingest_batches").where("batch_seq", 1).increment("entry_count", 1), 0);
    assert.is(await db("request_nonces").where("key_id", "k").delete(), 2);
    assert.is(await db("request_nonces").where("key_id", "k").delete(), 0);
  } finally {
    await close();
  }
});

test.run();
