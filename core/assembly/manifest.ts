// The manifest payload of media (docs/protocol.md section 1.7): `size` 1 to 16777216, `sha256` the
// base64 of 32 bytes, `media` 1 to 64 characters of `a-z 0-9 / . + -`. Unknown members are ignored.
//
// NOTE: each of the three members may appear once; a repeated one is MANIFEST_BAD_PAYLOAD, because
// two values would leave the content's size or digest ambiguous.

import { OK, MANIFEST_BAD_PAYLOAD } from "./status";
import { frameBuffer } from "./buffers";
import {
  membersStart, membersNext, memberNameIs, memberKind, memberValueStart, memberValueLen, KIND_STRING, KIND_NUMBER,
} from "./json_members";
import { parseStrictU32 } from "./json_number";
import { base64DecodeExact } from "./base64";
import {
  setField, pendingDecoded, MANIFEST_SIZE, MANIFEST_MEDIA_OFFSET, MANIFEST_MEDIA_LEN, DECODED_LEN,
} from "./payload_fields";

/** The largest manifest or chunk `total` (docs/core-abi.md, `content_max_size`). */
export const CONTENT_MAX_SIZE: u32 = 16777216;
export const SHA256_LEN: u32 = 32;
const MEDIA_MAX_LEN: u32 = 64;

function isMediaChar(c: u32): bool {
  return c - 0x61 < 26 || c - 0x30 < 10 || c == 0x2f || c == 0x2e || c == 0x2b || c == 0x2d;
}

function isMedia(ptr: usize, len: u32): bool {
  if (len < 1 || len > MEDIA_MAX_LEN) return false;
  for (let i: u32 = 0; i < len; i++) {
    if (!isMediaChar(<u32>load<u8>(ptr + i))) return false;
  }
  return true;
}

/** Checks the validated JSON object of `len` bytes at `ptr`; on OK the pending fields hold it. */
export function checkManifestPayload(ptr: usize, len: u32): i32 {
  let seenSize = false;
  let seenSha256 = false;
  let seenMedia = false;

  membersStart(ptr, len);
  while (membersNext()) {
    if (memberNameIs("size")) {
      if (seenSize || memberKind != KIND_NUMBER) return MANIFEST_BAD_PAYLOAD;
      const size = parseStrictU32(memberValueStart, memberValueLen);
      if (size < 1 || size > <i64>CONTENT_MAX_SIZE) return MANIFEST_BAD_PAYLOAD;
      setField(MANIFEST_SIZE, <u32>size);
      seenSize = true;
    } else if (memberNameIs("sha256")) {
      if (seenSha256 || memberKind != KIND_STRING) return MANIFEST_BAD_PAYLOAD;
      if (!base64DecodeExact(memberValueStart, memberValueLen, pendingDecoded, SHA256_LEN)) return MANIFEST_BAD_PAYLOAD;
      setField(DECODED_LEN, SHA256_LEN);
      seenSha256 = true;
    } else if (memberNameIs("media")) {
      if (seenMedia || memberKind != KIND_STRING) return MANIFEST_BAD_PAYLOAD;
      if (!isMedia(memberValueStart, memberValueLen)) return MANIFEST_BAD_PAYLOAD;
      setField(MANIFEST_MEDIA_OFFSET, <u32>(memberValueStart - frameBuffer));
      setField(MANIFEST_MEDIA_LEN, memberValueLen);
      seenMedia = true;
    }
  }

  return seenSize && seenSha256 && seenMedia ? OK : MANIFEST_BAD_PAYLOAD;
}
