// The device id rule (docs/protocol.md section 1): a 16-byte field holding 1 to 15 characters of
// `A-Z a-z 0-9 _ -`, then NUL bytes up to 16, so at least one NUL.

import { isDeviceIdChar } from "./bytes";

export const DEVICE_ID_FIELD_LEN: u32 = 16;

/** Returns the id's length (1 to 15) for a 16-byte field at `field` that follows the rule, or -1. */
export function deviceIdLen(field: usize): i32 {
  let len: u32 = 0;
  while (len < DEVICE_ID_FIELD_LEN && load<u8>(field + len) != 0) {
    if (!isDeviceIdChar(<u32>load<u8>(field + len))) return -1;
    len++;
  }
  if (len == 0 || len == DEVICE_ID_FIELD_LEN) return -1;

  // Everything after the first NUL must be NUL too, so one id has one encoding.
  for (let i = len; i < DEVICE_ID_FIELD_LEN; i++) {
    if (load<u8>(field + i) != 0) return -1;
  }
  return <i32>len;
}
