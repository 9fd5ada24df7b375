// Key ids (docs/protocol.md section 2): a home base's `<network id>/<device id>`, where the network
// id is a UUID in lower-case hex with dashes (36 characters) and the device id follows the device
// id rule (1 to 15 characters of `A-Z a-z 0-9 _ -`), and the network key's `<network id>` alone.

import { isDeviceIdChar, isLowerHex } from "./bytes";

export const UUID_LEN: u32 = 36;
const DEVICE_ID_MAX_LEN: u32 = 15;
export const KEY_ID_MAX_LEN: u32 = UUID_LEN + 1 + DEVICE_ID_MAX_LEN;

/** True for the dash positions of a UUID's text form 8-4-4-4-12 (RFC 9562 section 4). */
function isUuidDash(i: u32): bool {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

/** Returns true when the 36 bytes at `ptr` are a UUID in lower-case hex with dashes. */
export function isUuid(ptr: usize): bool {
  for (let i: u32 = 0; i < UUID_LEN; i++) {
    const c = <u32>load<u8>(ptr + i);
    const ok = isUuidDash(i) ? c == 0x2d : isLowerHex(c);
    if (!ok) return false;
  }
  return true;
}

/** Returns true when the `len` bytes at `ptr` are a home base's key id, `<uuid>/<device id>`. */
export function isKeyId(ptr: usize, len: u32): bool {
  if (len < UUID_LEN + 2 || len > KEY_ID_MAX_LEN) return false;

  if (!isUuid(ptr)) return false;
  if (load<u8>(ptr + UUID_LEN) != 0x2f) return false;

  for (let i = UUID_LEN + 1; i < len; i++) {
    if (!isDeviceIdChar(<u32>load<u8>(ptr + i))) return false;
  }
  return true;
}

/** Returns true for the key id of a signed request: a home base's key id or the bare UUID. */
export function isRequestKeyId(ptr: usize, len: u32): bool {
  if (len == UUID_LEN) return isUuid(ptr);
  return isKeyId(ptr, len);
}
