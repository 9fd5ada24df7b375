// The signature step shared by frames and requests: S < L first, then the host's Ed25519 verify.

import { OK, SIGNATURE_INVALID, SIGNATURE_NONCANONICAL } from "./status";
import { scalarIsCanonical } from "./scalar";

export const SIGNATURE_LEN: u32 = 64;

/** Offset of the scalar S inside a 64-byte signature R || S. */
const SCALAR_OFFSET: u32 = 32;

/** Verifies an Ed25519 signature in the host: returns 1 when valid, anything else when not (docs/core-abi.md, "Imports"). */
@external("env", "ed25519_verify")
declare function hostEd25519Verify(sigPtr: usize, msgPtr: usize, msgLen: u32, keyPtr: usize): i32;

/**
 * Checks the 64-byte signature at `sig` over `msgLen` bytes at `msg` under the 32-byte key at
 * `key`. Returns OK, SIGNATURE_NONCANONICAL (S not below L, checked before the host is called)
 * or SIGNATURE_INVALID. Reads only; changes no state.
 */
export function verifySignature(sig: usize, msg: usize, msgLen: u32, key: usize): i32 {
  if (!scalarIsCanonical(sig + SCALAR_OFFSET)) return SIGNATURE_NONCANONICAL;

  return hostEd25519Verify(sig, msg, msgLen, key) == 1 ? OK : SIGNATURE_INVALID;
}
