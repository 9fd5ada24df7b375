import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createMemoryLogger } from "./logger.ts";
import { parseServerConfig } from "./server/config.ts";
import { startServer } from "./server.ts";
import { assertRejects } from "./testing/assert.ts";

test("server start without a seed names the script", async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), "homemesh-server-"));
  try {
    const config = parseServerConfig({ DATA_DIR: dataDir, PORT: "0" });
    await assertRejects(startServer(config, { log: createMemoryLogger() }), /master seed file .* not found; run the key generation script/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
