// The exports of core.wasm, named and typed exactly as docs/core-abi.md lists them. Each function
// here only forwards to the module that owns the concern.

import * as buffers from "./buffers";
import { statusName } from "./status";
import { writeAscii } from "./bytes";
import * as frame from "./frame";
import { verifySignature } from "./signature";
import { SIGNATURE_INVALID } from "./status";
import * as device from "./device";
import * as intake from "./intake";
import * as request from "./request";
import * as batch from "./batch";

// Status names.

export function status_name(status: i32): usize {
  writeAscii(buffers.statusNameBuffer, statusName(status));
  return buffers.statusNameBuffer;
}

export function status_name_len(status: i32): u32 {
  return <u32>statusName(status).length;
}

// Buffers and their sizes.

export function buffer_frame(): usize { return buffers.frameBuffer; }
export function buffer_frame_size(): u32 { return buffers.FRAME_BUFFER_SIZE; }
export function buffer_network_key(): usize { return buffers.networkKeyBuffer; }
export function buffer_network_key_size(): u32 { return buffers.NETWORK_KEY_BUFFER_SIZE; }
export function buffer_key(): usize { return buffers.keyBuffer; }
export function buffer_key_size(): u32 { return buffers.KEY_BUFFER_SIZE; }
export function buffer_device_id(): usize { return buffers.deviceIdBuffer; }
export function buffer_device_id_size(): u32 { return buffers.DEVICE_ID_BUFFER_SIZE; }
export function buffer_message(): usize { return buffers.messageBuffer; }
export function buffer_message_size(): u32 { return buffers.MESSAGE_BUFFER_SIZE; }
export function buffer_request(): usize { return buffers.requestBuffer; }
export function buffer_request_size(): u32 { return buffers.REQUEST_BUFFER_SIZE; }
export function buffer_signature(): usize { return buffers.signatureBuffer; }
export function buffer_signature_size(): u32 { return buffers.SIGNATURE_BUFFER_SIZE; }
export function buffer_key_id(): usize { return buffers.keyIdBuffer; }
export function buffer_key_id_size(): u32 { return buffers.KEY_ID_BUFFER_SIZE; }
export function buffer_batch(): usize { return buffers.batchBuffer; }
export function buffer_batch_size(): u32 { return buffers.BATCH_BUFFER_SIZE; }

// Frames.

export function frame_decode(len: u32): i32 { return frame.decodeFrame(len); }
export function frame_type(): u32 { return frame.frameType; }
export function frame_timestamp(): u32 { return frame.frameTimestamp; }
export function frame_seq(): u32 { return frame.frameSeq; }
export function frame_payload_len(): u32 { return frame.framePayloadLen; }
export function frame_device_id_len(): u32 { return frame.frameDeviceIdLen; }
export function frame_signed_message(len: u32): i32 { return frame.frameSignedMessage(len); }
export function frame_verify(len: u32): i32 { return frame.frameVerify(len); }

/**
 * Runs the signature step alone, for the Ed25519 vectors: S < L of the signature buffer, then the host's
 * verify of `msg_len` bytes of the message buffer under the key buffer. A `msg_len` above the
 * message buffer's size is SIGNATURE_INVALID, because those bytes cannot be in the buffer.
 */
export function signature_verify(msg_len: u32): i32 {
  if (msg_len > buffers.MESSAGE_BUFFER_SIZE) return SIGNATURE_INVALID;
  return verifySignature(buffers.signatureBuffer, buffers.messageBuffer, msg_len, buffers.keyBuffer);
}

// Device table (home base).

export function device_capacity(): u32 { return device.MAX_DEVICES; }
export function device_set(slot: u32): i32 { return device.deviceSet(slot); }
export function device_clear(slot: u32): i32 { return device.deviceClear(slot); }

/** Returns the slot whose id equals the last decoded frame's device id, or -1. */
export function device_find(): i32 { return device.deviceFind(frame.frameDeviceId); }

export function frame_accept(len: u32, now: u32): i32 { return intake.acceptFrame(len, now); }
export function frame_slot(): i32 { return intake.acceptedSlot; }
export function frame_came_online(): u32 { return intake.acceptedCameOnline; }
export function device_expire(now: u32, offline_after_sec: u32): i32 { return device.deviceExpire(now, offline_after_sec); }

/** 1 when the device in `slot` is online; 0 for an offline device, an empty slot or one out of range. */
export function device_online(slot: u32): u32 { return device.deviceOnline(slot) ? 1 : 0; }
export function device_last_seen(slot: u32): u32 { return device.deviceLastSeen(slot); }
export function device_highest_seq(slot: u32): u32 { return device.deviceHighestSeq(slot); }

// Signed requests.

export function request_verify(len: u32, now: u32): i32 { return request.requestVerify(len, now); }
export function request_nonce_offset(): u32 { return request.requestNonceOffset; }
export function request_signed_message(len: u32): i32 { return request.requestSignedMessage(len); }

// Batches (home base).

export function batch_configure(key_id_len: u32, interval_sec: u32, next_seq: u32): i32 {
  return batch.batchConfigure(key_id_len, interval_sec, next_seq);
}
export function batch_add_frame(len: u32, rssi: i32, now: u32): i32 { return batch.batchAddFrame(len, rssi, now); }
export function batch_add_status(slot: u32, online: u32, now: u32): i32 { return batch.batchAddStatus(slot, online, now); }
export function batch_entry_count(): u32 { return batch.batchEntryCount(); }
export function batch_due(now: u32): u32 { return batch.batchDue(now) ? 1 : 0; }
export function batch_seal(now: u32): i32 { return batch.batchSeal(now); }
export function batch_sealed_seq(): u32 { return batch.batchSealedSeq(); }
export function batch_next_seq(): u32 { return batch.batchNextSeq(); }
