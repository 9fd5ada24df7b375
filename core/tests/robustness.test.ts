import { test } from "uvu";
import * as assert from "uvu/assert";
import { Random, testSeed } from "./random.ts";
import { freshCore, writeDeviceId } from "./helpers.ts";
import { T0, registerDevices } from "./accept_helpers.ts";
import { TYPE, commandFrame, signedFrame, base64Bytes } from "./v1_helpers.ts";

const seed = testSeed();
console.log(`  robustness random seed ${seed} (replay with CORE_TEST_SEED=${seed})`);

const SEEDS = [
  commandFrame(`{"id":1,"cmd":"rotate_key","sealed":"${base64Bytes(80)}"}`),
  commandFrame('{"id":2,"cmd":"set_config","config":{"a":{"b":[1,"x"]}}}'),
  signedFrame(TYPE.ack, '{"id":17,"result":"error","reason":"busy \\u0041"}'),
  signedFrame(TYPE.manifest, `{"size":5,"sha256":"${base64Bytes(32)}","media":"image/png"}`),
];

/** Returns a copy of `frame` with a few bytes of the payload changed at random. */
function mutate(random: Random, frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  const count = 1 + random.below(4);
  for (let i = 0; i < count; i++) out[27 + random.below(out.length - 27 - 64)] = random.below(256);
  return out;
}

// Mutated payloads reach every payload rule with near-valid JSON; none may trap or allocate.
test("mutated frames get a status from every entry point and never trap", async () => {
  const core = await freshCore();
  registerDevices(core);
  writeDeviceId(core, "homebase");
  core.exports.self_set();
  const before = core.exports.memory.buffer.byteLength;
  const random = new Random(seed);
  const seen = new Set<string>();

  for (let round = 0; round < 4000; round++) {
    const frame = mutate(random, random.pick(SEEDS));
    core.write(core.exports.buffer_frame(), frame, 256);
    seen.add(core.statusName(core.exports.frame_decode(frame.length)));
    core.exports.frame_precheck(frame.length, T0);
    core.exports.command_accept(frame.length, T0);

    core.write(core.exports.buffer_payload(), frame.subarray(27, 27 + 159), 224);
    core.exports.frame_build(random.below(10), T0, round, random.below(260));
  }

  assert.ok(seen.has("OK"));
  assert.ok(seen.has("FRAME_BAD_JSON"));
  assert.ok(seen.has("COMMAND_BAD_SCHEMA"));
  assert.is(core.exports.memory.buffer.byteLength, before);
});

test("random states are STATE_BAD_FORMAT and never trap", async () => {
  const core = await freshCore();
  const random = new Random(seed);
  for (let round = 0; round < 500; round++) {
    const state = Buffer.from(Array.from({ length: random.below(200) }, () => random.below(256)));
    if (random.below(2) === 0 && state.length >= 4) state.write("HMR1", 0, "ascii");
    // A 14-byte header with d = m = 0 would be a valid empty state.
    if (state.length === 14) state[12] = 1;
    core.write(core.exports.buffer_state(), state, 4096);
    assert.is(core.statusName(core.exports.replay_import(state.length, T0)), "STATE_BAD_FORMAT");
  }
  assert.is(core.statusName(core.exports.replay_import(0xffffffff, T0)), "STATE_BAD_FORMAT");
});

test.run();
