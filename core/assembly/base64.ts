// Strict decoding of standard base64 (RFC 4648 section 4) for the binary values of JSON payloads
// (docs/protocol.md section 1.2). The text must be padded and exactly as long as the expected byte
// count needs. It must also be canonical: the unused bits of the last character are zero, so one
// value has one spelling.

/** Returns the 6-bit value of a base64 character, or -1 for any other byte. */
function sextet(c: u32): i32 {
  if (c - 0x41 < 26) return <i32>(c - 0x41);
  if (c - 0x61 < 26) return <i32>(c - 0x61 + 26);
  if (c - 0x30 < 10) return <i32>(c - 0x30 + 52);
  if (c == 0x2b) return 62;
  if (c == 0x2f) return 63;
  return -1;
}

/** Returns the length of the padded base64 text of `byteCount` bytes. */
export function base64Len(byteCount: u32): u32 {
  return (byteCount + 2) / 3 * 4;
}

/**
 * Decodes `len` characters at `src` into exactly `byteCount` bytes at `dst`. Returns false, with
 * `dst` possibly partly written, when the text is not the canonical padded base64 of that many
 * bytes.
 */
export function base64DecodeExact(src: usize, len: u32, dst: usize, byteCount: u32): bool {
  if (byteCount == 0 || len != base64Len(byteCount)) return false;

  const padCount = len / 4 * 3 - byteCount;
  const dataChars = len - padCount;
  for (let i = dataChars; i < len; i++) {
    if (load<u8>(src + i) != 0x3d) return false;
  }

  // Collect 6 bits per character and write each whole byte as it completes.
  let bits: u32 = 0;
  let bitCount: u32 = 0;
  let written: u32 = 0;
  for (let i: u32 = 0; i < dataChars; i++) {
    const value = sextet(<u32>load<u8>(src + i));
    if (value < 0) return false;
    bits = (bits << 6) | <u32>value;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      store<u8>(dst + written, <u8>(bits >> bitCount));
      written++;
      bits &= (1 << bitCount) - 1;
    }
  }

  // Canonical: the bits left over after the last byte are zero.
  return written == byteCount && bits == 0;
}
