// A bounded writer for the JSON that the batcher emits. Every write checks the room left. After a
// write that does not fit, the writer is marked overflowed and writes nothing more, so a caller
// checks once at the end of an entry and rolls the entry back.

const HEX_DIGITS = "0123456789abcdef";

let at: usize = 0;
let limit: usize = 0;
let overflowed: bool = false;

/** Starts writing at `ptr`, with `capacity` bytes of room. */
export function writerStart(ptr: usize, capacity: u32): void {
  at = ptr;
  limit = ptr + capacity;
  overflowed = false;
}

/** Returns the address of the next byte to write. */
export function writerPosition(): usize {
  return at;
}

export function writerOverflowed(): bool {
  return overflowed;
}

/** Reserves `len` bytes and returns their address, or 0 after marking the writer overflowed. */
function reserve(len: u32): usize {
  if (overflowed || <usize>len > limit - at) {
    overflowed = true;
    return 0;
  }
  const start = at;
  at += len;
  return start;
}

/** Writes the ASCII string `text`, which the caller knows needs no JSON escaping. */
export function putAscii(text: string): void {
  const len = <u32>text.length;
  const dst = reserve(len);
  if (dst == 0) return;

  for (let i: u32 = 0; i < len; i++) {
    store<u8>(dst + i, <u8>text.charCodeAt(i));
  }
}

/** Copies `len` bytes that the caller knows need no JSON escaping (checked ids and key ids). */
export function putBytes(ptr: usize, len: u32): void {
  const dst = reserve(len);
  if (dst == 0) return;

  memory.copy(dst, ptr, len);
}

export function putU32(value: u32): void {
  // Count the digits first, then fill them in from the right.
  let digits: u32 = 1;
  for (let rest = value / 10; rest != 0; rest /= 10) digits++;

  const dst = reserve(digits);
  if (dst == 0) return;

  let rest = value;
  for (let i = digits; i > 0; i--) {
    store<u8>(dst + i - 1, <u8>(0x30 + rest % 10));
    rest /= 10;
  }
}

export function putI32(value: i32): void {
  if (value < 0) {
    putAscii("-");
    putU32(<u32>(-(<i64>value)));
    return;
  }
  putU32(<u32>value);
}

/** Writes `len` bytes at `ptr` as lower-case hex. */
export function putHex(ptr: usize, len: u32): void {
  const dst = reserve(len * 2);
  if (dst == 0) return;

  for (let i: u32 = 0; i < len; i++) {
    const b = <i32>load<u8>(ptr + i);
    store<u8>(dst + i * 2, <u8>HEX_DIGITS.charCodeAt(b >> 4));
    store<u8>(dst + i * 2 + 1, <u8>HEX_DIGITS.charCodeAt(b & 0x0f));
  }
}
