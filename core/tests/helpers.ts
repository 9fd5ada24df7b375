/**
 * Shared pieces of the core's tests: a fresh instance per test, the status codes as docs/core-abi.md
 * lists them (written out here, not read from the core), and byte helpers over the core's buffers.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadCoreHandle, type CoreHandle } from "../../hosts/node/src/core/index.ts";

/** docs/core-abi.md, "Status codes". */
export const STATUS = {
  COMMAND_REPEATED: 1,
  OK: 0,
  FRAME_TOO_SHORT: -1,
  FRAME_TOO_LONG: -2,
  FRAME_BAD_VERSION: -3,
  FRAME_BAD_TYPE: -4,
  FRAME_BAD_DEVICE_ID: -5,
  FRAME_PAYLOAD_TOO_LONG: -6,
  FRAME_LENGTH_MISMATCH: -7,
  FRAME_BAD_JSON: -8,
  FRAME_UNKNOWN_DEVICE: -9,
  FRAME_TIMESTAMP_SKEW: -10,
  REPLAY_DUPLICATE: -11,
  REPLAY_TOO_OLD: -12,
  SIGNATURE_NONCANONICAL: -13,
  SIGNATURE_INVALID: -14,
  FRAME_WRONG_DIRECTION: -15,
  REPLAY_BELOW_FLOOR: -16,
  FRAME_NOT_SIGNED: -17,
  BUILD_NOT_READY: -18,
  REQUEST_BAD_FORM: -20,
  REQUEST_TIMESTAMP_SKEW: -21,
  NONCE_REUSED: -22,
  NONCE_CACHE_FULL: -23,
  STATE_BAD_FORMAT: -24,
  REQUEST_UNKNOWN_KEY: -25,
  BATCH_FULL: -30,
  BATCH_BAD_ARGUMENT: -31,
  DEVICE_BAD_SLOT: -40,
  COMMAND_UNKNOWN: -50,
  COMMAND_BAD_SCHEMA: -51,
  COMMAND_WRONG_TARGET: -52,
  COMMAND_EXPIRED: -53,
  ACK_BAD_PAYLOAD: -54,
  BEACON_BAD_PAYLOAD: -55,
  MANIFEST_BAD_PAYLOAD: -56,
  CHUNK_BAD_RANGE: -57,
} as const;

export type StatusName = keyof typeof STATUS;

export function statusCode(name: string): number {
  if (!(name in STATUS)) throw new Error(`status name ${name} is not in docs/core-abi.md`);
  return STATUS[name as StatusName];
}

const VECTOR_DIR = fileURLToPath(new URL("../vectors/", import.meta.url));

export function readVectors<T>(file: string): T {
  return JSON.parse(readFileSync(`${VECTOR_DIR}${file}`, "utf8")) as T;
}

export function fromHex(text: string): Buffer {
  return Buffer.from(text, "hex");
}

/** Loads a fresh instance, so no test reads another test's device table, window or batch. */
export function freshCore(): Promise<CoreHandle> {
  return loadCoreHandle();
}

export function writeFrame(core: CoreHandle, frame: Uint8Array): number {
  core.write(core.exports.buffer_frame(), frame, core.exports.buffer_frame_size());
  return frame.length;
}

export function writeKey(core: CoreHandle, key: Uint8Array): void {
  core.write(core.exports.buffer_key(), key, core.exports.buffer_key_size());
}

/** Writes `id` into the key id buffer and returns network_id_set's status name. */
export function setNetworkId(core: CoreHandle, id: string): string {
  const bytes = Buffer.from(id, "ascii");
  core.write(core.exports.buffer_key_id(), bytes, core.exports.buffer_key_id_size());
  return core.statusName(core.exports.network_id_set(bytes.length));
}

export function writeNetworkKey(core: CoreHandle, key: Uint8Array): void {
  core.write(core.exports.buffer_network_key(), key, core.exports.buffer_network_key_size());
}

/** Writes `id` NUL-padded to 16 bytes into the device id buffer, or `field` byte for byte. */
export function writeDeviceId(core: CoreHandle, id: string | Buffer): void {
  const field = Buffer.alloc(16);
  if (typeof id === "string") field.write(id, "ascii");
  else id.copy(field);
  core.write(core.exports.buffer_device_id(), field, 16);
}

/** Puts a device with `key` into `slot` and returns the status of device_set. */
export function setDevice(core: CoreHandle, slot: number, id: string | Buffer, key: Uint8Array): number {
  writeDeviceId(core, id);
  writeKey(core, key);
  return core.exports.device_set(slot);
}
