import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
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

test.run();
