// The S < L rule: an Ed25519 signature's scalar S (its last 32 bytes, little-endian) must be below
// the group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 section 5.1.7).
// Some libraries accept S + L, which makes signatures malleable, so the core checks it itself.

const SCALAR_LEN: u32 = 32;

/** L in little-endian byte order. */
const GROUP_ORDER: usize = memory.data<u8>([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,
]);

/** Returns true when the 32-byte little-endian scalar at `scalar` is below L. */
export function scalarIsCanonical(scalar: usize): bool {
  // Compare from the most significant byte down; the first difference decides.
  for (let i: i32 = <i32>SCALAR_LEN - 1; i >= 0; i--) {
    const s = load<u8>(scalar + <usize>i);
    const l = load<u8>(GROUP_ORDER + <usize>i);
    if (s < l) return true;
    if (s > l) return false;
  }

  // S equals L.
  return false;
}
