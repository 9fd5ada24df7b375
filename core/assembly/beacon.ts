// The time beacon payload (docs/protocol.md section 1.6), 6 bytes: channel 1 to 14, flags 0, and
// a boot counter of at least 1. A longer payload fails earlier, at the type's length limit.

import { OK, BEACON_BAD_PAYLOAD } from "./status";
import { setField, BEACON_CHANNEL, BEACON_BOOT } from "./payload_fields";

export const BEACON_PAYLOAD_LEN: u32 = 6;
const CHANNEL_MAX: u32 = 14;

/** Checks the `len` payload bytes at `ptr`; on OK the pending fields hold channel and boot. */
export function checkBeaconPayload(ptr: usize, len: u32): i32 {
  if (len != BEACON_PAYLOAD_LEN) return BEACON_BAD_PAYLOAD;

  const channel = <u32>load<u8>(ptr);
  const flags = load<u8>(ptr + 1);
  const boot = load<u32>(ptr + 2);
  if (channel < 1 || channel > CHANNEL_MAX || flags != 0 || boot == 0) return BEACON_BAD_PAYLOAD;

  setField(BEACON_CHANNEL, channel);
  setField(BEACON_BOOT, boot);
  return OK;
}
