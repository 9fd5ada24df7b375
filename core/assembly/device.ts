// The home base's device table (docs/core-abi.md, "Device table"): MAX_DEVICES fixed slots, each
// with a device id, a public key, an optional next key (during a rotation), a replay window for its
// frames and a command window for commands to it (both with their floors), the last accepted time
// and an online flag.
//
// Limits: the table has exactly MAX_DEVICES slots, and the host keeps ids unique across slots
// (device_find returns the lowest slot holding an id).

import { OK, FRAME_BAD_DEVICE_ID, DEVICE_BAD_SLOT } from "./status";
import { deviceIdBuffer, keyBuffer } from "./buffers";
import { deviceIdLen, DEVICE_ID_FIELD_LEN } from "./device_id";
import { bytesEqual } from "./bytes";
import { ReplayWindow, replayReset, REPLAY_WINDOW_SIZE } from "./replay";

export const MAX_DEVICES: u32 = 32;

const KEY_LEN: u32 = 32;

// Layout of one slot record.
const ID_OFFSET: u32 = 0;
const KEY_OFFSET: u32 = 16;
const NEXT_KEY_OFFSET: u32 = 48;
const WINDOW_OFFSET: u32 = 80;
const COMMAND_WINDOW_OFFSET: u32 = WINDOW_OFFSET + ((REPLAY_WINDOW_SIZE + 7) & ~7);
const LAST_SEEN_OFFSET: u32 = COMMAND_WINDOW_OFFSET + ((REPLAY_WINDOW_SIZE + 7) & ~7);
const USED_OFFSET: u32 = LAST_SEEN_OFFSET + 4;
const ONLINE_OFFSET: u32 = USED_OFFSET + 1;
const HAS_NEXT_KEY_OFFSET: u32 = ONLINE_OFFSET + 1;
const SLOT_SIZE: u32 = (HAS_NEXT_KEY_OFFSET + 1 + 7) & ~7;

const table: usize = memory.data(MAX_DEVICES * SLOT_SIZE, 16);

@inline function slotBase(slot: u32): usize {
  return table + <usize>(slot * SLOT_SIZE);
}

/** Returns true when `slot` is inside the table and contains a device. */
export function slotInUse(slot: u32): bool {
  return slot < MAX_DEVICES && load<u8>(slotBase(slot) + USED_OFFSET) != 0;
}

export function slotIdField(slot: u32): usize {
  return slotBase(slot) + ID_OFFSET;
}

export function slotKey(slot: u32): usize {
  return slotBase(slot) + KEY_OFFSET;
}

export function slotNextKey(slot: u32): usize {
  return slotBase(slot) + NEXT_KEY_OFFSET;
}

/** The replay window of the device's own frames. */
export function slotWindow(slot: u32): ReplayWindow {
  return changetype<ReplayWindow>(slotBase(slot) + WINDOW_OFFSET);
}

/** Returns the window of commands addressed to the device (docs/protocol.md section 6.3). */
export function slotCommandWindow(slot: u32): ReplayWindow {
  return changetype<ReplayWindow>(slotBase(slot) + COMMAND_WINDOW_OFFSET);
}

/** Returns true when the device in `slot` has a next key waiting for its first frame. */
export function slotHasNextKey(slot: u32): bool {
  return slotInUse(slot) && load<u8>(slotBase(slot) + HAS_NEXT_KEY_OFFSET) != 0;
}

/**
 * Stores the key buffer as the next key of the device in `slot` (docs/protocol.md section 6.2,
 * `device_rotate_key`), replacing an earlier next key. Returns DEVICE_BAD_SLOT for an empty slot
 * or one out of range.
 */
export function deviceSetNextKey(slot: u32): i32 {
  if (!slotInUse(slot)) return DEVICE_BAD_SLOT;

  memory.copy(slotNextKey(slot), keyBuffer, KEY_LEN);
  store<u8>(slotBase(slot) + HAS_NEXT_KEY_OFFSET, 1);
  return OK;
}

/** Makes the next key the device's key and forgets the old one. Call only after a frame verified under it. */
export function promoteNextKey(slot: u32): void {
  const base = slotBase(slot);
  memory.copy(base + KEY_OFFSET, base + NEXT_KEY_OFFSET, KEY_LEN);
  memory.fill(base + NEXT_KEY_OFFSET, 0, KEY_LEN);
  store<u8>(base + HAS_NEXT_KEY_OFFSET, 0);
}

