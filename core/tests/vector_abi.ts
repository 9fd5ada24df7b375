/**
 * The parts of docs/core-abi.md that the vector runners use beyond helpers.ts. Status codes are
 * written out from the document, not read from the core. Exports are looked up by name, so a core
 * that lacks one fails with that export's name.
 */
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";

/** docs/core-abi.md, "Status codes". */
export const STATUS_CODE: Record<string, number> = {
  COMMAND_REPEATED: 1, OK: 0,
  FRAME_TOO_SHORT: -1, FRAME_TOO_LONG: -2, FRAME_BAD_VERSION: -3, FRAME_BAD_TYPE: -4, FRAME_BAD_DEVICE_ID: -5,
  FRAME_PAYLOAD_TOO_LONG: -6, FRAME_LENGTH_MISMATCH: -7, FRAME_BAD_JSON: -8, FRAME_UNKNOWN_DEVICE: -9,
  FRAME_TIMESTAMP_SKEW: -10, REPLAY_DUPLICATE: -11, REPLAY_TOO_OLD: -12, SIGNATURE_NONCANONICAL: -13,
  SIGNATURE_INVALID: -14, FRAME_WRONG_DIRECTION: -15, REPLAY_BELOW_FLOOR: -16, FRAME_NOT_SIGNED: -17,
  BUILD_NOT_READY: -18, REQUEST_BAD_FORM: -20, REQUEST_TIMESTAMP_SKEW: -21, NONCE_REUSED: -22,
  NONCE_CACHE_FULL: -23, STATE_BAD_FORMAT: -24, REQUEST_UNKNOWN_KEY: -25, BATCH_FULL: -30, BATCH_BAD_ARGUMENT: -31, DEVICE_BAD_SLOT: -40,
  COMMAND_UNKNOWN: -50, COMMAND_BAD_SCHEMA: -51, COMMAND_WRONG_TARGET: -52, COMMAND_EXPIRED: -53,
  ACK_BAD_PAYLOAD: -54, BEACON_BAD_PAYLOAD: -55, MANIFEST_BAD_PAYLOAD: -56, CHUNK_BAD_RANGE: -57,
};

export function expectedCode(name: string): number {
  const code = STATUS_CODE[name];
  if (code === undefined) throw new Error(`status name ${name} is not in docs/core-abi.md`);
  return code;
}

/** Returns the name of `code` from the table above, or the code itself when it is not there. */
export function nameOf(code: number): string {
  return Object.entries(STATUS_CODE).find(([, value]) => value === code)?.[0] ?? String(code);
}

/** Calls the export `name` with `args`; throws a readable error when the core does not export it. */
export function call(core: CoreHandle, name: string, ...args: number[]): number {
  const fn = (core.exports as unknown as Record<string, unknown>)[name];
  if (typeof fn !== "function") throw new Error(`core.wasm does not export ${name} (docs/core-abi.md)`);
  return (fn as (...values: number[]) => number)(...args);
}

/** Copies `data` into the buffer that `buffer_<name>()` returns, checked against `buffer_<name>_size()`. */
export function writeBuffer(core: CoreHandle, name: string, data: Uint8Array): void {
  core.write(call(core, `buffer_${name}`), data, call(core, `buffer_${name}_size`));
}

export function readBuffer(core: CoreHandle, name: string, len: number): Buffer {
  return core.read(call(core, `buffer_${name}`), len);
}

/** Writes a device id NUL-padded to the 16 bytes of buffer_device_id. */
export function writeDeviceIdField(core: CoreHandle, id: string): void {
  const field = Buffer.alloc(16);
  field.write(id, "ascii");
  writeBuffer(core, "device_id", field);
}
