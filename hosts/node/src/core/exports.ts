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
  buffer_payload(): number;
  buffer_payload_size(): number;
  buffer_decoded(): number;
  buffer_decoded_size(): number;
  buffer_arg_device(): number;
  buffer_arg_device_size(): number;
  buffer_state(): number;
  buffer_state_size(): number;

  device_capacity(): number;
  nonce_capacity(): number;
  replay_window(): number;
  replay_floor_step(): number;
  frame_max_skew(): number;
  command_max_age(): number;
  content_max_size(): number;

  frame_decode(len: number): number;
  frame_type(): number;
  frame_timestamp(): number;
  frame_seq(): number;
  frame_payload_len(): number;
  frame_device_id_len(): number;
  frame_signed_message(len: number): number;
  frame_verify(len: number): number;
  frame_signed(): number;
  frame_build(type: number, timestamp: number, seq: number, payloadLen: number): number;
  frame_message_len(): number;
  frame_set_signature(): number;
  signature_verify(msgLen: number): number;

  ack_id(): number;
  ack_result(): number;
  ack_reason_offset(): number;
  ack_reason_len(): number;
  beacon_channel(): number;
  beacon_boot(): number;
  manifest_size(): number;
  manifest_media_offset(): number;
  manifest_media_len(): number;
  chunk_content(): number;
  chunk_offset(): number;
  chunk_total(): number;
  chunk_data_len(): number;
  command_id(): number;
  command_code(): number;
  command_number(): number;
  command_text_offset(): number;
  command_text_len(): number;
  command_device_len(): number;
  decoded_len(): number;

  self_set(): number;
  device_set(slot: number): number;
  device_set_next_key(slot: number): number;
  device_has_next_key(slot: number): number;
  device_clear(slot: number): number;
  device_find(): number;
  frame_precheck(len: number, now: number): number;
  frame_accept(len: number, now: number): number;
  frame_slot(): number;
  frame_came_online(): number;
  frame_key_rotated(): number;
  command_accept(len: number, now: number): number;
  command_slot(): number;
  device_expire(now: number, offlineAfterSec: number): number;
  device_online(slot: number): number;
  device_last_seen(slot: number): number;
  device_highest_seq(slot: number): number;
  device_frame_floor(slot: number): number;
  device_command_floor(slot: number): number;
  self_command_floor(): number;
  batch_floor(): number;

  replay_floor_due(): number;
  replay_export(now: number): number;
  replay_import(len: number, now: number): number;

  request_verify(len: number, now: number): number;
  request_accept(len: number, now: number): number;
  network_id_set(len: number): number;
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
  "buffer_batch", "buffer_batch_size", "buffer_payload", "buffer_payload_size",
  "buffer_decoded", "buffer_decoded_size", "buffer_arg_device", "buffer_arg_device_size",
  "buffer_state", "buffer_state_size",
  "device_capacity", "nonce_capacity", "replay_window", "replay_floor_step", "frame_max_skew",
  "command_max_age", "content_max_size",
  "frame_decode", "frame_type", "frame_timestamp", "frame_seq", "frame_payload_len",
  "frame_device_id_len", "frame_signed_message", "frame_verify", "frame_signed", "frame_build",
  "frame_message_len", "frame_set_signature", "signature_verify",
  "ack_id", "ack_result", "ack_reason_offset", "ack_reason_len", "beacon_channel", "beacon_boot",
  "manifest_size", "manifest_media_offset", "manifest_media_len", "chunk_content", "chunk_offset",
  "chunk_total", "chunk_data_len", "command_id", "command_code", "command_number",
  "command_text_offset", "command_text_len", "command_device_len", "decoded_len",
  "self_set", "device_set", "device_set_next_key", "device_has_next_key", "device_clear",
  "device_find", "frame_precheck", "frame_accept", "frame_slot", "frame_came_online",
  "frame_key_rotated", "command_accept", "command_slot", "device_expire", "device_online",
  "device_last_seen", "device_highest_seq", "device_frame_floor", "device_command_floor",
  "self_command_floor", "batch_floor",
  "replay_floor_due", "replay_export", "replay_import",
  "request_verify", "request_accept", "network_id_set", "request_nonce_offset", "request_signed_message",
  "batch_configure", "batch_add_frame", "batch_add_status", "batch_entry_count", "batch_due",
  "batch_seal", "batch_sealed_seq", "batch_next_seq",
] as const;
