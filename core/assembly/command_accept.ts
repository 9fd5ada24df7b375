// The home base's command path (docs/protocol.md section 1.3, checks 1 to 17 for type 0x04, and
// section 6.3). A command addressed to the home base itself or to a device in its table is checked
// against the target's command window and the network key. A seq already marked whose signature
// verifies is COMMAND_REPEATED, a success that changes nothing.

import {
  OK, COMMAND_REPEATED, FRAME_WRONG_DIRECTION, FRAME_UNKNOWN_DEVICE, COMMAND_WRONG_TARGET, FRAME_TIMESTAMP_SKEW,
  COMMAND_EXPIRED, REPLAY_DUPLICATE,
} from "./status";
import { networkKeyBuffer } from "./buffers";
import { decodeFrame, verifyDecodedFrame, frameDeviceId, frameTimestamp, frameSeq, frameType, FRAME_TYPE_COMMAND } from "./frame";
import { deviceFind, slotCommandWindow } from "./device";
import { isSelf, selfCommandWindow } from "./self";
import { ReplayWindow, replayCheck, replayMark } from "./replay";
import { raiseWindowFloor } from "./floor";
import { field, COMMAND_CODE } from "./payload_fields";
import { DEVICE_COMMAND_MAX_CODE } from "./command";
import { FRAME_MAX_SKEW_SEC } from "./intake";

/** Seconds a command stays valid after its timestamp (docs/protocol.md section 10.1). */
export const COMMAND_MAX_AGE_SEC: u32 = 86400;

/** The target of the last command that acceptCommand passed: its slot, or -1 for the home base. */
export let commandSlot: i32 = -1;

/**
 * Checks the command in `len` bytes of the frame buffer at `now`, in the order of docs/core-abi.md
 * (`command_accept`). Returns OK for a new command (its seq marked, its floor raised),
 * COMMAND_REPEATED for a marked seq whose signature verifies (nothing changes), or the first
 * failing check's status. NOTE: the home base's own id is matched before the device table.
 */
export function acceptCommand(len: u32, now: u32): i32 {
  let status = decodeFrame(len);
  if (status != OK) return status;
  if (frameType != FRAME_TYPE_COMMAND) return FRAME_WRONG_DIRECTION;

  // Check 12: the target; check 13: the code fits it.
  let target: i32 = -1;
  let window: ReplayWindow;
  if (isSelf(frameDeviceId)) {
    window = selfCommandWindow();
  } else {
    target = deviceFind(frameDeviceId);
    if (target < 0) return FRAME_UNKNOWN_DEVICE;
    window = slotCommandWindow(<u32>target);
  }
  const isDeviceCommand = field(COMMAND_CODE) <= DEVICE_COMMAND_MAX_CODE;
  if (isDeviceCommand == (target < 0)) return COMMAND_WRONG_TARGET;

  // Check 14: at most 300 s ahead, at most 86400 s behind.
  if (<u64>frameTimestamp > <u64>now + <u64>FRAME_MAX_SKEW_SEC) return FRAME_TIMESTAMP_SKEW;
  if (<u64>now > <u64>frameTimestamp + <u64>COMMAND_MAX_AGE_SEC) return COMMAND_EXPIRED;

  // Check 15: a duplicate goes on to the signature and then counts as a repeat.
  status = replayCheck(window, frameSeq);
  const repeated = status == REPLAY_DUPLICATE;
  if (status != OK && !repeated) return status;

  status = verifyDecodedFrame(networkKeyBuffer);
  if (status != OK) return status;

  commandSlot = target;
  if (repeated) return COMMAND_REPEATED;

  replayMark(window, frameSeq);
  raiseWindowFloor(window, frameSeq);
  return OK;
}
