// The sizes and limits that the core exports as functions of no arguments (docs/core-abi.md).
//
// Each export reads its own entry of this table instead of returning a literal. Binaryen merges
// functions with identical bodies, so several `return 64` functions would become one function with
// several export names, and wasm3 gives a function at most three export names by default
// (d_m3MaxDuplicateFunctionImpl). Distinct load offsets keep the bodies distinct on every engine.

import * as buffers from "./buffers";
import { MAX_DEVICES } from "./device";
import { NONCE_CAPACITY } from "./nonce";
import { REPLAY_WINDOW_LEN } from "./replay";
import { REPLAY_FLOOR_STEP } from "./floor";
import { FRAME_MAX_SKEW_SEC } from "./intake";
import { COMMAND_MAX_AGE_SEC } from "./command_accept";
import { CONTENT_MAX_SIZE } from "./manifest";

export const constants: usize = memory.data<u32>([
  buffers.FRAME_BUFFER_SIZE,
  buffers.NETWORK_KEY_BUFFER_SIZE,
  buffers.KEY_BUFFER_SIZE,
  buffers.DEVICE_ID_BUFFER_SIZE,
  buffers.MESSAGE_BUFFER_SIZE,
  buffers.REQUEST_BUFFER_SIZE,
  buffers.SIGNATURE_BUFFER_SIZE,
  buffers.KEY_ID_BUFFER_SIZE,
  buffers.BATCH_BUFFER_SIZE,
  buffers.PAYLOAD_BUFFER_SIZE,
  buffers.DECODED_BUFFER_SIZE,
  buffers.ARG_DEVICE_BUFFER_SIZE,
  buffers.STATE_BUFFER_SIZE,
  MAX_DEVICES,
  NONCE_CAPACITY,
  REPLAY_WINDOW_LEN,
  REPLAY_FLOOR_STEP,
  FRAME_MAX_SKEW_SEC,
  COMMAND_MAX_AGE_SEC,
  CONTENT_MAX_SIZE,
]);

// Byte offsets of the entries above, in order.
export const FRAME_BUFFER_SIZE_AT: u32 = 0;
export const NETWORK_KEY_BUFFER_SIZE_AT: u32 = 4;
export const KEY_BUFFER_SIZE_AT: u32 = 8;
export const DEVICE_ID_BUFFER_SIZE_AT: u32 = 12;
export const MESSAGE_BUFFER_SIZE_AT: u32 = 16;
export const REQUEST_BUFFER_SIZE_AT: u32 = 20;
export const SIGNATURE_BUFFER_SIZE_AT: u32 = 24;
export const KEY_ID_BUFFER_SIZE_AT: u32 = 28;
export const BATCH_BUFFER_SIZE_AT: u32 = 32;
export const PAYLOAD_BUFFER_SIZE_AT: u32 = 36;
export const DECODED_BUFFER_SIZE_AT: u32 = 40;
export const ARG_DEVICE_BUFFER_SIZE_AT: u32 = 44;
export const STATE_BUFFER_SIZE_AT: u32 = 48;
export const DEVICE_CAPACITY_AT: u32 = 52;
export const NONCE_CAPACITY_AT: u32 = 56;
export const REPLAY_WINDOW_AT: u32 = 60;
export const REPLAY_FLOOR_STEP_AT: u32 = 64;
export const FRAME_MAX_SKEW_AT: u32 = 68;
export const COMMAND_MAX_AGE_AT: u32 = 72;
export const CONTENT_MAX_SIZE_AT: u32 = 76;
