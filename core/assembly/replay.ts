// The replay window of docs/protocol.md section 1.4, used per device for frames and per target for
// commands: the highest accepted seq and a 64-bit bitmap of the seqs at and below it, where bit i
// stands for highest - i. Each window also carries its floors (section 10.3): the refusal floor
// that replay_import restores, and the persisted floor that floor.ts raises.
//
// Limit: seqs are compared as plain u32 values, so a device whose seq wraps past 2^32 - 1 is
// rejected as REPLAY_TOO_OLD until it is set up again with a fresh window.

import { OK, REPLAY_DUPLICATE, REPLAY_TOO_OLD, REPLAY_BELOW_FLOOR } from "./status";

export const REPLAY_WINDOW_LEN: u32 = 64;

/** One window's state, stored by the device table and by self.ts. */
@unmanaged export class ReplayWindow {
  highest: u32;
  bitmap: u64;
  /** False until the first seq is marked: a fresh window takes any seq. */
  started: bool;
  /** Every seq at or below it is refused; 0: no floor was restored. */
  refusalFloor: u32;
  /** The floor last written to storage; 0: none yet. */
  persistedFloor: u32;
}

/** The bytes one ReplayWindow takes in a record. */
export const REPLAY_WINDOW_SIZE: u32 = <u32>offsetof<ReplayWindow>();

/** Resets `window` so that it accepts any seq, with no floors. */
export function replayReset(window: ReplayWindow): void {
  window.highest = 0;
  window.bitmap = 0;
  window.started = false;
  window.refusalFloor = 0;
  window.persistedFloor = 0;
}

/**
 * Returns OK when `seq` is new for `window`, else REPLAY_BELOW_FLOOR, REPLAY_TOO_OLD or
 * REPLAY_DUPLICATE, in that order. Reads only.
 */
export function replayCheck(window: ReplayWindow, seq: u32): i32 {
  if (window.refusalFloor != 0 && seq <= window.refusalFloor) return REPLAY_BELOW_FLOOR;
  if (!window.started || seq > window.highest) return OK;

  const below = window.highest - seq;
  if (below >= REPLAY_WINDOW_LEN) return REPLAY_TOO_OLD;
  return (window.bitmap >> <u64>below) & 1 ? REPLAY_DUPLICATE : OK;
}

/** Marks `seq` as accepted. Call only after replayCheck returned OK and the signature verified. */
export function replayMark(window: ReplayWindow, seq: u32): void {
  if (!window.started) {
    window.started = true;
    window.highest = seq;
    window.bitmap = 1;
    return;
  }

  if (seq > window.highest) {
    // Slide the window up; bits that fall below it are forgotten.
    const shift = seq - window.highest;
    window.bitmap = shift >= REPLAY_WINDOW_LEN ? 1 : (window.bitmap << <u64>shift) | 1;
    window.highest = seq;
    return;
  }

  window.bitmap |= <u64>1 << <u64>(window.highest - seq);
}
