// ESP-NOW frames (docs/protocol.md section 1): the stateless checks 1 to 10 of section 1.3 for
// all eight types, the signed message of section 1.1, and the stateless signature check that the
// central server runs.

import {
  OK, FRAME_TOO_SHORT, FRAME_TOO_LONG, FRAME_BAD_VERSION, FRAME_BAD_TYPE, FRAME_BAD_DEVICE_ID,
  FRAME_PAYLOAD_TOO_LONG, FRAME_LENGTH_MISMATCH, FRAME_BAD_JSON, FRAME_NOT_SIGNED,
} from "./status";
import { frameBuffer, messageBuffer, networkKeyBuffer, keyBuffer } from "./buffers";
import { deviceIdLen, DEVICE_ID_FIELD_LEN } from "./device_id";
import { isJsonObject } from "./json";
import { verifySignature, SIGNATURE_LEN } from "./signature";
import { writeAscii } from "./bytes";
import { fieldsClear, fieldsCommit } from "./payload_fields";
import { checkCommandPayload } from "./command";
import { checkAckPayload } from "./ack";
import { checkBeaconPayload, BEACON_PAYLOAD_LEN } from "./beacon";
import { checkManifestPayload } from "./manifest";
import { checkChunkPayload } from "./chunk";

export const FRAME_VERSION: u32 = 1;
export const FRAME_TYPE_HEARTBEAT: u32 = 0x01;
export const FRAME_TYPE_MOTION: u32 = 0x02;
export const FRAME_TYPE_LOG: u32 = 0x03;
export const FRAME_TYPE_COMMAND: u32 = 0x04;
export const FRAME_TYPE_ACK: u32 = 0x05;
export const FRAME_TYPE_BEACON: u32 = 0x06;
export const FRAME_TYPE_MANIFEST: u32 = 0x07;
export const FRAME_TYPE_CHUNK: u32 = 0x08;

// Header layout: version, type, device id, timestamp, seq, payload length, then the payload.
const VERSION_OFFSET: u32 = 0;
const TYPE_OFFSET: u32 = 1;
export const DEVICE_ID_OFFSET: u32 = 2;
const TIMESTAMP_OFFSET: u32 = 18;
const SEQ_OFFSET: u32 = 22;
const PAYLOAD_LEN_OFFSET: u32 = 26;
export const PAYLOAD_OFFSET: u32 = 27;

/** Header plus signature: the length of a signed frame with an empty payload. */
export const FRAME_MIN_LEN: u32 = PAYLOAD_OFFSET + SIGNATURE_LEN;
/** The ESP-NOW v1 payload limit. */
export const FRAME_MAX_LEN: u32 = 250;
/** The payload limit of every signed type but the beacon: 159 bytes. */
export const PAYLOAD_MAX_LEN: u32 = FRAME_MAX_LEN - FRAME_MIN_LEN;
/** A chunk's payload limit: the whole frame minus the header, 223 bytes. */
export const CHUNK_PAYLOAD_MAX_LEN: u32 = FRAME_MAX_LEN - PAYLOAD_OFFSET;
/** The shortest chunk frame: the header and a 13-byte payload (12 bytes of fields, 1 of data). */
const CHUNK_MIN_LEN: u32 = 40;

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

export function isKnownType(type: u32): bool {
  return type >= FRAME_TYPE_HEARTBEAT && type <= FRAME_TYPE_CHUNK;
}

/** Returns true for a signed type: every type but the chunk (section 1.2). */
export function isSignedType(type: u32): bool {
  return type != FRAME_TYPE_CHUNK;
}

/** Returns true when the type's payload is a JSON object: every type but the beacon and the chunk. */
function isJsonType(type: u32): bool {
  return type != FRAME_TYPE_BEACON && type != FRAME_TYPE_CHUNK;
}

/** Returns the payload limit of a known type (section 1.2). */
export function payloadMaxLen(type: u32): u32 {
  if (type == FRAME_TYPE_BEACON) return BEACON_PAYLOAD_LEN;
  if (type == FRAME_TYPE_CHUNK) return CHUNK_PAYLOAD_MAX_LEN;
  return PAYLOAD_MAX_LEN;
}

