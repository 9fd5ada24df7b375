// Building a frame for a signer whose private key stays outside the core (docs/core-abi.md,
// `frame_build`, `frame_message_len`, `frame_set_signature`): the core writes the frame with an
// empty signature, checks it as any receiver would, and hands out the signed message; the host
// signs it and gives the signature back. The core never holds a private key.
//
// Limit: the built frame lives in the frame buffer. Anything that writes the frame buffer after
// frame_build (a host, or a decode of another frame) leaves frame_set_signature writing into it.

import { OK, FRAME_BAD_TYPE, FRAME_TOO_LONG, FRAME_NOT_SIGNED, BUILD_NOT_READY } from "./status";
import { frameBuffer, deviceIdBuffer, payloadBuffer, signatureBuffer } from "./buffers";
import { decodeFrame, writeFrameSignedMessage, isSignedType, FRAME_MAX_LEN, PAYLOAD_OFFSET, FRAME_VERSION } from "./frame";
import { DEVICE_ID_FIELD_LEN } from "./device_id";
import { SIGNATURE_LEN } from "./signature";

const TYPE_MAX: u32 = 0xff;

let built: bool = false;
let builtSigned: bool = false;
let builtLen: u32 = 0;
let messageLen: u32 = 0;

/**
 * Writes a frame of `type` into the frame buffer: the device id buffer, `timestamp`, `seq`,
 * `payloadLen` bytes of the payload buffer and, for every type but the chunk, 64 zero bytes of
 * signature. Then decodes it and returns that status on failure, so no invalid frame is built.
 * Returns the frame length on success and, for signed types, writes the signed message.
 * A frame longer than 250 bytes is FRAME_TOO_LONG before anything is written, the status its
 * decode would return at check 2, whatever the type. A type above 255 does not fit its byte and is
 * FRAME_BAD_TYPE, the status of check 4.
 */
export function frameBuild(type: u32, timestamp: u32, seq: u32, payloadLen: u32): i32 {
  built = false;

  const isSigned = isSignedType(type);
  const len = <u64>PAYLOAD_OFFSET + <u64>payloadLen + <u64>(isSigned ? SIGNATURE_LEN : 0);
  if (len > <u64>FRAME_MAX_LEN) return FRAME_TOO_LONG;
  if (type > TYPE_MAX) return FRAME_BAD_TYPE;

  store<u8>(frameBuffer, <u8>FRAME_VERSION);
  store<u8>(frameBuffer + 1, <u8>type);
  memory.copy(frameBuffer + 2, deviceIdBuffer, DEVICE_ID_FIELD_LEN);
  store<u32>(frameBuffer + 18, timestamp);
  store<u32>(frameBuffer + 22, seq);
  store<u8>(frameBuffer + 26, <u8>payloadLen);
  memory.copy(frameBuffer + PAYLOAD_OFFSET, payloadBuffer, payloadLen);
  if (isSigned) memory.fill(frameBuffer + PAYLOAD_OFFSET + payloadLen, 0, SIGNATURE_LEN);

  const status = decodeFrame(<u32>len);
  if (status != OK) return status;

  built = true;
  builtSigned = isSigned;
  builtLen = <u32>len;
  messageLen = isSigned ? writeFrameSignedMessage() : 0;
  return <i32>builtLen;
}

/** Returns the signed message length of the last successful frameBuild, 0 for a chunk or before any. */
export function frameMessageLen(): u32 {
  return messageLen;
}

/**
 * Copies the signature buffer into the trailer of the frame that the last successful frameBuild
 * wrote, and returns the frame length. FRAME_NOT_SIGNED for a chunk, BUILD_NOT_READY when there is
 * no built frame.
 */
export function frameSetSignature(): i32 {
  if (!built) return BUILD_NOT_READY;
  if (!builtSigned) return FRAME_NOT_SIGNED;

  memory.copy(frameBuffer + builtLen - SIGNATURE_LEN, signatureBuffer, SIGNATURE_LEN);
  return <i32>builtLen;
}
