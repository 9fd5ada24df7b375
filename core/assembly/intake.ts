// The home base's intake of a device frame from the air (docs/protocol.md section 1.3, checks 1 to
// 17 in order). No state changes before the signature has verified.

import {
  OK, FRAME_UNKNOWN_DEVICE, FRAME_TIMESTAMP_SKEW, FRAME_WRONG_DIRECTION, FRAME_NOT_SIGNED, SIGNATURE_INVALID,
} from "./status";
import {
  decodeFrame, verifyDecodedFrame, frameDeviceId, frameTimestamp, frameSeq, frameType,
  FRAME_TYPE_COMMAND, FRAME_TYPE_BEACON, FRAME_TYPE_CHUNK,
} from "./frame";
import {
  deviceFind, slotKey, slotNextKey, slotHasNextKey, promoteNextKey, slotWindow, deviceOnline, setDeviceOnline,
  setDeviceLastSeen,
} from "./device";
import { replayCheck, replayMark } from "./replay";
import { raiseWindowFloor } from "./floor";
import { distance } from "./bytes";

/** How far a device frame's timestamp may be from the receiver's clock, either way (section 10.1). */
export const FRAME_MAX_SKEW_SEC: u32 = 300;

/** The slot of the last frame that acceptFrame took, -1 before the first. */
export let acceptedSlot: i32 = -1;
/** 1 when that frame moved its device from offline to online. */
export let acceptedCameOnline: u32 = 0;
/** 1 when that frame verified under the device's next key. */
export let acceptedKeyRotated: u32 = 0;

/** The slot that the last precheck found; valid only after it returned OK. */
let precheckSlot: u32 = 0;

/**
 * Checks 1 to 15 for a device frame (types 0x01 to 0x03, 0x05, 0x07) on `len` bytes of the frame
 * buffer at `now`: decode, direction, the registry, skew and the replay window with its floor.
 * Commands and beacons are FRAME_WRONG_DIRECTION, chunks FRAME_NOT_SIGNED. Changes no state.
 */
export function precheckFrame(len: u32, now: u32): i32 {
  let status = decodeFrame(len);
  if (status != OK) return status;

  if (frameType == FRAME_TYPE_CHUNK) return FRAME_NOT_SIGNED;
  if (frameType == FRAME_TYPE_COMMAND || frameType == FRAME_TYPE_BEACON) return FRAME_WRONG_DIRECTION;

  const found = deviceFind(frameDeviceId);
  if (found < 0) return FRAME_UNKNOWN_DEVICE;
  const slot = <u32>found;

  if (distance(frameTimestamp, now) > FRAME_MAX_SKEW_SEC) return FRAME_TIMESTAMP_SKEW;

  status = replayCheck(slotWindow(slot), frameSeq);
  if (status != OK) return status;

  precheckSlot = slot;
  return OK;
}

/**
 * Runs precheckFrame, then S < L and the signature under the device's key and, when that fails and
 * the device has a next key, under the next key. Only then marks the seq, raises the persisted
 * floor, and sets the last accepted time and the online flag. A frame that verifies under the next
 * key makes it the device's key. Returns the first failing check's status or OK.
 */
export function acceptFrame(len: u32, now: u32): i32 {
  let status = precheckFrame(len, now);
  if (status != OK) return status;
  const slot = precheckSlot;

  // S < L fails the same way under either key, so only SIGNATURE_INVALID tries the next key.
  let rotated = false;
  status = verifyDecodedFrame(slotKey(slot));
  if (status == SIGNATURE_INVALID && slotHasNextKey(slot)) {
    status = verifyDecodedFrame(slotNextKey(slot));
    rotated = status == OK;
  }
  if (status != OK) return status;

  // The signature verified: now, and only now, change state.
  if (rotated) promoteNextKey(slot);
  const window = slotWindow(slot);
  replayMark(window, frameSeq);
  raiseWindowFloor(window, frameSeq);
  setDeviceLastSeen(slot, now);
  acceptedCameOnline = deviceOnline(slot) ? 0 : 1;
  setDeviceOnline(slot, true);
  acceptedSlot = <i32>slot;
  acceptedKeyRotated = rotated ? 1 : 0;
  return OK;
}
