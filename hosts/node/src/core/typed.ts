/**
 * Reads the typed payload getters of docs/core-abi.md after a frame decoded OK, and turns them into
 * the TypedPayload of types.ts. The core has done every check; this file only copies values out.
 */
import type { CoreHandle } from "./handle.ts";
import type { AckResultWord, CommandName, TypedPayload } from "./types.ts";

const FRAME_TYPE_COMMAND = 0x04;
const FRAME_TYPE_ACK = 0x05;
const FRAME_TYPE_BEACON = 0x06;
const FRAME_TYPE_MANIFEST = 0x07;
const FRAME_TYPE_CHUNK = 0x08;
/** The offset of a chunk's data in the frame: the header and the 12 bytes of chunk fields. */
const CHUNK_DATA_OFFSET = 39;

const ACK_RESULT_WORDS: readonly AckResultWord[] = ["ok", "in_progress", "error", "unsupported"];

/** docs/protocol.md section 6.2, by code. */
const COMMAND_NAMES: Record<number, CommandName> = {
  1: "reboot", 2: "identify", 3: "set_config", 4: "rotate_key", 5: "ota_offer",
  16: "device_add", 17: "device_rotate_key", 18: "device_revoke", 19: "set_dashboard_token",
};

/** Returns the typed payload of the last frame the core decoded OK, whose type is `type`. */
export function readTypedPayload(handle: CoreHandle, type: number): TypedPayload {
  const core = handle.exports;
  const frameText = (offset: number, len: number) => handle.read(core.buffer_frame() + offset, len).toString("utf8");
  const decoded = () => handle.read(core.buffer_decoded(), core.decoded_len());

  switch (type) {
    case FRAME_TYPE_ACK: {
      const reasonLen = core.ack_reason_len();
      const result = ACK_RESULT_WORDS[core.ack_result()]!;
      const reason = reasonLen > 0 ? frameText(core.ack_reason_offset(), reasonLen) : undefined;
      return { kind: "ack", id: core.ack_id() >>> 0, result, ...(reason !== undefined ? { reason } : {}) };
    }
    case FRAME_TYPE_BEACON:
      return { kind: "beacon", channel: core.beacon_channel(), boot: core.beacon_boot() >>> 0 };
    case FRAME_TYPE_MANIFEST:
      return {
        kind: "manifest",
        size: core.manifest_size(),
        media: frameText(core.manifest_media_offset(), core.manifest_media_len()),
        sha256: decoded(),
      };
    case FRAME_TYPE_CHUNK:
      return {
        kind: "chunk",
        content: core.chunk_content() >>> 0,
        offset: core.chunk_offset() >>> 0,
        total: core.chunk_total(),
        data: handle.read(core.buffer_frame() + CHUNK_DATA_OFFSET, core.chunk_data_len()),
      };
    case FRAME_TYPE_COMMAND: {
      const code = core.command_code();
      const textLen = core.command_text_len();
      const deviceLen = core.command_device_len();
      return {
        kind: "command",
        id: core.command_id() >>> 0,
        code,
        cmd: COMMAND_NAMES[code]!,
        number: core.command_number(),
        ...(textLen > 0 ? { text: frameText(core.command_text_offset(), textLen) } : {}),
        ...(deviceLen > 0 ? { device: handle.read(core.buffer_arg_device(), deviceLen).toString("ascii") } : {}),
        ...(core.decoded_len() > 0 ? { decoded: decoded() } : {}),
      };
    }
    default:
      return { kind: "json" };
  }
}
