// The home base's batcher (docs/protocol.md section 3). Entries are written as JSON into a private
// area as they arrive. batch_seal puts the header, the entries and the closing brackets into the
// batch buffer, so a sealed batch stays readable there while the next one fills.
//
// Limits: one open batch; an entry that does not fit is BATCH_FULL and the host seals first. The
// sealed JSON is compact (no spaces) and at most BATCH_BUFFER_SIZE bytes, well under the 1 MiB
// request limit.

import { OK, BATCH_FULL, BATCH_BAD_ARGUMENT, DEVICE_BAD_SLOT } from "./status";
import { batchBuffer, frameBuffer, keyIdBuffer, BATCH_BUFFER_SIZE, KEY_ID_BUFFER_SIZE } from "./buffers";
import { decodeFrame, frameType, frameDeviceId, frameDeviceIdLen, framePayloadLen, FRAME_MIN_LEN, FRAME_TYPE_HEARTBEAT, FRAME_TYPE_MOTION, FRAME_TYPE_LOG } from "./frame";
import { slotInUse, slotIdField } from "./device";
import { deviceIdLen } from "./device_id";
import { isKeyId } from "./key_id";
import { floorAbove, setFloorDue } from "./floor";
import { writerStart, writerPosition, writerOverflowed, putAscii, putBytes, putU32, putI32, putHex } from "./json_writer";

/**
 * Room for the longest header: `{"key_id":"` + 52 + `","batch_seq":` + 10 + `,"interval_sec":` +
 * 10 + `,"sealed_at":` + 10 + `,"entries":[` is 148 bytes.
 */
const HEADER_MAX_LEN: u32 = 160;
const TRAILER = "]}";
const TRAILER_LEN: u32 = 2;
export const ENTRIES_CAPACITY: u32 = BATCH_BUFFER_SIZE - HEADER_MAX_LEN - TRAILER_LEN;

const RSSI_MIN_DBM: i32 = -128;
const RSSI_MAX_DBM: i32 = 127;

const entries: usize = memory.data(ENTRIES_CAPACITY, 16);
const keyId: usize = memory.data(KEY_ID_BUFFER_SIZE, 16);

let configured: bool = false;
let keyIdLen: u32 = 0;
let intervalSec: u32 = 0;
let nextSeq: u32 = 0;
let sealedSeq: u32 = 0;
/** The persisted batch floor (docs/protocol.md section 10.3); 0: none yet. */
let batchFloor: u32 = 0;
let lastSealAt: u32 = 0;
let entriesLen: u32 = 0;
let entryCount: u32 = 0;
/** A motion or device_status entry is waiting, so the batch should go out now. */
let urgent: bool = false;

function startEmptyBatch(): void {
  entriesLen = 0;
  entryCount = 0;
  urgent = false;
}

/**
 * Takes `keyIdLen_` bytes of the key id buffer (a key id of docs/protocol.md section 2), the
 * interval in seconds (at least 1) and the seq of the next sealed batch, and starts an empty batch.
 * Returns BATCH_BAD_ARGUMENT and changes nothing when an argument is invalid.
 */
export function batchConfigure(keyIdLen_: u32, intervalSec_: u32, nextSeq_: u32): i32 {
  if (!isKeyId(keyIdBuffer, keyIdLen_) || intervalSec_ == 0) return BATCH_BAD_ARGUMENT;

  memory.copy(keyId, keyIdBuffer, keyIdLen_);
  keyIdLen = keyIdLen_;
  intervalSec = intervalSec_;
  nextSeq = nextSeq_;
  lastSealAt = 0;
  configured = true;
  startEmptyBatch();
  return OK;
}

/** Opens an entry: a comma after the previous one, and the writer over the free room. */
function openEntry(): void {
  writerStart(entries + entriesLen, ENTRIES_CAPACITY - entriesLen);
  if (entryCount > 0) putAscii(",");
}

/** Keeps the entry just written, or drops it and returns BATCH_FULL when it did not fit. */
function closeEntry(isUrgent: bool): i32 {
  if (writerOverflowed()) return BATCH_FULL;

  entriesLen = <u32>(writerPosition() - entries);
  entryCount++;
  if (isUrgent) urgent = true;
  return OK;
}

/**
 * Adds the frame in the frame buffer (one that frame_accept took) as a `log` or `motion` entry
 * with the whole frame in hex. A heartbeat adds nothing and returns OK. Returns
 * BATCH_BAD_ARGUMENT when not configured, for an rssi outside -128 to 127, for a frame that does
 * not decode, or for any type but heartbeat, motion and log (the ingest batch has no entry kind
 * for the others).
 */