/**
 * Stores the id in the device id buffer and the key in the key buffer at `slot`, with fresh
 * windows, no floors, no next key, offline and never seen. Returns DEVICE_BAD_SLOT or FRAME_BAD_DEVICE_ID and leaves
 * the table unchanged on failure.
 */
export function deviceSet(slot: u32): i32 {
  if (slot >= MAX_DEVICES) return DEVICE_BAD_SLOT;
  if (deviceIdLen(deviceIdBuffer) < 0) return FRAME_BAD_DEVICE_ID;

  const base = slotBase(slot);
  memory.copy(base + ID_OFFSET, deviceIdBuffer, DEVICE_ID_FIELD_LEN);
  memory.copy(base + KEY_OFFSET, keyBuffer, KEY_LEN);
  memory.fill(base + NEXT_KEY_OFFSET, 0, KEY_LEN);
  replayReset(slotWindow(slot));
  replayReset(slotCommandWindow(slot));
  store<u32>(base + LAST_SEEN_OFFSET, 0);
  store<u8>(base + USED_OFFSET, 1);
  store<u8>(base + ONLINE_OFFSET, 0);
  store<u8>(base + HAS_NEXT_KEY_OFFSET, 0);
  return OK;
}

/** Empties `slot` (id, keys and windows are wiped). Returns DEVICE_BAD_SLOT for a slot out of range. */
export function deviceClear(slot: u32): i32 {
  if (slot >= MAX_DEVICES) return DEVICE_BAD_SLOT;

  memory.fill(slotBase(slot), 0, SLOT_SIZE);
  return OK;
}

/** Returns the slot whose id equals the 16-byte id field at `idField`, or -1. */
export function deviceFind(idField: usize): i32 {
  for (let slot: u32 = 0; slot < MAX_DEVICES; slot++) {
    if (slotInUse(slot) && bytesEqual(slotIdField(slot), idField, DEVICE_ID_FIELD_LEN)) return <i32>slot;
  }
  return -1;
}

export function deviceOnline(slot: u32): bool {
  return slotInUse(slot) && load<u8>(slotBase(slot) + ONLINE_OFFSET) != 0;
}

export function setDeviceOnline(slot: u32, online: bool): void {
  store<u8>(slotBase(slot) + ONLINE_OFFSET, online ? 1 : 0);
}

/** Returns the time of the slot's last accepted frame, 0 when none was accepted or the slot is empty. */
export function deviceLastSeen(slot: u32): u32 {
  return slotInUse(slot) ? load<u32>(slotBase(slot) + LAST_SEEN_OFFSET) : 0;
}

export function setDeviceLastSeen(slot: u32, now: u32): void {
  store<u32>(slotBase(slot) + LAST_SEEN_OFFSET, now);
}

/** Returns the highest accepted seq of the slot, 0 when none was accepted or the slot is empty. */
export function deviceHighestSeq(slot: u32): u32 {
  return slotInUse(slot) ? slotWindow(slot).highest : 0;
}

/** Returns the persisted floor of the slot's frame window, 0 when none or the slot is empty. */
export function deviceFrameFloor(slot: u32): u32 {
  return slotInUse(slot) ? slotWindow(slot).persistedFloor : 0;
}

/** Returns the persisted floor of the slot's command window, 0 when none or the slot is empty. */
export function deviceCommandFloor(slot: u32): u32 {
  return slotInUse(slot) ? slotCommandWindow(slot).persistedFloor : 0;
}

/**
 * Marks one online device offline when its last accepted frame is at least `offlineAfterSec` old
 * at `now`, and returns its slot. Returns -1 when no device is due. A last-seen time after `now`
 * (a clock that went back) never expires a device.
 */
export function deviceExpire(now: u32, offlineAfterSec: u32): i32 {
  for (let slot: u32 = 0; slot < MAX_DEVICES; slot++) {
    if (!deviceOnline(slot)) continue;

    const lastSeen = deviceLastSeen(slot);
    if (now >= lastSeen && now - lastSeen >= offlineAfterSec) {
      setDeviceOnline(slot, false);
      return <i32>slot;
    }
  }
  return -1;
}
