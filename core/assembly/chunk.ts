// The chunk payload (docs/protocol.md section 1.7): content id, offset and total (u32 each), then
// 1 to 211 data bytes that must end at or before `total`, with `total` from 1 to 16777216.

import { OK, CHUNK_BAD_RANGE } from "./status";
import { CONTENT_MAX_SIZE } from "./manifest";
import { setField, CHUNK_CONTENT, CHUNK_OFFSET, CHUNK_TOTAL, CHUNK_DATA_LEN } from "./payload_fields";

export const CHUNK_HEADER_LEN: u32 = 12;

/** Checks the `len` payload bytes at `ptr`; on OK the pending fields describe the chunk. */
export function checkChunkPayload(ptr: usize, len: u32): i32 {
  if (len <= CHUNK_HEADER_LEN) return CHUNK_BAD_RANGE;

  const content = load<u32>(ptr);
  const offset = load<u32>(ptr + 4);
  const total = load<u32>(ptr + 8);
  const dataLen = len - CHUNK_HEADER_LEN;
  if (total == 0 || total > CONTENT_MAX_SIZE) return CHUNK_BAD_RANGE;
  if (<u64>offset + <u64>dataLen > <u64>total) return CHUNK_BAD_RANGE;

  setField(CHUNK_CONTENT, content);
  setField(CHUNK_OFFSET, offset);
  setField(CHUNK_TOTAL, total);
  setField(CHUNK_DATA_LEN, dataLen);
  return OK;
}
