// Small byte helpers over linear memory. Callers check bounds before they call these: every length
// here has already been compared with the buffer it reads.

/** Returns true when the `len` bytes at `a` equal the `len` bytes at `b`. */
export function bytesEqual(a: usize, b: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i++) {
    if (load<u8>(a + i) != load<u8>(b + i)) return false;
  }
  return true;
}

/** Writes the ASCII string `text` at `dst` and returns its length. `text` must be ASCII. */
export function writeAscii(dst: usize, text: string): u32 {
  const len = <u32>text.length;
  for (let i: u32 = 0; i < len; i++) {
    store<u8>(dst + i, <u8>text.charCodeAt(i));
  }
  return len;
}

@inline export function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

@inline export function isLowerHex(c: u32): bool {
  return c - 0x30 < 10 || c - 0x61 < 6;
}

@inline export function isUpperLetter(c: u32): bool {
  return c - 0x41 < 26;
}

/** Returns true for a device id character: `A-Z a-z 0-9 _ -` (docs/protocol.md section 1). */
export function isDeviceIdChar(c: u32): bool {
  return c - 0x41 < 26 || c - 0x61 < 26 || c - 0x30 < 10 || c == 0x5f || c == 0x2d;
}

/** Returns true when the `len` bytes at `ptr` are all lower-case hex digits. */
export function isLowerHexRun(ptr: usize, len: u32): bool {
  for (let i: u32 = 0; i < len; i++) {
    if (!isLowerHex(<u32>load<u8>(ptr + i))) return false;
  }
  return true;
}

/** Returns |a - b| for two u32 values without overflow. */
export function distance(a: u32, b: u32): u32 {
  return a >= b ? a - b : b - a;
}
