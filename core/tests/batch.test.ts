import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { FRAME_TYPE } from "../vectors/encode.ts";
import { STATUS, freshCore, fromHex, readVectors, setDevice, writeFrame } from "./helpers.ts";
import { T0, accept, garden, makeFrame, registerDevices } from "./accept_helpers.ts";
import { TYPE, beaconPayload, chunkFrame, chunkPayload, signedFrame } from "./v1_helpers.ts";

const KEY_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase";
const INTERVAL_SEC = 60;

function configure(core: CoreHandle, keyId: string = KEY_ID, intervalSec = INTERVAL_SEC, nextSeq = 17): number {
  const bytes = Buffer.from(keyId, "utf8");
  core.write(core.exports.buffer_key_id(), bytes.subarray(0, 64), 64);
  return core.exports.batch_configure(bytes.length, intervalSec, nextSeq);
}

async function batchCore(): Promise<CoreHandle> {
  const core = await freshCore();
  registerDevices(core);
  if (configure(core) !== STATUS.OK) throw new Error("batch_configure failed");
  return core;
}

/** Seals at `now` and parses the JSON, asserting the length the core returned. */
function seal(core: CoreHandle, now: number): any {
  const len = core.exports.batch_seal(now);
  assert.ok(len > 0, `batch_seal returned ${len}`);
  return JSON.parse(core.read(core.exports.buffer_batch(), len).toString("utf8"));
}

/** Accepts `frame` and adds it to the batch, returning batch_add_frame's status. */
function acceptAndAdd(core: CoreHandle, frame: Buffer, rssi: number, now: number): number {
  assert.is(accept(core, frame, now), STATUS.OK);
  return core.exports.batch_add_frame(frame.length, rssi, now);
}

test("empty batch is valid JSON with no entries", async () => {
  const core = await batchCore();
  assert.equal(seal(core, T0 + 60), {
    key_id: KEY_ID,
    batch_seq: 17,
    interval_sec: INTERVAL_SEC,
    sealed_at: T0 + 60,
    entries: [],
  });
});

test("log and motion frames become entries with the whole frame in hex", async () => {
  const core = await batchCore();
  const log = makeFrame(1);
  const motion = makeFrame(2, { type: FRAME_TYPE.motion, payload: '{"zone":"porch"}' });
  assert.is(acceptAndAdd(core, log, -48, T0 + 1), STATUS.OK);
  assert.is(acceptAndAdd(core, motion, -128, T0 + 2), STATUS.OK);
  assert.is(core.exports.batch_entry_count(), 2);

  const batch = seal(core, T0 + 10);
  assert.equal(batch.entries, [
    { kind: "log", device_id: "porch", received_at: T0 + 1, rssi: -48, frame: log.toString("hex") },
    { kind: "motion", device_id: "porch", received_at: T0 + 2, rssi: -128, frame: motion.toString("hex") },
  ]);
});

test("a heartbeat adds nothing", async () => {
  const core = await batchCore();
  const heartbeat = makeFrame(1, { type: FRAME_TYPE.heartbeat, payload: '{"battery":91}' });
  assert.is(acceptAndAdd(core, heartbeat, -40, T0), STATUS.OK);
  assert.is(core.exports.batch_entry_count(), 0);
  assert.equal(seal(core, T0).entries, []);
});

test("device_status entries name the slot's device", async () => {
  const core = await batchCore();
  assert.is(core.exports.batch_add_status(1, 1, T0 + 3), STATUS.OK);
  assert.is(core.exports.batch_add_status(0, 0, T0 + 4), STATUS.OK);

  assert.equal(seal(core, T0 + 5).entries, [
    { kind: "device_status", device_id: "garden", timestamp: T0 + 3, online: true },
    { kind: "device_status", device_id: "porch", timestamp: T0 + 4, online: false },
  ]);
});

