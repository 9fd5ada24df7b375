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
import * as build from "./build";
import * as fields from "./payload_fields";
import * as self from "./self";
import * as commands from "./command_accept";
import * as floor from "./floor";
import * as state from "./state";
import * as c from "./constants";

/** Reads one entry of the constants table (constants.ts says why exports do not return literals). */
@inline function constant(offset: u32): u32 {
  return load<u32>(c.constants + <usize>offset);
}

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
export function buffer_frame_size(): u32 { return constant(c.FRAME_BUFFER_SIZE_AT); }
export function buffer_network_key(): usize { return buffers.networkKeyBuffer; }
export function buffer_network_key_size(): u32 { return constant(c.NETWORK_KEY_BUFFER_SIZE_AT); }
export function buffer_key(): usize { return buffers.keyBuffer; }
export function buffer_key_size(): u32 { return constant(c.KEY_BUFFER_SIZE_AT); }
export function buffer_device_id(): usize { return buffers.deviceIdBuffer; }
export function buffer_device_id_size(): u32 { return constant(c.DEVICE_ID_BUFFER_SIZE_AT); }
export function buffer_message(): usize { return buffers.messageBuffer; }
export function buffer_message_size(): u32 { return constant(c.MESSAGE_BUFFER_SIZE_AT); }
export function buffer_request(): usize { return buffers.requestBuffer; }
export function buffer_request_size(): u32 { return constant(c.REQUEST_BUFFER_SIZE_AT); }
export function buffer_signature(): usize { return buffers.signatureBuffer; }
export function buffer_signature_size(): u32 { return constant(c.SIGNATURE_BUFFER_SIZE_AT); }
export function buffer_key_id(): usize { return buffers.keyIdBuffer; }
export function buffer_key_id_size(): u32 { return constant(c.KEY_ID_BUFFER_SIZE_AT); }
export function buffer_batch(): usize { return buffers.batchBuffer; }
export function buffer_batch_size(): u32 { return constant(c.BATCH_BUFFER_SIZE_AT); }
export function buffer_payload(): usize { return buffers.payloadBuffer; }
export function buffer_payload_size(): u32 { return constant(c.PAYLOAD_BUFFER_SIZE_AT); }
export function buffer_decoded(): usize { return buffers.decodedBuffer; }
export function buffer_decoded_size(): u32 { return constant(c.DECODED_BUFFER_SIZE_AT); }
export function buffer_arg_device(): usize { return buffers.argDeviceBuffer; }
export function buffer_arg_device_size(): u32 { return constant(c.ARG_DEVICE_BUFFER_SIZE_AT); }
export function buffer_state(): usize { return buffers.stateBuffer; }
export function buffer_state_size(): u32 { return constant(c.STATE_BUFFER_SIZE_AT); }

// Constants.

export function device_capacity(): u32 { return constant(c.DEVICE_CAPACITY_AT); }
export function nonce_capacity(): u32 { return constant(c.NONCE_CAPACITY_AT); }
export function replay_window(): u32 { return constant(c.REPLAY_WINDOW_AT); }
export function replay_floor_step(): u32 { return constant(c.REPLAY_FLOOR_STEP_AT); }
export function frame_max_skew(): u32 { return constant(c.FRAME_MAX_SKEW_AT); }
export function command_max_age(): u32 { return constant(c.COMMAND_MAX_AGE_AT); }
export function content_max_size(): u32 { return constant(c.CONTENT_MAX_SIZE_AT); }

// Frames.

export function frame_decode(len: u32): i32 { return frame.decodeFrame(len); }
export function frame_type(): u32 { return frame.frameType; }
export function frame_timestamp(): u32 { return frame.frameTimestamp; }
export function frame_seq(): u32 { return frame.frameSeq; }
export function frame_payload_len(): u32 { return frame.framePayloadLen; }
export function frame_device_id_len(): u32 { return frame.frameDeviceIdLen; }
export function frame_signed_message(len: u32): i32 { return frame.frameSignedMessage(len); }
export function frame_verify(len: u32): i32 { return frame.frameVerify(len); }
/** 1 when the last frame that decoded OK carries a signature; 0 for a chunk or before any decode. */
export function frame_signed(): u32 { return frame.frameType != 0 && frame.isSignedType(frame.frameType) ? 1 : 0; }
export function frame_build(type: u32, timestamp: u32, seq: u32, payload_len: u32): i32 {
  return build.frameBuild(type, timestamp, seq, payload_len);
}
export function frame_message_len(): u32 { return build.frameMessageLen(); }
export function frame_set_signature(): i32 { return build.frameSetSignature(); }

