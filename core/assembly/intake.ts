// The home base's whole intake of a frame from the air (docs/protocol.md section 1.3, checks 1 to
// 13 in order). No state changes before the signature has verified.

import { OK, FRAME_UNKNOWN_DEVICE, FRAME_TIMESTAMP_SKEW } from "./status";
import { networkKeyBuffer } from "./buffers";
import { decodeFrame, verifyDecodedFrame, frameDeviceId, frameTimestamp, frameSeq, frameType, FRAME_TYPE_COMMAND } from "./frame";
import { deviceFind, slotKey, slotWindow, deviceOnline, setDeviceOnline, setDeviceLastSeen } from "./device";
import { replayCheck, replayMark } from "./replay";
import { distance } from "./bytes";

/** How far a frame's timestamp may be from the receiver's clock, either way. */
export const FRAME_MAX_SKEW_SEC: u32 = 300;

/** The slot of the last frame that acceptFrame took, -1 before the first. */
export let acceptedSlot: i32 = -1;
/** 1 when that frame moved its device from offline to online. */
export let acceptedCameOnline: u32 = 0;

/**
 * Decodes `len` bytes of the frame buffer, finds the device, checks skew against `now` and the
 * replay window, then S < L and the signature; only then marks the seq, sets the last accepted
 * time and the online flag. The signer is the device's key for types 0x01 to 0x03 and the network
 * key for commands (section 1.1). Returns the first failing check's status or OK.
 */
export function acceptFrame(len: u32, now: u32): i32 {
  let status = decodeFrame(len);
  if (status != OK) return status;

  const found = deviceFind(frameDeviceId);
  if (found < 0) return FRAME_UNKNOWN_DEVICE;
  const slot = <u32>found;

  if (distance(frameTimestamp, now) > FRAME_MAX_SKEW_SEC) return FRAME_TIMESTAMP_SKEW;

  const window = slotWindow(slot);
  status = replayCheck(window, frameSeq);
  if (status != OK) return status;

  const signer = frameType == FRAME_TYPE_COMMAND ? networkKeyBuffer : slotKey(slot);
  status = verifyDecodedFrame(signer);
  if (status != OK) return status;

  // The signature verified: now, and only now, change state.
  replayMark(window, frameSeq);
  setDeviceLastSeen(slot, now);
  acceptedCameOnline = deviceOnline(slot) ? 0 : 1;
  setDeviceOnline(slot, true);
  acceptedSlot = <i32>slot;
  return OK;
}
