import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DeviceSeq } from "./seq-store.ts";

function freshDir(): string {
  return mkdtempSync(join(tmpdir(), "device-sim-seq-"));
}

function storedEnd(path: string): number {
  return (JSON.parse(readFileSync(path, "utf8")) as { reserved_end: number }).reserved_end;
}

test("first seq is 1 and its block is stored before use", () => {
  const dir = freshDir();
  const seq = new DeviceSeq(dir, "porch-cam", 10);

  assert.is(seq.next(), 1);
  assert.is(storedEnd(seq.path), 10);
  rmSync(dir, { recursive: true });
});

test("seqs increase by one across a block boundary", () => {
  const dir = freshDir();
  const seq = new DeviceSeq(dir, "porch-cam", 3);
  const seen = Array.from({ length: 7 }, () => seq.next());

  assert.equal(seen, [1, 2, 3, 4, 5, 6, 7]);
  assert.is(storedEnd(seq.path), 9);
  rmSync(dir, { recursive: true });
});

test("restart continues after the stored block end", () => {
  const dir = freshDir();
  const first = new DeviceSeq(dir, "porch-cam", 100);
  first.next();
  first.next();

  const restarted = new DeviceSeq(dir, "porch-cam", 100);

  assert.is(restarted.next(), 101);
  assert.is(storedEnd(restarted.path), 200);
  rmSync(dir, { recursive: true });
});

test("devices keep separate state files", () => {
  const dir = freshDir();
  const cam = new DeviceSeq(dir, "porch-cam", 5);
  const hall = new DeviceSeq(dir, "hall-motion", 5);
  cam.next();
  cam.next();

  assert.is(hall.next(), 1);
  assert.is.not(cam.path, hall.path);
  rmSync(dir, { recursive: true });
});

test("seq store rejects a corrupt state file", () => {
  const dir = freshDir();
  writeFileSync(join(dir, "porch-cam.seq.json"), "{not json");

  assert.throws(() => new DeviceSeq(dir, "porch-cam"), /is not valid JSON/);
  rmSync(dir, { recursive: true });
});

test("seq store rejects a negative stored end", () => {
  const dir = freshDir();
  writeFileSync(join(dir, "porch-cam.seq.json"), '{"reserved_end":-4}');

  assert.throws(() => new DeviceSeq(dir, "porch-cam"), /invalid reserved_end -4/);
  rmSync(dir, { recursive: true });
});

test("seq store stops at the u32 limit", () => {
  const dir = freshDir();
  writeFileSync(join(dir, "porch-cam.seq.json"), '{"reserved_end":4294967294}');
  const seq = new DeviceSeq(dir, "porch-cam", 100);

  assert.is(seq.next(), 4294967295);
  assert.throws(() => seq.next(), /seq space exhausted/);
  rmSync(dir, { recursive: true });
});

test("skip past the block reserves a block before the seq is used", () => {
  const dir = freshDir();
  const seq = new DeviceSeq(dir, "porch-cam", 10);

  assert.is(seq.next(), 1);
  seq.skip(64);
  assert.is(seq.next(), 66);
  assert.is(storedEnd(seq.path), 75);
  assert.is(new DeviceSeq(dir, "porch-cam", 10).next(), 76, "a restart continues after the stored end");
  rmSync(dir, { recursive: true });
});

test("seq store rejects a device id that could escape the folder", () => {
  assert.throws(() => new DeviceSeq(freshDir(), "../etc"), /invalid device id/);
});

test.run();
