// The strict unsigned integer of the payload rules (docs/protocol.md section 6.1): decimal digits
// only, no sign, fraction, exponent or leading zero, and at most 4294967295.

import { isDigit } from "./bytes";

const U32_MAX_DIGITS: u32 = 10;

/** Returns the value of the `len` bytes at `ptr` as a u32, or -1 when they are not such an integer. */
export function parseStrictU32(ptr: usize, len: u32): i64 {
  if (len < 1 || len > U32_MAX_DIGITS) return -1;
  if (len > 1 && load<u8>(ptr) == 0x30) return -1;

  let value: i64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const c = <u32>load<u8>(ptr + i);
    if (!isDigit(c)) return -1;
    value = value * 10 + <i64>(c - 0x30);
  }
  return value > <i64>u32.MAX_VALUE ? -1 : value;
}
