// The home base's own identity in the core (docs/core-abi.md, "Device table"): its device id, so
// that a command addressed to it is recognised, and the command window of its config commands.

import { OK, FRAME_BAD_DEVICE_ID } from "./status";
import { deviceIdBuffer } from "./buffers";
import { deviceIdLen, DEVICE_ID_FIELD_LEN } from "./device_id";
import { bytesEqual } from "./bytes";
import { ReplayWindow, replayReset, REPLAY_WINDOW_SIZE } from "./replay";

const selfIdField: usize = memory.data(DEVICE_ID_FIELD_LEN, 16);
const selfWindow: usize = memory.data(REPLAY_WINDOW_SIZE, 16);

/** True once self_set stored an id. */
export let selfIsSet: bool = false;

export function selfCommandWindow(): ReplayWindow {
  return changetype<ReplayWindow>(selfWindow);
}

/** Stores the id in the device id buffer as the home base's own, with a fresh command window. */
export function selfSet(): i32 {
  if (deviceIdLen(deviceIdBuffer) < 0) return FRAME_BAD_DEVICE_ID;

  memory.copy(selfIdField, deviceIdBuffer, DEVICE_ID_FIELD_LEN);
  replayReset(selfCommandWindow());
  selfIsSet = true;
  return OK;
}

/** Returns true when the 16-byte id field at `idField` is the home base's own id. */
export function isSelf(idField: usize): bool {
  return selfIsSet && bytesEqual(selfIdField, idField, DEVICE_ID_FIELD_LEN);
}

/** Returns the persisted floor of the home base's command window, 0 when none. */
export function selfCommandFloor(): u32 {
  return selfIsSet ? selfCommandWindow().persistedFloor : 0;
}
