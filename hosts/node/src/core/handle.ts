/**
 * Loading core.wasm and the byte-level access every caller needs: copying into the core's fixed
 * buffers and reading back. The Core interface (index.ts) is built on this handle. Tests use the
 * handle directly for the home base's functions that Core does not wrap (batches, expiry, floors).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { CORE_FUNCTION_NAMES, type CoreExports } from "./exports.ts";
import { makeEd25519Verify } from "./ed25519.ts";

/** core/build/core.wasm of this repository, whatever the working directory. */
export const DEFAULT_CORE_WASM_PATH = fileURLToPath(new URL("../../../../core/build/core.wasm", import.meta.url));

export interface CoreHandle {
  exports: CoreExports;
  /** Copies `data` to `ptr`; throws a RangeError when it is longer than `capacity`. */
  write(ptr: number, data: Uint8Array, capacity: number): void;
  /** A copy of `len` bytes at `ptr`. */
  read(ptr: number, len: number): Buffer;
  statusName(status: number): string;
}

/** Reads an AssemblyScript string (UTF-16, byte length stored just before it) for abort messages. */
function readAsString(memory: WebAssembly.Memory, ptr: number): string {
  if (ptr === 0) return "";
  const view = new DataView(memory.buffer);
  const byteLen = view.getUint32(ptr - 4, true);
  return Buffer.from(memory.buffer, ptr, byteLen).toString("utf16le");
}

/**
 * Instantiates core.wasm from `wasmPath` and checks that it exports every function of the ABI.
 * Throws when the file is missing (build it with `npx asc --config core/asconfig.json --target
 * release`) or an export is missing. After the core aborts (a broken invariant, never bad input)
 * the error propagates and the instance must not be used again.
 */
export async function loadCoreHandle(wasmPath: string = DEFAULT_CORE_WASM_PATH): Promise<CoreHandle> {
  const bytes = await readFile(wasmPath);
  let memory: WebAssembly.Memory | undefined;
  const currentMemory = () => {
    if (memory === undefined) throw new Error("core memory used before instantiation finished");
    return memory;
  };

  const imports = {
    env: {
      ed25519_verify: makeEd25519Verify(currentMemory),
      abort(messagePtr: number, filePtr: number, line: number, column: number): never {
        const message = readAsString(currentMemory(), messagePtr);
        const file = readAsString(currentMemory(), filePtr);
        throw new Error(`core aborted: ${message} at ${file}:${line}:${column}`);
      },
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  const exports = instance.exports as unknown as CoreExports;

  const missing = CORE_FUNCTION_NAMES.filter((name) => typeof exports[name] !== "function");
  if (missing.length > 0) {
    throw new Error(`core.wasm at ${wasmPath} lacks exports: ${missing.join(", ")}`);
  }
  memory = exports.memory;

  return {
    exports,
    write(ptr, data, capacity) {
      if (data.length > capacity) {
        throw new RangeError(`data length ${data.length} exceeds buffer size ${capacity}`);
      }
      new Uint8Array(currentMemory().buffer, ptr >>> 0, data.length).set(data);
    },
    read(ptr, len) {
      return Buffer.from(new Uint8Array(currentMemory().buffer, ptr >>> 0, len >>> 0));
    },
    statusName(status) {
      const ptr = exports.status_name(status);
      const len = exports.status_name_len(status);
      return Buffer.from(new Uint8Array(currentMemory().buffer, ptr >>> 0, len)).toString("ascii");
    },
  };
}
