// The typed fields of the last frame that decoded OK (docs/core-abi.md, "Typed payload getters").
// A payload check writes into a pending set, and only a decode that passes every check commits it.
// So a failed decode leaves the previous frame's fields, its decoded value and its device argument.
// Fields a frame type does not have are 0.

import { decodedBuffer, argDeviceBuffer, DECODED_BUFFER_SIZE, ARG_DEVICE_BUFFER_SIZE } from "./buffers";

export const ACK_ID: u32 = 0;
export const ACK_RESULT: u32 = 1;
export const ACK_REASON_OFFSET: u32 = 2;
export const ACK_REASON_LEN: u32 = 3;
export const BEACON_CHANNEL: u32 = 4;
export const BEACON_BOOT: u32 = 5;
export const MANIFEST_SIZE: u32 = 6;
export const MANIFEST_MEDIA_OFFSET: u32 = 7;
export const MANIFEST_MEDIA_LEN: u32 = 8;
export const CHUNK_CONTENT: u32 = 9;
export const CHUNK_OFFSET: u32 = 10;
export const CHUNK_TOTAL: u32 = 11;
export const CHUNK_DATA_LEN: u32 = 12;
export const COMMAND_ID: u32 = 13;
export const COMMAND_CODE: u32 = 14;
export const COMMAND_NUMBER: u32 = 15;
export const COMMAND_TEXT_OFFSET: u32 = 16;
export const COMMAND_TEXT_LEN: u32 = 17;
export const COMMAND_DEVICE_LEN: u32 = 18;
export const DECODED_LEN: u32 = 19;
const FIELD_COUNT: u32 = 20;

const pending: usize = memory.data(FIELD_COUNT * 4, 16);
const current: usize = memory.data(FIELD_COUNT * 4, 16);
/** The scratch area a payload check decodes a base64 value into, before the decode commits it. */
export const pendingDecoded: usize = memory.data(DECODED_BUFFER_SIZE, 16);
/** The scratch area for a command's `device` argument, NUL-padded, before the decode commits it. */
export const pendingArgDevice: usize = memory.data(ARG_DEVICE_BUFFER_SIZE, 16);

/** Zeroes the pending fields; a decode calls this before its payload check. */
export function fieldsClear(): void {
  memory.fill(pending, 0, FIELD_COUNT * 4);
  memory.fill(pendingDecoded, 0, DECODED_BUFFER_SIZE);
  memory.fill(pendingArgDevice, 0, ARG_DEVICE_BUFFER_SIZE);
}

export function setField(index: u32, value: u32): void {
  store<u32>(pending + (index << 2), value);
}

/** Makes the pending fields the ones the getters return. */
export function fieldsCommit(): void {
  memory.copy(current, pending, FIELD_COUNT * 4);
  memory.copy(decodedBuffer, pendingDecoded, DECODED_BUFFER_SIZE);
  memory.copy(argDeviceBuffer, pendingArgDevice, ARG_DEVICE_BUFFER_SIZE);
}

/** Returns a field of the last frame that decoded OK. */
export function field(index: u32): u32 {
  return load<u32>(current + (index << 2));
}