/** Check 10: the payload rule of the type, for the `len` payload bytes at `ptr`. */
function checkPayload(type: u32, ptr: usize, len: u32): i32 {
  switch (type) {
    case FRAME_TYPE_COMMAND: return checkCommandPayload(ptr, len);
    case FRAME_TYPE_ACK: return checkAckPayload(ptr, len);
    case FRAME_TYPE_BEACON: return checkBeaconPayload(ptr, len);
    case FRAME_TYPE_MANIFEST: return checkManifestPayload(ptr, len);
    case FRAME_TYPE_CHUNK: return checkChunkPayload(ptr, len);
    default: return OK;
  }
}

/**
 * Runs checks 1 to 10 on `len` bytes of the frame buffer, in the order of docs/protocol.md
 * section 1.3, and returns the first failure or OK. On OK the frame* fields and the typed payload
 * fields describe the frame; on failure they keep the previous frame's values. Reads the buffer only.
 */
export function decodeFrame(len: u32): i32 {
  if (len < PAYLOAD_OFFSET) return FRAME_TOO_SHORT;
  if (len > FRAME_MAX_LEN) return FRAME_TOO_LONG;
  if (<u32>load<u8>(frameBuffer + VERSION_OFFSET) != FRAME_VERSION) return FRAME_BAD_VERSION;

  const type = <u32>load<u8>(frameBuffer + TYPE_OFFSET);
  if (!isKnownType(type)) return FRAME_BAD_TYPE;

  const isSigned = isSignedType(type);
  const minLen = isSigned ? FRAME_MIN_LEN : CHUNK_MIN_LEN;
  if (len < minLen) return FRAME_TOO_SHORT;

  const idLen = deviceIdLen(frameBuffer + DEVICE_ID_OFFSET);
  if (idLen < 0) return FRAME_BAD_DEVICE_ID;

  const payloadLen = <u32>load<u8>(frameBuffer + PAYLOAD_LEN_OFFSET);
  if (payloadLen > payloadMaxLen(type)) return FRAME_PAYLOAD_TOO_LONG;
  if (len != PAYLOAD_OFFSET + payloadLen + (isSigned ? SIGNATURE_LEN : 0)) return FRAME_LENGTH_MISMATCH;

  const payload = frameBuffer + PAYLOAD_OFFSET;
  if (isJsonType(type) && !isJsonObject(payload, payloadLen)) return FRAME_BAD_JSON;

  fieldsClear();
  const status = checkPayload(type, payload, payloadLen);
  if (status != OK) return status;

  fieldsCommit();
  frameType = type;
  frameTimestamp = load<u32>(frameBuffer + TIMESTAMP_OFFSET);
  frameSeq = load<u32>(frameBuffer + SEQ_OFFSET);
  framePayloadLen = payloadLen;
  frameDeviceIdLen = <u32>idLen;
  memory.copy(frameDeviceId, frameBuffer + DEVICE_ID_OFFSET, DEVICE_ID_FIELD_LEN);
  return OK;
}

/** Returns the length of the last decoded frame: header, payload and, for signed types, the signature. */
export function decodedFrameLen(): u32 {
  return PAYLOAD_OFFSET + framePayloadLen + (isSignedType(frameType) ? SIGNATURE_LEN : 0);
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

/** Decodes, then writes the signed message; returns its length, the decode status or FRAME_NOT_SIGNED. */
export function frameSignedMessage(len: u32): i32 {
  const status = decodeFrame(len);
  if (status != OK) return status;
  if (!isSignedType(frameType)) return FRAME_NOT_SIGNED;

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
 * key buffer with the network key buffer. Uses no registry, replay window or clock. A chunk is
 * FRAME_NOT_SIGNED.
 */
export function frameVerify(len: u32): i32 {
  const status = decodeFrame(len);
  if (status != OK) return status;
  if (!isSignedType(frameType)) return FRAME_NOT_SIGNED;

  return verifyDecodedFrame(keyBuffer);
}
