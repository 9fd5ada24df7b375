import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createMasterSeed, masterSeedPath, readMasterSeed } from "./master-seed.ts";

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), "homemesh-seed-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("createMasterSeed writes 64 hex characters with mode 0600", () => {
  withTempDir((dir) => {
    const seed = createMasterSeed(dir);
    assert.is(seed.length, 32);
    assert.is(readFileSync(masterSeedPath(dir), "utf8"), seed.toString("hex") + "\n");
    assert.is(statSync(masterSeedPath(dir)).mode & 0o777, 0o600);
  });
});

test("readMasterSeed returns the written seed", () => {
  withTempDir((dir) => {
    const seed = createMasterSeed(dir);
    assert.equal(readMasterSeed(dir), seed);
  });
});

test("createMasterSeed rejects an existing file", () => {
  withTempDir((dir) => {
    const seed = createMasterSeed(dir);
    assert.throws(() => createMasterSeed(dir), /already exists; pass --force/);
    assert.equal(readMasterSeed(dir), seed);
  });
});

test("createMasterSeed overwrites when asked", () => {
  withTempDir((dir) => {
    const first = createMasterSeed(dir);
    const second = createMasterSeed(dir, true);
    assert.is.not(first.toString("hex"), second.toString("hex"));
    assert.equal(readMasterSeed(dir), second);
  });
});

test("readMasterSeed names the script when missing", () => {
  withTempDir((dir) => {
    assert.throws(() => readMasterSeed(dir), /not found; run the key generation script/);
  });
});

test("readMasterSeed rejects malformed content", () => {
  withTempDir((dir) => {
    for (const content of ["", "abc\n", "G".repeat(64), "A".repeat(64), "a".repeat(66)]) {
      writeFileSync(masterSeedPath(dir), content);
      assert.throws(() => readMasterSeed(dir), /must contain 64 lowercase hex characters/, `content ${JSON.stringify(content)}`);
    }
  });
});

test.run();
