import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertRejects } from "./assert.ts";
import { openTestDatabase, testDatabaseKind } from "./db.ts";

/** Runs `body` with the given environment variables set, then restores the previous values. */
async function withEnv(values: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  try {
    await body();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

test("unreachable postgres fails with the reason", async () => {
  // Port 1 on loopback has no listener, so the connection is refused at once.
  await withEnv({ TEST_DATABASE: "postgres", TEST_DATABASE_URL: "postgres://postgres@127.0.0.1:1/test" }, async () => {
    await assertRejects(openTestDatabase(), /TEST_DATABASE=postgres but postgres:\/\/postgres@127\.0\.0\.1:1\/test failed \(.*ECONNREFUSED/);
  });
});

test("unknown TEST_DATABASE value is rejected", async () => {
  await withEnv({ TEST_DATABASE: "sqlite" }, async () => {
    assert.throws(() => testDatabaseKind(), /TEST_DATABASE is "sqlite"/);
  });
});

test("each call gives a separate database", async () => {
  const first = await openTestDatabase();
  const second = await openTestDatabase();
  try {
    await first.db("request_nonces").insert({ key_id: "k", nonce: "0".repeat(32), expires_at: new Date() });
    const [row] = await second.db("request_nonces").count({ n: "*" });
    assert.is(row?.n, "0");
  } finally {
    await first.close();
    await second.close();
  }
});

test.run();
