/**
 * The raw exports of core.wasm (docs/core-abi.md). WebAssembly has no unsigned type, so every
 * export returns a JavaScript number from an i32: values the ABI calls u32 (timestamps, seqs,
 * addresses) come back negative above 2^31 - 1 and need `>>> 0`.
 */
export interface CoreExports {
  memory: WebAssembly.Memory;

  status_name(status: number): number;
  status_name_len(status: number): number;

  buffer_frame(): number;
  buffer_frame_size(): number;
  buffer_network_key(): number;
  buffer_network_key_size(): number;
  buffer_key(): number;
  buffer_key_size(): number;
  buffer_device_id(): number;
  buffer_device_id_size(): number;
  buffer_message(): number;
  buffer_message_size(): number;
  buffer_request(): number;
  buffer_request_size(): number;
  buffer_signature(): number;
  buffer_signature_size(): number;
  buffer_key_id(): number;
  buffer_key_id_size(): number;
  buffer_batch(): number;
  buffer_batch_size(): number;

  frame_decode(len: number): number;
  frame_type(): number;
  frame_timestamp(): number;
  frame_seq(): number;
  frame_payload_len(): number;
  frame_device_id_len(): number;
  frame_signed_message(len: number): number;
  frame_verify(len: number): number;
  signature_verify(msgLen: number): number;

  device_capacity(): number;
  device_set(slot: number): number;
  device_clear(slot: number): number;
  device_find(): number;
  frame_accept(len: number, now: number): number;
  frame_slot(): number;
  frame_came_online(): number;
  device_expire(now: number, offlineAfterSec: number): number;
  device_online(slot: number): number;
  device_last_seen(slot: number): number;
  device_highest_seq(slot: number): number;

  request_verify(len: number, now: number): number;
  request_nonce_offset(): number;
  request_signed_message(len: number): number;

  batch_configure(keyIdLen: number, intervalSec: number, nextSeq: number): number;
  batch_add_frame(len: number, rssi: number, now: number): number;
  batch_add_status(slot: number, online: number, now: number): number;
  batch_entry_count(): number;
  batch_due(now: number): number;
  batch_seal(now: number): number;
  batch_sealed_seq(): number;
  batch_next_seq(): number;
}

/** The export names above, to check a loaded module against the ABI before it is used. */
export const CORE_FUNCTION_NAMES = [
  "status_name", "status_name_len",
  "buffer_frame", "buffer_frame_size", "buffer_network_key", "buffer_network_key_size",
  "buffer_key", "buffer_key_size", "buffer_device_id", "buffer_device_id_size",
  "buffer_message", "buffer_message_size", "buffer_request", "buffer_request_size",
  "buffer_signature", "buffer_signature_size", "buffer_key_id", "buffer_key_id_size",
  "buffer_batch", "buffer_batch_size",
  "frame_decode", "frame_type", "frame_timestamp", "frame_seq", "frame_payload_len",
  "frame_device_id_len", "frame_signed_message", "frame_verify", "signature_verify",
  "device_capacity", "device_set", "device_clear", "device_find", "frame_accept", "frame_slot",
  "frame_came_online", "device_expire", "device_online", "device_last_seen", "device_highest_seq",
  "request_verify", "request_nonce_offset", "request_signed_message",
  "batch_configure", "batch_add_frame", "batch_add_status", "batch_entry_count", "batch_due",
  "batch_seal", "batch_sealed_seq", "batch_next_seq",
] as const;
