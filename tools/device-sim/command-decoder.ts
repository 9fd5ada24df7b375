/**
 * A simulated device's side of commands and beacons (docs/protocol.md sections 1, 1.5, 1.6, 6): decodes a command
 * frame (0x04) that the home base relayed, checks its signature under the network key with
 * tweetnacl as a device would, and answers it with an acknowledgement (0x05). Written from the
 * protocol page alone, independent of the core.
 *
 * Limits: the simulator runs no command. It acknowledges reboot, identify and set_config with `ok`
 * and the rest with `unsupported`, and it keeps no command window across restarts.
 */
import nacl from "tweetnacl";
import { DEVICE_ID_FIELD_LEN, FRAME_HEADER_LEN, FRAME_TYPES, frameSignedMessage, PAYLOAD_MAX_LEN, SIGNATURE_LEN } from "./encoder.ts";

export interface DecodedCommand {
  /** The target device. */
  deviceId: string;
  timestamp: number;
  seq: number;
  /** The command id of section 6.1. */
  id: number;
  cmd: string;
}

/** Acknowledgements a device keeps for repeats (section 6.3). */
export const ACKS_KEPT = 8;
const DEVICE_ID_RULE = /^[A-Za-z0-9_-]{1,15}$/;
const ACKNOWLEDGED_OK = new Set(["reboot", "identify", "set_config"]);
const BEACON_TYPE = 0x06;
const BEACON_PAYLOAD_LEN = 6;

/** Returns the command in `frame`, or null for any other frame, a malformed one or a bad signature. */
export function decodeCommand(frame: Uint8Array, networkPublicKey: Uint8Array): DecodedCommand | null {
  const bytes = Buffer.from(frame);
  if (bytes.length < FRAME_HEADER_LEN + SIGNATURE_LEN || bytes[0] !== 1 || bytes[1] !== FRAME_TYPES.command) return null;

  const payloadLen = bytes.readUInt8(26);
  if (payloadLen > PAYLOAD_MAX_LEN || bytes.length !== FRAME_HEADER_LEN + payloadLen + SIGNATURE_LEN) return null;
  const idField = bytes.subarray(2, 2 + DEVICE_ID_FIELD_LEN);
  const nul = idField.indexOf(0);
  if (nul < 1 || idField.subarray(nul).some((byte) => byte !== 0)) return null;
  const deviceId = idField.subarray(0, nul).toString("ascii");
  if (!DEVICE_ID_RULE.test(deviceId)) return null;

  const signed = bytes.subarray(0, FRAME_HEADER_LEN + payloadLen);
  const signature = bytes.subarray(FRAME_HEADER_LEN + payloadLen);
  if (!nacl.sign.detached.verify(frameSignedMessage(signed, networkPublicKey), signature, networkPublicKey)) return null;

  let payload: unknown;
  try {
    payload = JSON.parse(bytes.subarray(FRAME_HEADER_LEN, FRAME_HEADER_LEN + payloadLen).toString("utf8"));
  } catch {
    return null;
  }
  const fields = payload as Record<string, unknown>;
  if (payload === null || typeof payload !== "object" || !Number.isInteger(fields.id) || typeof fields.cmd !== "string") return null;

  return { deviceId, timestamp: bytes.readUInt32LE(18), seq: bytes.readUInt32LE(22), id: fields.id as number, cmd: fields.cmd };
}

/** Returns the boot counter of a time beacon (0x06, section 1.6) signed by `homeBasePublicKey`, or null for any other frame. */
export function decodeBeaconBoot(frame: Uint8Array, networkPublicKey: Uint8Array, homeBasePublicKey: Uint8Array): number | null {
  const bytes = Buffer.from(frame);
  const beaconLen = FRAME_HEADER_LEN + BEACON_PAYLOAD_LEN + SIGNATURE_LEN;
  if (bytes.length !== beaconLen || bytes[0] !== 1 || bytes[1] !== BEACON_TYPE || bytes.readUInt8(26) !== BEACON_PAYLOAD_LEN) return null;

  const signed = bytes.subarray(0, FRAME_HEADER_LEN + BEACON_PAYLOAD_LEN);
  const signature = bytes.subarray(FRAME_HEADER_LEN + BEACON_PAYLOAD_LEN);
  if (!nacl.sign.detached.verify(frameSignedMessage(signed, networkPublicKey), signature, homeBasePublicKey)) return null;

  const boot = bytes.readUInt32LE(FRAME_HEADER_LEN + 2);
  return bytes[FRAME_HEADER_LEN + 1] === 0 && boot >= 1 ? boot : null;
}

/** Builds the acknowledgement payload a simulated device sends for `command`. */
export function ackPayload(command: DecodedCommand): Record<string, unknown> {
  if (ACKNOWLEDGED_OK.has(command.cmd)) return { id: command.id, result: "ok" };
  return { id: command.id, result: "unsupported", reason: "simulated device" };
}