// Typed payload getters: the last frame that decoded OK, 0 for a field it does not have.

export function ack_id(): u32 { return fields.field(fields.ACK_ID); }
export function ack_result(): u32 { return fields.field(fields.ACK_RESULT); }
export function ack_reason_offset(): u32 { return fields.field(fields.ACK_REASON_OFFSET); }
export function ack_reason_len(): u32 { return fields.field(fields.ACK_REASON_LEN); }
export function beacon_channel(): u32 { return fields.field(fields.BEACON_CHANNEL); }
export function beacon_boot(): u32 { return fields.field(fields.BEACON_BOOT); }
export function manifest_size(): u32 { return fields.field(fields.MANIFEST_SIZE); }
export function manifest_media_offset(): u32 { return fields.field(fields.MANIFEST_MEDIA_OFFSET); }
export function manifest_media_len(): u32 { return fields.field(fields.MANIFEST_MEDIA_LEN); }
export function chunk_content(): u32 { return fields.field(fields.CHUNK_CONTENT); }
export function chunk_offset(): u32 { return fields.field(fields.CHUNK_OFFSET); }
export function chunk_total(): u32 { return fields.field(fields.CHUNK_TOTAL); }
export function chunk_data_len(): u32 { return fields.field(fields.CHUNK_DATA_LEN); }
export function command_id(): u32 { return fields.field(fields.COMMAND_ID); }
export function command_code(): u32 { return fields.field(fields.COMMAND_CODE); }
export function command_number(): u32 { return fields.field(fields.COMMAND_NUMBER); }
export function command_text_offset(): u32 { return fields.field(fields.COMMAND_TEXT_OFFSET); }
export function command_text_len(): u32 { return fields.field(fields.COMMAND_TEXT_LEN); }
export function command_device_len(): u32 { return fields.field(fields.COMMAND_DEVICE_LEN); }
export function decoded_len(): u32 { return fields.field(fields.DECODED_LEN); }

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

export function self_set(): i32 { return self.selfSet(); }
export function device_set(slot: u32): i32 { return device.deviceSet(slot); }
export function device_set_next_key(slot: u32): i32 { return device.deviceSetNextKey(slot); }
export function device_has_next_key(slot: u32): u32 { return device.slotHasNextKey(slot) ? 1 : 0; }
export function device_clear(slot: u32): i32 { return device.deviceClear(slot); }

/** Returns the slot whose id equals the last decoded frame's device id, or -1. */
export function device_find(): i32 { return device.deviceFind(frame.frameDeviceId); }

export function frame_precheck(len: u32, now: u32): i32 { return intake.precheckFrame(len, now); }
export function frame_accept(len: u32, now: u32): i32 { return intake.acceptFrame(len, now); }
export function frame_slot(): i32 { return intake.acceptedSlot; }
export function frame_came_online(): u32 { return intake.acceptedCameOnline; }
export function frame_key_rotated(): u32 { return intake.acceptedKeyRotated; }
export function command_accept(len: u32, now: u32): i32 { return commands.acceptCommand(len, now); }
export function command_slot(): i32 { return commands.commandSlot; }
export function device_expire(now: u32, offline_after_sec: u32): i32 { return device.deviceExpire(now, offline_after_sec); }

/** 1 when the device in `slot` is online; 0 for an offline device, an empty slot or one out of range. */
export function device_online(slot: u32): u32 { return device.deviceOnline(slot) ? 1 : 0; }
export function device_last_seen(slot: u32): u32 { return device.deviceLastSeen(slot); }
export function device_highest_seq(slot: u32): u32 { return device.deviceHighestSeq(slot); }
export function device_frame_floor(slot: u32): u32 { return device.deviceFrameFloor(slot); }
export function device_command_floor(slot: u32): u32 { return device.deviceCommandFloor(slot); }
export function self_command_floor(): u32 { return self.selfCommandFloor(); }
export function batch_floor(): u32 { return batch.batchFloorValue(); }

// Replay state persistence (home base).

export function replay_floor_due(): u32 { return floor.floorDue ? 1 : 0; }
export function replay_export(now: u32): u32 { return state.replayExport(now); }
export function replay_import(len: u32, now: u32): i32 { return state.replayImport(len, now); }

// Signed requests.

export function request_verify(len: u32, now: u32): i32 { return request.requestVerify(len, now); }
export function request_accept(len: u32, now: u32): i32 { return request.requestAccept(len, now); }
export function network_id_set(len: u32): i32 { return request.setNetworkId(len); }
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
