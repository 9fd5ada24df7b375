// The acknowledgement payload (docs/protocol.md section 1.5): `id`, an integer from 1 to
// 4294967295, and `result`, one of four words, both required; `reason`, an optional string. Each
// of these members appears at most once. Other members are ignored, as in every device payload.
//
// NOTE: `id` takes the strict integer form of command ids (no sign, fraction, exponent or leading
// zero), and `result` is compared as raw bytes, so a value written with escapes is refused.

import { OK, ACK_BAD_PAYLOAD } from "./status";
import { frameBuffer } from "./buffers";
import {
  membersStart, membersNext, memberNameIs, spanIs, memberKind, memberValueStart, memberValueLen, KIND_STRING, KIND_NUMBER,
} from "./json_members";
import { parseStrictU32 } from "./json_number";
import { setField, ACK_ID, ACK_RESULT, ACK_REASON_OFFSET, ACK_REASON_LEN } from "./payload_fields";

export const ACK_RESULT_OK: u32 = 0;
export const ACK_RESULT_IN_PROGRESS: u32 = 1;
export const ACK_RESULT_ERROR: u32 = 2;
export const ACK_RESULT_UNSUPPORTED: u32 = 3;

/** Returns the code of a `result` word, or -1. */
function resultCode(ptr: usize, len: u32): i32 {
  if (spanIs(ptr, len, "ok")) return <i32>ACK_RESULT_OK;
  if (spanIs(ptr, len, "in_progress")) return <i32>ACK_RESULT_IN_PROGRESS;
  if (spanIs(ptr, len, "error")) return <i32>ACK_RESULT_ERROR;
  if (spanIs(ptr, len, "unsupported")) return <i32>ACK_RESULT_UNSUPPORTED;
  return -1;
}

/** Checks the validated JSON object of `len` bytes at `ptr`; on OK the pending fields hold it. */
export function checkAckPayload(ptr: usize, len: u32): i32 {
  let seenId = false;
  let seenResult = false;
  let seenReason = false;

  membersStart(ptr, len);
  while (membersNext()) {
    if (memberNameIs("id")) {
      if (seenId || memberKind != KIND_NUMBER) return ACK_BAD_PAYLOAD;
      const id = parseStrictU32(memberValueStart, memberValueLen);
      if (id < 1) return ACK_BAD_PAYLOAD;
      setField(ACK_ID, <u32>id);
      seenId = true;
    } else if (memberNameIs("result")) {
      if (seenResult || memberKind != KIND_STRING) return ACK_BAD_PAYLOAD;
      const code = resultCode(memberValueStart, memberValueLen);
      if (code < 0) return ACK_BAD_PAYLOAD;
      setField(ACK_RESULT, <u32>code);
      seenResult = true;
    } else if (memberNameIs("reason")) {
      if (seenReason || memberKind != KIND_STRING) return ACK_BAD_PAYLOAD;
      setField(ACK_REASON_OFFSET, <u32>(memberValueStart - frameBuffer));
      setField(ACK_REASON_LEN, memberValueLen);
      seenReason = true;
    }
  }

  return seenId && seenResult ? OK : ACK_BAD_PAYLOAD;
}
