import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CORE_FUNCTION_NAMES } from "../../hosts/node/src/core/exports.ts";
import { DEFAULT_CORE_WASM_PATH } from "../../hosts/node/src/core/index.ts";
import { readExports } from "./export_section.ts";
import { freshCore, fromHex, readVectors, writeFrame, writeKey, writeNetworkKey } from "./helpers.ts";

const module = new WebAssembly.Module(readFileSync(DEFAULT_CORE_WASM_PATH));

test("core.wasm imports only env.abort and env.ed25519_verify", () => {
  const imports = WebAssembly.Module.imports(module).map((item) => `${item.module}.${item.name}:${item.kind}`).sort();
  assert.equal(imports, ["env.abort:function", "env.ed25519_verify:function"]);
});

// wasm3 gives one function at most three export names by default (d_m3MaxDuplicateFunctionImpl),
// and Binaryen merges functions whose bodies are identical; one body per export runs everywhere.
test("core.wasm gives every exported function its own body", () => {
  const FUNCTION_KIND = 0;
  const indexes = readExports(readFileSync(DEFAULT_CORE_WASM_PATH)).filter((entry) => entry.kind === FUNCTION_KIND);
  assert.ok(indexes.length > 100, `read ${indexes.length} function exports`);

  const names = new Map<number, string[]>();
  for (const entry of indexes) names.set(entry.index, [...(names.get(entry.index) ?? []), entry.name]);
  const shared = [...names.values()].filter((group) => group.length > 1);
  assert.equal(shared, []);
});

test("core.wasm exports the ABI's functions and its memory, nothing else", () => {
  const exports = WebAssembly.Module.exports(module);
  const functions = exports.filter((item) => item.kind === "function").map((item) => item.name).sort();
  assert.equal(functions, [...CORE_FUNCTION_NAMES].sort());
  assert.equal(exports.filter((item) => item.kind !== "function"), [{ name: "memory", kind: "memory" }]);
});

// The stub runtime never frees, so even 32 bytes allocated per call would use up the free space of
// the last page within these calls, and memory would grow.
test("memory does not grow while frames are checked", async () => {
  const core = await freshCore();
  const before = core.exports.memory.buffer.byteLength;
  const { vectors } = readVectors<{ vectors: Array<{ frame: string; signer_public_key: string; network_public_key: string }> }>("frames.json");

  for (let round = 0; round < 60; round++) {
    for (const v of vectors) {
      const frame = fromHex(v.frame);
      writeFrame(core, frame.subarray(0, 256));
      writeKey(core, fromHex(v.signer_public_key));
      writeNetworkKey(core, fromHex(v.network_public_key));
      core.exports.frame_verify(frame.length);
    }
  }
  assert.is(core.exports.memory.buffer.byteLength, before);
});

// The home base keeps core.wasm in flash next to the firmware; 32 KB is its budget there.
test("release core.wasm is at most 32 KB", () => {
  const CORE_WASM_MAX_BYTES = 32 * 1024;
  const size = readFileSync(DEFAULT_CORE_WASM_PATH).length;
  assert.ok(size <= CORE_WASM_MAX_BYTES, `core.wasm is ${size} bytes`);
});

test.run();
