// The home base's replay state file (docs/core-abi.md, "Replay state persistence"; docs/protocol.md
// section 10.3): the batch floor, the home base's command floor, each device's frame and command
// floors, and the live nonces, little-endian:
//
//   0   4        ASCII `HMR1`
//   4   4        batch floor (0: none)
//   8   4        the home base's command floor (0: none)
//   12  1        d, device records
//   13  1        m, nonce records
//   14  24 x d   per used slot, in slot order: the 16-byte id field, frame floor, command floor
//   ..  36 x m   per live nonce, in cache order: the 32 hex characters, the request's timestamp

import { OK, STATE_BAD_FORMAT } from "./status";
import { stateBuffer, STATE_BUFFER_SIZE } from "./buffers";
import { deviceIdLen, DEVICE_ID_FIELD_LEN } from "./device_id";
import { isLowerHexRun } from "./bytes";
import { MAX_DEVICES, slotInUse, slotIdField, slotWindow, slotCommandWindow, deviceFind } from "./device";
import { selfIsSet, selfCommandWindow } from "./self";
import { batchFloorValue, batchRestoreFloor } from "./batch";
import { ReplayWindow } from "./replay";
import { setFloorDue } from "./floor";
import {
  NONCE_CAPACITY, NONCE_LEN, nonceEntryLive, nonceEntryText, nonceEntryTimestamp, nonceStore, nonceClearAll, nonceLive,
} from "./nonce";

/** ASCII `HMR1` read as a little-endian u32. */
const STATE_MAGIC: u32 = 0x31524d48;
const HEADER_LEN: u32 = 14;
const DEVICE_RECORD_LEN: u32 = 24;
const NONCE_RECORD_LEN: u32 = 36;

/**
 * Writes the state into the state buffer, with the nonces live at `now`, clears replay_floor_due
 * and returns the length.
 */
export function replayExport(now: u32): u32 {
  store<u32>(stateBuffer, STATE_MAGIC);
  store<u32>(stateBuffer + 4, batchFloorValue());
  store<u32>(stateBuffer + 8, selfIsSet ? selfCommandWindow().persistedFloor : 0);

  let at = stateBuffer + HEADER_LEN;
  let deviceCount: u32 = 0;
  for (let slot: u32 = 0; slot < MAX_DEVICES; slot++) {
    if (!slotInUse(slot)) continue;
    memory.copy(at, slotIdField(slot), DEVICE_ID_FIELD_LEN);
    store<u32>(at + 16, slotWindow(slot).persistedFloor);
    store<u32>(at + 20, slotCommandWindow(slot).persistedFloor);
    at += DEVICE_RECORD_LEN;
    deviceCount++;
  }

  let nonceCount: u32 = 0;
  for (let i: u32 = 0; i < NONCE_CAPACITY; i++) {
    if (!nonceEntryLive(i, now)) continue;
    memory.copy(at, nonceEntryText(i), NONCE_LEN);
    store<u32>(at + NONCE_LEN, nonceEntryTimestamp(i));
    at += NONCE_RECORD_LEN;
    nonceCount++;
  }

  store<u8>(stateBuffer + 12, <u8>deviceCount);
  store<u8>(stateBuffer + 13, <u8>nonceCount);
  setFloorDue(false);
  return <u32>(at - stateBuffer);
}

/** Returns true when `len` bytes of the state buffer are a state of the format above. Reads only. */
function isState(len: u32): bool {
  if (len < HEADER_LEN || len > STATE_BUFFER_SIZE) return false;
  if (load<u32>(stateBuffer) != STATE_MAGIC) return false;

  const deviceCount = <u32>load<u8>(stateBuffer + 12);
  const nonceCount = <u32>load<u8>(stateBuffer + 13);
  if (deviceCount > MAX_DEVICES || nonceCount > NONCE_CAPACITY) return false;
  if (len != HEADER_LEN + DEVICE_RECORD_LEN * deviceCount + NONCE_RECORD_LEN * nonceCount) return false;

  let at = stateBuffer + HEADER_LEN;
  for (let i: u32 = 0; i < deviceCount; i++) {
    if (deviceIdLen(at) < 0) return false;
    at += DEVICE_RECORD_LEN;
  }
  for (let i: u32 = 0; i < nonceCount; i++) {
    if (!isLowerHexRun(at, NONCE_LEN)) return false;
    at += NONCE_RECORD_LEN;
  }
  return true;
}

/**
 * Makes `window` refuse every seq at or below `floor` and takes `floor` as persisted; 0 means none.
 * Floors only rise: an older state imported later, or a second record for the same id, never
 * lowers a floor that is already in force.
 */
function restoreWindowFloor(window: ReplayWindow, floor: u32): void {
  if (floor > window.refusalFloor) window.refusalFloor = floor;
  if (floor > window.persistedFloor) window.persistedFloor = floor;
}

/**
 * Reads a state of `len` bytes from the state buffer at `now` (docs/core-abi.md, `replay_import`).
 * Returns STATE_BAD_FORMAT, changing nothing, for bytes that are not such a state. NOTE: the nonce
 * cache is replaced by the state's nonces still live at `now`, filled from the first entry.
 */
export function replayImport(len: u32, now: u32): i32 {
  if (!isState(len)) return STATE_BAD_FORMAT;

  batchRestoreFloor(load<u32>(stateBuffer + 4));
  if (selfIsSet) restoreWindowFloor(selfCommandWindow(), load<u32>(stateBuffer + 8));

  const deviceCount = <u32>load<u8>(stateBuffer + 12);
  const nonceCount = <u32>load<u8>(stateBuffer + 13);
  let at = stateBuffer + HEADER_LEN;
  for (let i: u32 = 0; i < deviceCount; i++) {
    const slot = deviceFind(at);
    if (slot >= 0) {
      restoreWindowFloor(slotWindow(<u32>slot), load<u32>(at + 16));
      restoreWindowFloor(slotCommandWindow(<u32>slot), load<u32>(at + 20));
    }
    at += DEVICE_RECORD_LEN;
  }

  nonceClearAll();
  let entry: u32 = 0;
  for (let i: u32 = 0; i < nonceCount; i++) {
    const timestamp = load<u32>(at + NONCE_LEN);
    if (nonceLive(timestamp, now)) {
      nonceStore(entry, at, timestamp);
      entry++;
    }
    at += NONCE_RECORD_LEN;
  }
  return OK;
}
