import { test } from "uvu";
import * as assert from "uvu/assert";
import { FRAME_TYPE, frameBody } from "../vectors/encode.ts";
import { STATUS, freshCore, writeFrame } from "./helpers.ts";
import { Random, testSeed } from "./random.ts";

const MAX_DEPTH = 8;
const PAYLOAD_MAX_LEN = 159;

/** Builds an unsigned frame around `payload`; frame_decode does not look at the signature. */
function frameWith(payload: Buffer): Buffer {
  const body = frameBody({ type: FRAME_TYPE.log, deviceId: "fuzz", timestamp: 1, seq: 1 }, payload);
  return Buffer.concat([body, Buffer.alloc(64)]);
}

function nestingDepth(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(nestingDepth));
}

/** A high surrogate without a low one after it, or a low one without a high one before it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when no member name or string in `value` holds U+0000 or a lone surrogate. */
function textsStorable(value: unknown): boolean {
  if (typeof value === "string") return !value.includes("\u0000") && !LONE_SURROGATE.test(value);
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(textsStorable);
  return Object.entries(value).every(([name, member]) => textsStorable(name) && textsStorable(member));
}

/**
 * The expected verdict from independent parts: fatal UTF-8 decoding, JSON.parse (RFC 8259 in
 * ECMAScript), a plain object at the top, the nesting limit, and no U+0000 or lone surrogate in
 * any text (docs/protocol.md section 1.2).
 */
function isAcceptable(payload: Buffer): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(payload);
  } catch {
    return false;
  }
  if (text.startsWith("\ufeff")) return false;

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) && nestingDepth(value) <= MAX_DEPTH &&
    textsStorable(value);
}

const PIECES = ['{', '}', '[', ']', ':', ',', '"', '"a"', '"\\u00e9"', '"\\n"', '\\', '1', '-0', '0.5', '1e9', '01',
  'true', 'false', 'null', ' ', '\t', '\n', 'x', '"\u00e9"', '"\u{1f600}"', '"\\u0000"', '"\\ud800"', '"\\udfff"',
  '"\\ud83d\\ude00"', '\\ud83d'];
const RAW_BYTES = [0x00, 0x1f, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff];

function randomValue(random: Random, depth: number): string {
  const choice = random.below(depth > 9 ? 4 : 7);
  if (choice === 0) return String(random.below(1000) - 500);
  if (choice === 1) return random.pick(['"s"', '"\\u0041"', '"\u00fc"', '""', '"\\"q\\""']);
  if (choice === 2) return random.pick(["true", "false", "null", "0.25", "-1e-3"]);
  if (choice === 3) return '"k"';
  if (choice <= 4) {
    const items = Array.from({ length: random.below(3) }, () => randomValue(random, depth + 1));
    return `[${items.join(",")}]`;
  }
  const members = Array.from({ length: random.below(3) }, (_, i) => `"m${i}":${randomValue(random, depth + 1)}`);
  return `{${members.join(",")}}`;
}

/** A random object, then up to three random edits: delete, insert a piece, or insert a raw byte. */
function randomPayload(random: Random): Buffer {
  let bytes = Buffer.from(`{"v":${randomValue(random, 1)}}`, "utf8");
  const edits = random.below(4);
  for (let i = 0; i < edits; i++) {
    const at = random.below(bytes.length + 1);
    const kind = random.below(3);
    if (kind === 0 && bytes.length > 0) {
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    } else if (kind === 1) {
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(random.pick(PIECES), "utf8"), bytes.subarray(at)]);
    } else {
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([random.pick(RAW_BYTES)]), bytes.subarray(at)]);
    }
  }
  return bytes.subarray(0, PAYLOAD_MAX_LEN);
}

test("JSON check agrees with JSON.parse on random payloads", async () => {
  const seed = testSeed();
  console.log(`  json random seed ${seed} (replay with CORE_TEST_SEED=${seed})`);
  const random = new Random(seed);
  const core = await freshCore();

  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const payload = randomPayload(random);
    const frame = frameWith(payload);
    writeFrame(core, frame);
    const status = core.exports.frame_decode(frame.length);

    const expected = isAcceptable(payload) ? STATUS.OK : STATUS.FRAME_BAD_JSON;
    assert.is(status, expected, `case ${i}, payload ${payload.toString("hex")}`);
    if (status === STATUS.OK) accepted++;
  }

  // Both verdicts must occur often, or the generator tests only one side.
  assert.ok(accepted > 500, `only ${accepted} payloads accepted`);
  assert.ok(accepted < 4500, `${accepted} payloads accepted`);
});

test("JSON check accepts nesting of eight and rejects nine", async () => {
  const core = await freshCore();
  for (const [depth, expected] of [[8, STATUS.OK], [9, STATUS.FRAME_BAD_JSON]] as const) {
    const payload = Buffer.from(`${"{\"a\":".repeat(depth - 1)}{}${"}".repeat(depth - 1)}`);
    const frame = frameWith(payload);
    writeFrame(core, frame);
    assert.is(core.exports.frame_decode(frame.length), expected, `depth ${depth}`);
  }
});

test("JSON check takes every valid UTF-8 boundary code point", async () => {
  const core = await freshCore();
  for (const codePoint of [0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x10ffff]) {
    const payload = Buffer.from(`{"c":"${String.fromCodePoint(codePoint)}"}`, "utf8");
    const frame = frameWith(payload);
    writeFrame(core, frame);
    assert.is(core.exports.frame_decode(frame.length), STATUS.OK, `U+${codePoint.toString(16)}`);
  }
});

test("JSON check rejects code points above U+10FFFF", async () => {
  const core = await freshCore();
  const payload = Buffer.from([0x7b, 0x22, 0x63, 0x22, 0x3a, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x7d]);
  const frame = frameWith(payload);
  writeFrame(core, frame);
  assert.is(core.exports.frame_decode(frame.length), STATUS.FRAME_BAD_JSON);
});

test("frame_decode returns a defined status for random bytes", async () => {
  const seed = testSeed();
  console.log(`  frame random seed ${seed} (replay with CORE_TEST_SEED=${seed})`);
  const random = new Random(seed);
  const core = await freshCore();
  const defined = new Set<number>(Object.values(STATUS));

  for (let i = 0; i < 3000; i++) {
    const len = random.below(257);
    const frame = Buffer.alloc(len);
    for (let j = 0; j < len; j++) frame[j] = random.below(256);

    // Keep some frames past the first checks so the later ones run too.
    if (len > 1 && random.below(2) === 0) {
      frame[0] = 1;
      frame[1] = 1 + random.below(4);
    }
    writeFrame(core, frame);
    const status = core.exports.frame_decode(len);
    assert.ok(defined.has(status) && status <= 0 && status >= -8, `case ${i}: status ${status}`);
  }
});

test.run();
