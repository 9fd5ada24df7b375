// The per-device replay window (docs/protocol.md section 1.4): the highest accepted seq and a
// 64-bit bitmap of the seqs at and below it, where bit i stands for highest - i.
//
// Limit: seqs are compared as plain u32 values, so a device whose seq wraps past 2^32 - 1 is
// rejected as REPLAY_TOO_OLD until it is set up again with a fresh window.

import { OK, REPLAY_DUPLICATE, REPLAY_TOO_OLD } from "./status";

export const REPLAY_WINDOW_LEN: u32 = 64;

/** One window's state, stored by the device table. */
@unmanaged export class ReplayWindow {
  highest: u32;
  bitmap: u64;
  /** False until the first seq is marked: a fresh window takes any seq. */
  started: bool;
}

/** Resets `window` so that it accepts any seq. */
export function replayReset(window: ReplayWindow): void {
  window.highest = 0;
  window.bitmap = 0;
  window.started = false;
}

/** Returns OK when `seq` is new for `window`, else REPLAY_DUPLICATE or REPLAY_TOO_OLD. Reads only. */
export function replayCheck(window: ReplayWindow, seq: u32): i32 {
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
