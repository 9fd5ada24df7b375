/**
 * One million random frames through the core's entry points must leave its linear memory at the
 * size it started with: the core allocates nothing per call (docs/core-abi.md). The frames are a
 * seeded mix of random bytes and mutated valid frames, some of which reach the Ed25519 verify.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { FRAME_TYPE } from "../vectors/encode.ts";
import { STATUS, freshCore, writeKey } from "./helpers.ts";
import { T0, garden, makeFrame, network, porch, registerDevices } from "./accept_helpers.ts";
import { Random, testSeed } from "./random.ts";

const FRAME_COUNT = 1_000_000;
const CHECK_EVERY = 10_000;
const POOL_SIZE = 256;
const MAX_INPUT_LEN = 300;
const FRAME_BUFFER_SIZE = 256;
const SIGNATURE_LEN = 64;
const COMMAND_REPEATED = 1;

type ExportFn = (...args: number[]) => number;

/** Valid signed frames to mutate: device frames of porch and garden, and commands to porch. */
function framePool(): Buffer[] {
  const pool: Buffer[] = [];
  const kinds = [
    { type: FRAME_TYPE.log, deviceId: "porch", signer: porch },
    { type: FRAME_TYPE.motion, deviceId: "garden", signer: garden, payload: '{"zone":"lawn","confidence":0.5}' },
    { type: FRAME_TYPE.heartbeat, deviceId: "porch", signer: porch, payload: '{"battery":80,"uptime":42}' },
    { type: FRAME_TYPE.command, deviceId: "porch", signer: network, payload: '{"id":7,"cmd":"reboot"}' },
  ];
  for (let i = 0; i < POOL_SIZE; i++) {
    pool.push(makeFrame(i + 1, kinds[i % kinds.length]!));
  }
  return pool;
}

/** Lists the entry points, weighted toward frame_accept, with frame_precheck and command_accept when exported. */
function entryPoints(core: CoreHandle): Array<[string, (len: number) => number]> {
  const byName = core.exports as unknown as Record<string, ExportFn | undefined>;
  const accept: [string, (len: number) => number] = ["frame_accept", (len) => core.exports.frame_accept(len, T0)];
  const points: Array<[string, (len: number) => number]> = [
    accept, accept, accept, accept,
    ["frame_decode", (len) => core.exports.frame_decode(len)],
    ["frame_verify", (len) => core.exports.frame_verify(len)],
    ["frame_signed_message", (len) => core.exports.frame_signed_message(len)],
  ];
  for (const name of ["frame_precheck", "command_accept"]) {
    const fn = byName[name];
    if (fn !== undefined) points.push([name, (len) => fn(len, T0)]);
  }
  return points;
}

/**
 * Writes the next input into `frame` (a view of the core's frame buffer) and returns its length.
 * 47 in 100 are random bytes, 47 valid frames with one to three flipped bytes anywhere, 4 valid
 * frames with a flipped signature byte (these reach the verify unless their seq is taken), and 2
 * unchanged valid frames.
 */
function nextInput(random: Random, pool: Buffer[], frame: Uint8Array): number {
  const kind = random.below(100);
  if (kind < 47) {
    const len = random.below(MAX_INPUT_LEN + 1);
    const written = Math.min(len, FRAME_BUFFER_SIZE);
    for (let i = 0; i < written; i += 4) {
      const word = random.next();
      frame[i] = word;
      frame[i + 1] = word >>> 8;
      frame[i + 2] = word >>> 16;
      frame[i + 3] = word >>> 24;
    }
    return len;
  }

  const source = random.pick(pool);
  frame.set(source);
  if (kind < 94) {
    const flips = 1 + random.below(3);
    for (let i = 0; i < flips; i++) frame[random.below(source.length)]! ^= 1 + random.below(255);
  } else if (kind < 98) {
    frame[source.length - SIGNATURE_LEN + random.below(SIGNATURE_LEN)]! ^= 1 + random.below(255);
  }
  return source.length;
}

/** Calls whose status comes after the Ed25519 verify: OK, COMMAND_REPEATED or SIGNATURE_INVALID of a verifying entry point. */
function countVerified(statuses: Map<string, number>): number {
  let count = 0;
  for (const name of ["frame_accept", "frame_verify", "command_accept"]) {
    for (const status of [STATUS.OK, COMMAND_REPEATED, STATUS.SIGNATURE_INVALID]) {
      count += statuses.get(`${name} ${status}`) ?? 0;
    }
  }
  return count;
}

test("a million random frames leave memory at its start size", async () => {
  const seed = testSeed();
  console.log(`  memory random seed ${seed} (replay with CORE_TEST_SEED=${seed})`);
  const random = new Random(seed);
  const core = await freshCore();
  registerDevices(core);
  writeKey(core, porch.publicKey);

  const memory = core.exports.memory;
  const startSize = memory.buffer.byteLength;
  const frame = new Uint8Array(memory.buffer, core.exports.buffer_frame(), FRAME_BUFFER_SIZE);
  const pool = framePool();
  const points = entryPoints(core);
  const statuses = new Map<string, number>();

  for (let i = 1; i <= FRAME_COUNT; i++) {
    const len = nextInput(random, pool, frame);
    const [name, run] = points[random.below(points.length)]!;
    const key = `${name} ${run(len)}`;
    statuses.set(key, (statuses.get(key) ?? 0) + 1);

    if (i % CHECK_EVERY === 0) {
      assert.is(memory.buffer.byteLength, startSize, `memory size after ${i} frames`);
    }
  }

  assert.is(memory.buffer.byteLength, startSize, "memory size at the end");
  const reachedVerify = countVerified(statuses);
  console.log(`  ${FRAME_COUNT} frames, ${reachedVerify} reached the Ed25519 verify`);
  assert.ok(reachedVerify > 0, "no frame reached the signature check");
});

test.run();
