// The home base's bounded cache of request nonces (docs/protocol.md sections 10.1 and 11): a table
// of NONCE_CAPACITY entries, each a nonce's 32 hex characters and its request's timestamp. An
// entry is live while `now` is at most the timestamp + 300. A new nonce takes the lowest entry that
// is empty or no longer live. When every entry is live, the cache rejects the new nonce
// (NONCE_CACHE_FULL), because forgetting a live one would let its request be replayed.

import { OK, NONCE_REUSED, NONCE_CACHE_FULL } from "./status";
import { bytesEqual } from "./bytes";

export const NONCE_CAPACITY: u32 = 64;
export const NONCE_LEN: u32 = 32;
/** A nonce is kept until its request's timestamp is this far in the past: the request skew limit. */
const NONCE_LIVE_SEC: u32 = 300;

// Layout of one entry: the nonce, the request's timestamp, a used flag.
const TIMESTAMP_OFFSET: u32 = 32;
const USED_OFFSET: u32 = 36;
const ENTRY_SIZE: u32 = 40;

const cache: usize = memory.data(NONCE_CAPACITY * ENTRY_SIZE, 16);

@inline function entryBase(index: u32): usize {
  return cache + <usize>(index * ENTRY_SIZE);
}

export function nonceEntryUsed(index: u32): bool {
  return load<u8>(entryBase(index) + USED_OFFSET) != 0;
}

export function nonceEntryTimestamp(index: u32): u32 {
  return load<u32>(entryBase(index) + TIMESTAMP_OFFSET);
}

export function nonceEntryText(index: u32): usize {
  return entryBase(index);
}

/** Returns true when a nonce of a request dated `timestamp` is still live at `now`. */
export function nonceLive(timestamp: u32, now: u32): bool {
  return <u64>now <= <u64>timestamp + <u64>NONCE_LIVE_SEC;
}

/** Returns true when entry `index` contains a nonce still live at `now`. */
export function nonceEntryLive(index: u32, now: u32): bool {
  return nonceEntryUsed(index) && nonceLive(nonceEntryTimestamp(index), now);
}

/** Returns the entry a new nonce would take at `now`, or -1 when every entry is live. */
function freeEntry(now: u32): i32 {
  for (let i: u32 = 0; i < NONCE_CAPACITY; i++) {
    if (!nonceEntryLive(i, now)) return <i32>i;
  }
  return -1;
}

/**
 * Checks the 32-character nonce at `nonce` at `now`: NONCE_REUSED when a live entry contains it,
 * NONCE_CACHE_FULL when no entry is free, else OK. Reads only.
 */
export function nonceCheck(nonce: usize, now: u32): i32 {
  for (let i: u32 = 0; i < NONCE_CAPACITY; i++) {
    if (nonceEntryLive(i, now) && bytesEqual(nonceEntryText(i), nonce, NONCE_LEN)) return NONCE_REUSED;
  }
  return freeEntry(now) < 0 ? NONCE_CACHE_FULL : OK;
}

/** Records the nonce with its request's `timestamp`. Call only after nonceCheck returned OK at `now`. */
export function nonceRecord(nonce: usize, timestamp: u32, now: u32): void {
  const index = freeEntry(now);
  if (index < 0) return;
  nonceStore(<u32>index, nonce, timestamp);
}

/** Writes entry `index`. */
export function nonceStore(index: u32, nonce: usize, timestamp: u32): void {
  const base = entryBase(index);
  memory.copy(base, nonce, NONCE_LEN);
  store<u32>(base + TIMESTAMP_OFFSET, timestamp);
  store<u8>(base + USED_OFFSET, 1);
}

/** Empties every entry. */
export function nonceClearAll(): void {
  memory.fill(cache, 0, NONCE_CAPACITY * ENTRY_SIZE);
}
