/** The shapes of the JSON vector files in this folder, shared by the generator and every test that reads them. */

/** One frame of frames.json, with the status each core check must return for it. */
export interface FrameVector {
  name: string;
  frame: string;
  network_public_key: string;
  signer_public_key: string;
  /** Status name of frame_decode. */
  decode: string;
  /** Status name of frame_verify under signer_public_key and network_public_key. */
  verify: string;
  fields?: { type: number; device_id: string; timestamp: number; seq: number; payload: string };
  signed_message?: string;
  /** For frames that decode OK: the typed getters' values. */
  typed?: TypedFields;
}

/**
 * Typed getters of docs/core-abi.md ("Typed payload getters") after frame_decode of a frame that
 * decodes OK. Keys are getter names; `*_reason`, `*_media`, `command_text` and `command_device` are
 * the text that the offset/length getters (or buffer_arg_device) give, `chunk_data` and `decoded`
 * are hex. Only the listed getters are checked.
 */
export type TypedFields = Partial<{
  ack_id: number; ack_result: number; ack_reason: string;
  beacon_channel: number; beacon_boot: number;
  manifest_size: number; manifest_media: string;
  chunk_content: number; chunk_offset: number; chunk_total: number; chunk_data: string;
  command_id: number; command_code: number; command_number: number; command_text: string; command_device: string;
  decoded: string;
}>;

/** One frame_build call that must fail with `status` (docs/core-abi.md, "Frames"). */
export interface BuildRejectVector {
  name: string;
  type: number;
  device_id: string;
  timestamp: number;
  seq: number;
  /** Hex of the bytes written to buffer_payload. */
  payload: string;
  status: string;
}

/**
 * One step of a scenario in scenarios.json. Steps run in order on one core instance; `restart`
 * replaces it with a fresh instance (all state lost). Hex is lower-case. `status` is the expected
 * status name; `floor_due` is replay_floor_due() after the step; other optional fields are checked
 * only when present and only when the status is OK or COMMAND_REPEATED.
 */
export type ScenarioStep =
  | { op: "network_key"; public_key: string }
  | { op: "self_set"; device_id: string; status: string }
  | { op: "device_set"; slot: number; device_id: string; public_key: string; status: string }
  | { op: "device_set_next_key"; slot: number; public_key: string; status: string }
  | { op: "device_clear"; slot: number; status: string }
  | { op: "frame_precheck"; frame: string; now: number; status: string }
  | {
      op: "frame_accept"; frame: string; now: number; status: string;
      slot?: number; came_online?: number; key_rotated?: number; floor_due?: number;
      frame_floor?: number; highest_seq?: number;
    }
  | { op: "command_accept"; frame: string; now: number; status: string; slot?: number; command_id?: number; command_code?: number; floor_due?: number; command_floor?: number }
  | { op: "network_id"; network_id: string; status: string }
  | { op: "request_accept"; text: string; signature: string; now: number; status: string; floor_due?: number }
  | { op: "batch_configure"; key_id: string; interval_sec: number; next_seq: number; status: string }
  | { op: "batch_seal"; now: number; seq: number; floor_due: number; batch_floor: number }
  | { op: "replay_export"; now: number; state: string }
  | { op: "replay_import"; state: string; now: number; status: string }
  | { op: "restart" };

export interface Scenario {
  name: string;
  steps: ScenarioStep[];
}

/** One rotate_key case of sealed-keys.json (docs/protocol.md section 7). Hex is lower-case. */
export interface SealedKeyVector {
  name: string;
  device_id: string;
  device_seed: string;
  device_public_key: string;
  new_seed: string;
  new_public_key: string;
  sealed: string;
  /** The rotate_key command frame, hex, whose `sealed` member is base64 of `sealed`. */
  command_frame: string;
  /** Whether crypto_box_seal_open with the device's converted key pair opens `sealed` to new_seed. */
  opens: boolean;
}