export function batchAddFrame(len: u32, rssi: i32, now: u32): i32 {
  if (!configured || rssi < RSSI_MIN_DBM || rssi > RSSI_MAX_DBM) return BATCH_BAD_ARGUMENT;
  if (decodeFrame(len) != OK) return BATCH_BAD_ARGUMENT;
  if (frameType == FRAME_TYPE_HEARTBEAT) return OK;

  const isMotion = frameType == FRAME_TYPE_MOTION;
  if (!isMotion && frameType != FRAME_TYPE_LOG) return BATCH_BAD_ARGUMENT;

  openEntry();
  putAscii(isMotion ? "{\"kind\":\"motion\",\"device_id\":\"" : "{\"kind\":\"log\",\"device_id\":\"");
  putBytes(frameDeviceId, frameDeviceIdLen);
  putAscii("\",\"received_at\":");
  putU32(now);
  putAscii(",\"rssi\":");
  putI32(rssi);
  putAscii(",\"frame\":\"");
  putHex(frameBuffer, FRAME_MIN_LEN + framePayloadLen);
  putAscii("\"}");
  return closeEntry(isMotion);
}

/**
 * Adds a `device_status` entry for the device in `slot`, online when `online` is 1, offline when 0,
 * observed at `now`. Returns DEVICE_BAD_SLOT for a slot that contains no device, BATCH_BAD_ARGUMENT
 * when not configured or for another `online` value, BATCH_FULL when it does not fit.
 */
export function batchAddStatus(slot: u32, online: u32, now: u32): i32 {
  if (!configured || online > 1) return BATCH_BAD_ARGUMENT;
  if (!slotInUse(slot)) return DEVICE_BAD_SLOT;

  const idField = slotIdField(slot);
  openEntry();
  putAscii("{\"kind\":\"device_status\",\"device_id\":\"");
  putBytes(idField, <u32>deviceIdLen(idField));
  putAscii("\",\"timestamp\":");
  putU32(now);
  putAscii(online == 1 ? ",\"online\":true}" : ",\"online\":false}");
  return closeEntry(true);
}

export function batchEntryCount(): u32 {
  return entryCount;
}

/**
 * Returns true when the open batch should be sealed at `now`. That is when the interval has passed
 * since the last seal, the clock went back past the last seal, an urgent entry is waiting, or the
 * entries fill three quarters of their room. Before the first seal the interval counts from time
 * 0, so the first call is due and the home base announces itself at start. False when not
 * configured.
 */
export function batchDue(now: u32): bool {
  if (!configured) return false;
  if (urgent) return true;
  if (<u64>entriesLen * 4 >= <u64>ENTRIES_CAPACITY * 3) return true;
  return now < lastSealAt || now - lastSealAt >= intervalSec;
}

/**
 * Writes the open batch as JSON into the batch buffer and returns its length. The batch takes the
 * next seq, which then advances and wraps at 2^32, and an empty batch opens. When the sealed seq
 * is at or above the batch floor, or there is none, the floor becomes seq + 64 and the state is
 * due. Returns BATCH_BAD_ARGUMENT when not configured.
 */
export function batchSeal(now: u32): i32 {
  if (!configured) return BATCH_BAD_ARGUMENT;

  writerStart(batchBuffer, BATCH_BUFFER_SIZE);
  putAscii("{\"key_id\":\"");
  putBytes(keyId, keyIdLen);
  putAscii("\",\"batch_seq\":");
  putU32(nextSeq);
  putAscii(",\"interval_sec\":");
  putU32(intervalSec);
  putAscii(",\"sealed_at\":");
  putU32(now);
  putAscii(",\"entries\":[");
  putBytes(entries, entriesLen);
  putAscii(TRAILER);

  // HEADER_MAX_LEN and ENTRIES_CAPACITY leave room for the longest header; the assert guards that sizing.
  assert(!writerOverflowed(), "sealed batch exceeds the batch buffer");

  sealedSeq = nextSeq;
  nextSeq++;
  if (batchFloor == 0 || sealedSeq >= batchFloor) {
    batchFloor = floorAbove(sealedSeq);
    setFloorDue(true);
  }
  lastSealAt = now;
  startEmptyBatch();
  return <i32>(writerPosition() - batchBuffer);
}

export function batchSealedSeq(): u32 {
  return sealedSeq;
}

export function batchNextSeq(): u32 {
  return nextSeq;
}

export function batchFloorValue(): u32 {
  return batchFloor;
}

/**
 * Takes `floor` as the persisted batch floor (replay_import) and moves the next seq up to it.
 * A floor of 0 means none and changes nothing.
 */
export function batchRestoreFloor(floor: u32): void {
  if (floor <= batchFloor) return;
  batchFloor = floor;
  if (nextSeq < floor) nextSeq = floor;
}
