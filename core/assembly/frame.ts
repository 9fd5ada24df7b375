// ESP-NOW frames (docs/protocol.md section 1): the form checks 1 to 8 of section 1.3, the signed
// message of section 1.1, and the stateless signature check that the central server runs.

import {
  OK, FRAME_TOO_SHORT, FRAME_TOO_LONG, FRAME_BAD_VERSION, FRAME_BAD_TYPE, FRAME_BAD_DEVICE_ID,
  FRAME_PAYLOAD_TOO_LONG, FRAME_LENGTH_MISMATCH, FRAME_BAD_JSON,
} from "./status";
import { frameBuffer, messageBuffer, networkKeyBuffer, keyBuffer } from "./buffers";
import { deviceIdLen, DEVICE_ID_FIELD_LEN } from "./device_id";
import { isJsonObject } from "./json";
import { verifySignature, SIGNATURE_LEN } from "./signature";
import { writeAscii } from "./bytes";

export const FRAME_VERSION: u32 = 1;
export const FRAME_TYPE_HEARTBEAT: u32 = 0x01;
export const FRAME_TYPE_MOTION: u32 = 0x02;
export const FRAME_TYPE_LOG: u32 = 0x03;
export const FRAME_TYPE_COMMAND: u32 = 0x04;

// Header layout: version, type, device id, timestamp, seq, payload length, then the payload.
const VERSION_OFFSET: u32 = 0;
const TYPE_OFFSET: u32 = 1;
export const DEVICE_ID_OFFSET: u32 = 2;
const TIMESTAMP_OFFSET: u32 = 18;
const SEQ_OFFSET: u32 = 22;
const PAYLOAD_LEN_OFFSET: u32 = 26;
export const PAYLOAD_OFFSET: u32 = 27;

/** Header plus signature: the length of a frame with an empty payload. */
export const FRAME_MIN_LEN: u32 = PAYLOAD_OFFSET + SIGNATURE_LEN;
/** The ESP-NOW v1 payload limit. */
export const FRAME_MAX_LEN: u32 = 250;
export const PAYLOAD_MAX_LEN: u32 = FRAME_MAX_LEN - FRAME_MIN_LEN;

/** ASCII `homemesh/frame/v1` and one NUL byte (docs/protocol.md section 1.1). */
const FRAME_CONTEXT = "homemesh/frame/v1\0";
const NETWORK_KEY_LEN: u32 = 32;

// Fields of the last frame that decoded OK (docs/core-abi.md, "Frames").
export let frameType: u32 = 0;
export let frameTimestamp: u32 = 0;
export let frameSeq: u32 = 0;
export let framePayloadLen: u32 = 0;
export let frameDeviceIdLen: u32 = 0;
/** A copy of the decoded frame's 16-byte device id field, kept apart from the input buffer. */
export const frameDeviceId: usize = memory.data(DEVICE_ID_FIELD_LEN, 16);

function isKnownType(type: u32): bool {
  return type >= FRAME_TYPE_HEARTBEAT && type <= FRAME_TYPE_COMMAND;
}

/**
 * Runs form checks 1 to 8 on `len` bytes of the frame buffer, in the order of docs/protocol.md
 * section 1.3, and returns the first failure or OK. On OK the frame* fields describe the frame;
 * on failure they keep the previous frame's values. Reads the buffer only.
 */
export function decodeFrame(len: u32): i32 {
  if (len < FRAME_MIN_LEN) return FRAME_TOO_SHORT;
  if (len > FRAME_MAX_LEN) return FRAME_TOO_LONG;
  if (<u32>load<u8>(frameBuffer + VERSION_OFFSET) != FRAME_VERSION) return FRAME_BAD_VERSION;

  const type = <u32>load<u8>(frameBuffer + TYPE_OFFSET);
  if (!isKnownType(type)) return FRAME_BAD_TYPE;

  const idLen = deviceIdLen(frameBuffer + DEVICE_ID_OFFSET);
  if (idLen < 0) return FRAME_BAD_DEVICE_ID;

  const payloadLen = <u32>load<u8>(frameBuffer + PAYLOAD_LEN_OFFSET);
  if (payloadLen > PAYLOAD_MAX_LEN) return FRAME_PAYLOAD_TOO_LONG;
  if (len != FRAME_MIN_LEN + payloadLen) return FRAME_LENGTH_MISMATCH;

  // Types 0x01 to 0x04 all carry a JSON object (section 1.2).
  if (!isJsonObject(frameBuffer + PAYLOAD_OFFSET, payloadLen)) return FRAME_BAD_JSON;

  frameType = type;
  frameTimestamp = load<u32>(frameBuffer + TIMESTAMP_OFFSET);
  frameSeq = load<u32>(frameBuffer + SEQ_OFFSET);
  framePayloadLen = payloadLen;
  frameDeviceIdLen = <u32>idLen;
  memory.copy(frameDeviceId, frameBuffer + DEVICE_ID_OFFSET, DEVICE_ID_FIELD_LEN);
  return OK;
}

/** Returns the offset of the signature in the last frame that decoded OK. */
export function frameSignatureOffset(): u32 {
  return PAYLOAD_OFFSET + framePayloadLen;
}

/**
 * Writes the signed message of the last decoded frame into the message buffer: the context, the
 * network key, then every frame byte before the signature (section 1.1). Returns its length.
 */
export function writeFrameSignedMessage(): u32 {
  let at = messageBuffer;
  at += writeAscii(at, FRAME_CONTEXT);

  memory.copy(at, networkKeyBuffer, NETWORK_KEY_LEN);
  at += NETWORK_KEY_LEN;

  const signedLen = frameSignatureOffset();
  memory.copy(at, frameBuffer, signedLen);
  return <u32>(at + signedLen - messageBuffer);
}

/** Decodes, then writes the signed message; returns its length or the decode status. */
export function frameSignedMessage(len: u32): i32 {
  const status = decodeFrame(len);
  if (status != OK) return status;

  return <i32>writeFrameSignedMessage();
}

/**
 * Checks the signature of the last decoded frame under the 32-byte key at `signerKey`, bound to
 * the network key buffer. Overwrites the message buffer; changes no other state.
 */
export function verifyDecodedFrame(signerKey: usize): i32 {
  const msgLen = writeFrameSignedMessage();
  return verifySignature(frameBuffer + frameSignatureOffset(), messageBuffer, msgLen, signerKey);
}

/**
 * Checks a forwarded frame as the central server does: decode, S < L, and the signature under the
 * key buffer with the network key buffer. Uses no registry, replay window or clock.
 */
export function frameVerify(len: u32): i32 {
  const status = decodeFrame(len);
  if (status != OK) return status;

  return verifyDecodedFrame(keyBuffer);
}
