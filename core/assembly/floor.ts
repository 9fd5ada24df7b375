// Persisted floors (docs/protocol.md section 10.3): a floor K = 64 above the highest accepted seq,
// raised once every K seqs, so the home base writes its state once per K frames, commands or
// batches. replay_floor_due returns 1 after a floor moved (or a nonce was recorded) since the last
// replay_export, so the host writes the state.

import { ReplayWindow } from "./replay";

/** K, the distance of a persisted floor above the seq that raised it. */
export const REPLAY_FLOOR_STEP: u32 = 64;

/** True when the host must export and write the state before it acts. */
export let floorDue: bool = false;

export function setFloorDue(due: bool): void {
  floorDue = due;
}

/** Returns the floor that `seq` raises: min(seq + 64, 4294967295) (docs/core-abi.md). */
export function floorAbove(seq: u32): u32 {
  const floor = <u64>seq + <u64>REPLAY_FLOOR_STEP;
  return floor > <u64>u32.MAX_VALUE ? u32.MAX_VALUE : <u32>floor;
}

/**
 * Raises the window's persisted floor when the accepted `seq` is above it, or when there is none
 * yet, and marks the state due. Call only after the seq was accepted.
 */
export function raiseWindowFloor(window: ReplayWindow, seq: u32): void {
  if (window.persistedFloor != 0 && seq <= window.persistedFloor) return;

  window.persistedFloor = floorAbove(seq);
  floorDue = true;
}