test("batch_add_status rejects an empty or out-of-range slot and a bad online flag", async () => {
  const core = await batchCore();
  assert.is(core.exports.batch_add_status(5, 1, T0), STATUS.DEVICE_BAD_SLOT);
  assert.is(core.exports.batch_add_status(32, 1, T0), STATUS.DEVICE_BAD_SLOT);
  assert.is(core.exports.batch_add_status(0, 2, T0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_entry_count(), 0);
});

test("batch_add_frame rejects a bad rssi, a bad frame and a command", async () => {
  const core = await batchCore();
  const frame = makeFrame(1);
  writeFrame(core, frame);
  assert.is(core.exports.batch_add_frame(frame.length, 128, T0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_add_frame(frame.length, -129, T0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_add_frame(frame.length - 1, -50, T0), STATUS.BATCH_BAD_ARGUMENT);

  const command = makeFrame(2, { type: FRAME_TYPE.command, payload: '{"id":2,"cmd":"reboot"}' });
  writeFrame(core, command);
  assert.is(core.exports.batch_add_frame(command.length, -50, T0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_entry_count(), 0);
});

test("batch_add_frame takes no acknowledgement, beacon, manifest or chunk", async () => {
  const core = await batchCore();
  const sha = Buffer.alloc(32).toString("base64");
  const frames = [
    signedFrame(TYPE.ack, '{"id":1,"result":"ok"}'),
    signedFrame(TYPE.beacon, beaconPayload(1, 0, 1)),
    signedFrame(TYPE.manifest, `{"size":1,"sha256":"${sha}","media":"a"}`),
    chunkFrame(chunkPayload(1, 0, 1, Buffer.alloc(1))),
  ];
  for (const frame of frames) {
    writeFrame(core, frame);
    assert.is(core.exports.frame_decode(frame.length), STATUS.OK, `type ${frame[1]} decodes`);
    assert.is(core.exports.batch_add_frame(frame.length, -50, T0), STATUS.BATCH_BAD_ARGUMENT, `type ${frame[1]}`);
  }
  assert.is(core.exports.batch_entry_count(), 0);
});

test("batch_configure rejects a bad key id or interval", async () => {
  const core = await freshCore();
  assert.is(configure(core, "6F1C2D0A-8A55-4C3E-9D1B-2F7F0C4B9E11/homebase"), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(configure(core, "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11"), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(configure(core, '6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/a"b'), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(configure(core, KEY_ID, 0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_configure(65, INTERVAL_SEC, 0), STATUS.BATCH_BAD_ARGUMENT);
});

test("batch functions need batch_configure first", async () => {
  const core = await freshCore();
  registerDevices(core);
  assert.is(core.exports.batch_seal(T0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_add_status(0, 1, T0), STATUS.BATCH_BAD_ARGUMENT);
  assert.is(core.exports.batch_due(T0), 0);
});

test("sealed seq starts at the configured seq and increments", async () => {
  const core = await batchCore();
  assert.is(core.exports.batch_next_seq(), 17);
  assert.is(seal(core, T0).batch_seq, 17);
  assert.is(core.exports.batch_sealed_seq(), 17);
  assert.is(core.exports.batch_next_seq(), 18);
  assert.is(seal(core, T0 + 60).batch_seq, 18);
  assert.is(core.exports.batch_sealed_seq(), 18);
  assert.is(core.exports.batch_next_seq(), 19);
});

test("batch seq wraps after the u32 maximum", async () => {
  const core = await freshCore();
  assert.is(configure(core, KEY_ID, INTERVAL_SEC, 0xffffffff), STATUS.OK);
  assert.is(seal(core, T0).batch_seq, 0xffffffff);
  assert.is(core.exports.batch_next_seq(), 0);
});

test("sealing starts an empty batch", async () => {
  const core = await batchCore();
  assert.is(core.exports.batch_add_status(0, 1, T0), STATUS.OK);
  assert.is(seal(core, T0).entries.length, 1);
  assert.is(core.exports.batch_entry_count(), 0);
  assert.equal(seal(core, T0 + 60).entries, []);
});

test("a sealed batch stays readable while the next one fills", async () => {
  const core = await batchCore();
  assert.is(core.exports.batch_add_status(0, 1, T0), STATUS.OK);
  const len = core.exports.batch_seal(T0);
  const sealed = core.read(core.exports.buffer_batch(), len);

  assert.is(acceptAndAdd(core, makeFrame(1), -60, T0 + 1), STATUS.OK);
  assert.ok(core.read(core.exports.buffer_batch(), len).equals(sealed));
});

test("batch_due is 1 before the first seal and after each interval", async () => {
  const core = await batchCore();
  assert.is(core.exports.batch_due(T0), 1);
  seal(core, T0);
  assert.is(core.exports.batch_due(T0), 0);
  assert.is(core.exports.batch_due(T0 + 59), 0);
  assert.is(core.exports.batch_due(T0 + 60), 1);
});

test("batch_due is 1 when the clock went back past the last seal", async () => {
  const core = await batchCore();
  seal(core, T0);
  assert.is(core.exports.batch_due(T0 - 1), 1);
});

test("batch_due is 1 for urgent entries only", async () => {
  const core = await batchCore();
  seal(core, T0);

  assert.is(acceptAndAdd(core, makeFrame(1), -50, T0 + 1), STATUS.OK);
  assert.is(core.exports.batch_due(T0 + 1), 0);

  assert.is(acceptAndAdd(core, makeFrame(2, { type: FRAME_TYPE.motion, payload: '{"zone":"porch"}' }), -50, T0 + 2), STATUS.OK);
  assert.is(core.exports.batch_due(T0 + 2), 1);
  seal(core, T0 + 2);
  assert.is(core.exports.batch_due(T0 + 3), 0);

  assert.is(core.exports.batch_add_status(1, 0, T0 + 4), STATUS.OK);
  assert.is(core.exports.batch_due(T0 + 4), 1);
});

/** Fills the open batch with log entries until BATCH_FULL; returns how many fit. */
function fill(core: CoreHandle, frame: Buffer): number {
  writeFrame(core, frame);
  let count = 0;
  while (core.exports.batch_add_frame(frame.length, -70, T0) === STATUS.OK) {
    count++;
    if (count > 10_000) throw new Error("batch never reported BATCH_FULL");
  }
  return count;
}

test("batch_add_frame returns BATCH_FULL at capacity and keeps the batch intact", async () => {
  const core = await batchCore();
  seal(core, T0);
  const frame = makeFrame(1, { deviceId: "garden", signer: garden, payload: `{"level":"info","category":"c","message":"${"m".repeat(100)}"}` });
  const count = fill(core, frame);
  assert.ok(count > 50, `only ${count} entries fit`);
  assert.is(core.exports.batch_entry_count(), count);

  // Three quarters full is due even though the interval has not passed.
  assert.is(core.exports.batch_due(T0 + 1), 1);

  // Shorter device_status entries may still fill the last bytes, until they too are BATCH_FULL.
  let statusCount = 0;
  let status: number;
  while ((status = core.exports.batch_add_status(0, 1, T0)) === STATUS.OK) statusCount++;
  assert.is(status, STATUS.BATCH_FULL);
  assert.is(core.exports.batch_entry_count(), count + statusCount);

  const len = core.exports.batch_seal(T0 + 1);
  assert.ok(len <= 65536, `sealed length ${len}`);
  const batch = JSON.parse(core.read(core.exports.buffer_batch(), len).toString("utf8"));
  const logs = batch.entries.filter((entry: { kind: string }) => entry.kind === "log");
  assert.is(logs.length, count);
  assert.is(logs[count - 1].frame, frame.toString("hex"));
  assert.is(batch.entries.length, count + statusCount);

  // After sealing, the frame that did not fit goes into the new batch.
  writeFrame(core, frame);
  assert.is(core.exports.batch_add_frame(frame.length, -70, T0 + 1), STATUS.OK);
});

test("batch_due is 0 for a log batch below three quarters full", async () => {
  const core = await batchCore();
  seal(core, T0);
  const frame = makeFrame(1, { payload: `{"level":"info","category":"c","message":"${"m".repeat(100)}"}` });
  writeFrame(core, frame);
  for (let i = 0; i < 20; i++) assert.is(core.exports.batch_add_frame(frame.length, -70, T0), STATUS.OK);
  assert.is(core.exports.batch_due(T0 + 1), 0);
});

interface BatchVectors {
  source: string;
  key_id: string;
  interval_sec: number;
  next_seq: number;
  devices: Array<{ slot: number; device_id: string; public_key: string }>;
  steps: Array<
    | { op: "add_frame"; frame: string; rssi: number; now: number; status: string }
    | { op: "add_status"; slot: number; online: number; now: number; status: string }
    | { op: "seal"; now: number; batch: string; sealed_seq: number; next_seq: number }
  >;
}

test("batch vectors give each step's result byte for byte", async () => {
  const vectors = readVectors<BatchVectors>("batch.json");
  assert.ok(vectors.source.length > 0);
  const core = await freshCore();
  for (const device of vectors.devices) {
    assert.is(setDevice(core, device.slot, device.device_id, fromHex(device.public_key)), STATUS.OK, device.device_id);
  }
  assert.is(configure(core, vectors.key_id, vectors.interval_sec, vectors.next_seq), STATUS.OK);

  let seals = 0;
  for (const [index, step] of vectors.steps.entries()) {
    if (step.op === "add_frame") {
      const frame = fromHex(step.frame);
      writeFrame(core, frame);
      assert.is(core.statusName(core.exports.batch_add_frame(frame.length, step.rssi, step.now)), step.status, `step ${index}`);
    } else if (step.op === "add_status") {
      assert.is(core.statusName(core.exports.batch_add_status(step.slot, step.online, step.now)), step.status, `step ${index}`);
    } else {
      const len = core.exports.batch_seal(step.now);
      assert.is(core.read(core.exports.buffer_batch(), len).toString("utf8"), step.batch, `step ${index}: batch`);
      assert.is(core.exports.batch_sealed_seq(), step.sealed_seq, `step ${index}: sealed seq`);
      assert.is(core.exports.batch_next_seq(), step.next_seq, `step ${index}: next seq`);
      seals++;
    }
  }
  assert.is(seals, 3);
});

test.run();
