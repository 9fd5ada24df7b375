// Status codes of the core's interface (docs/core-abi.md, "Status codes"). 0 is success, and so is
// COMMAND_REPEATED (1); every failure is negative. A code is never reused for another meaning, so a
// retired code stays listed.

export const COMMAND_REPEATED: i32 = 1;
export const OK: i32 = 0;
export const FRAME_TOO_SHORT: i32 = -1;
export const FRAME_TOO_LONG: i32 = -2;
export const FRAME_BAD_VERSION: i32 = -3;
export const FRAME_BAD_TYPE: i32 = -4;
export const FRAME_BAD_DEVICE_ID: i32 = -5;
export const FRAME_PAYLOAD_TOO_LONG: i32 = -6;
export const FRAME_LENGTH_MISMATCH: i32 = -7;
export const FRAME_BAD_JSON: i32 = -8;
export const FRAME_UNKNOWN_DEVICE: i32 = -9;
export const FRAME_TIMESTAMP_SKEW: i32 = -10;
export const REPLAY_DUPLICATE: i32 = -11;
export const REPLAY_TOO_OLD: i32 = -12;
export const SIGNATURE_NONCANONICAL: i32 = -13;
export const SIGNATURE_INVALID: i32 = -14;
export const FRAME_WRONG_DIRECTION: i32 = -15;
export const REPLAY_BELOW_FLOOR: i32 = -16;
export const FRAME_NOT_SIGNED: i32 = -17;
export const BUILD_NOT_READY: i32 = -18;
export const REQUEST_BAD_FORM: i32 = -20;
export const REQUEST_TIMESTAMP_SKEW: i32 = -21;
export const NONCE_REUSED: i32 = -22;
export const NONCE_CACHE_FULL: i32 = -23;
export const STATE_BAD_FORMAT: i32 = -24;
export const REQUEST_UNKNOWN_KEY: i32 = -25;
export const BATCH_FULL: i32 = -30;
export const BATCH_BAD_ARGUMENT: i32 = -31;
export const DEVICE_BAD_SLOT: i32 = -40;
export const COMMAND_UNKNOWN: i32 = -50;
export const COMMAND_BAD_SCHEMA: i32 = -51;
export const COMMAND_WRONG_TARGET: i32 = -52;
export const COMMAND_EXPIRED: i32 = -53;
export const ACK_BAD_PAYLOAD: i32 = -54;
export const BEACON_BAD_PAYLOAD: i32 = -55;
export const MANIFEST_BAD_PAYLOAD: i32 = -56;
export const CHUNK_BAD_RANGE: i32 = -57;

/** Returns the stable name of `status`, or "UNKNOWN_STATUS" for a code the core does not define. */
export function statusName(status: i32): string {
  switch (status) {
    case COMMAND_REPEATED: return "COMMAND_REPEATED";
    case OK: return "OK";
    case FRAME_TOO_SHORT: return "FRAME_TOO_SHORT";
    case FRAME_TOO_LONG: return "FRAME_TOO_LONG";
    case FRAME_BAD_VERSION: return "FRAME_BAD_VERSION";
    case FRAME_BAD_TYPE: return "FRAME_BAD_TYPE";
    case FRAME_BAD_DEVICE_ID: return "FRAME_BAD_DEVICE_ID";
    case FRAME_PAYLOAD_TOO_LONG: return "FRAME_PAYLOAD_TOO_LONG";
    case FRAME_LENGTH_MISMATCH: return "FRAME_LENGTH_MISMATCH";
    case FRAME_BAD_JSON: return "FRAME_BAD_JSON";
    case FRAME_UNKNOWN_DEVICE: return "FRAME_UNKNOWN_DEVICE";
    case FRAME_TIMESTAMP_SKEW: return "FRAME_TIMESTAMP_SKEW";
    case REPLAY_DUPLICATE: return "REPLAY_DUPLICATE";
    case REPLAY_TOO_OLD: return "REPLAY_TOO_OLD";
    case SIGNATURE_NONCANONICAL: return "SIGNATURE_NONCANONICAL";
    case SIGNATURE_INVALID: return "SIGNATURE_INVALID";
    case FRAME_WRONG_DIRECTION: return "FRAME_WRONG_DIRECTION";
    case REPLAY_BELOW_FLOOR: return "REPLAY_BELOW_FLOOR";
    case FRAME_NOT_SIGNED: return "FRAME_NOT_SIGNED";
    case BUILD_NOT_READY: return "BUILD_NOT_READY";
    case REQUEST_BAD_FORM: return "REQUEST_BAD_FORM";
    case REQUEST_TIMESTAMP_SKEW: return "REQUEST_TIMESTAMP_SKEW";
    case NONCE_REUSED: return "NONCE_REUSED";
    case NONCE_CACHE_FULL: return "NONCE_CACHE_FULL";
    case STATE_BAD_FORMAT: return "STATE_BAD_FORMAT";
    case REQUEST_UNKNOWN_KEY: return "REQUEST_UNKNOWN_KEY";
    case BATCH_FULL: return "BATCH_FULL";
    case BATCH_BAD_ARGUMENT: return "BATCH_BAD_ARGUMENT";
    case DEVICE_BAD_SLOT: return "DEVICE_BAD_SLOT";
    case COMMAND_UNKNOWN: return "COMMAND_UNKNOWN";
    case COMMAND_BAD_SCHEMA: return "COMMAND_BAD_SCHEMA";
    case COMMAND_WRONG_TARGET: return "COMMAND_WRONG_TARGET";
    case COMMAND_EXPIRED: return "COMMAND_EXPIRED";
    case ACK_BAD_PAYLOAD: return "ACK_BAD_PAYLOAD";
    case BEACON_BAD_PAYLOAD: return "BEACON_BAD_PAYLOAD";
    case MANIFEST_BAD_PAYLOAD: return "MANIFEST_BAD_PAYLOAD";
    case CHUNK_BAD_RANGE: return "CHUNK_BAD_RANGE";
    default: return "UNKNOWN_STATUS";
  }
}
