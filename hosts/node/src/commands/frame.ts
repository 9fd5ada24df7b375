/**
 * Builds and signs a command frame through the core: frame_build checks the frame as any receiver
 * would (docs/protocol.md section 1.3, checks 1 to 10), the network key signs the message that the
 * core returns, and frame_set_signature puts the signature in. The core's calls are synchronous, so
 * nothing else can use its buffers between the build and the signature.
 */
import nacl from "tweetnacl";
import type { Core, CoreFailure } from "../core/types.ts";
import type { KeyPair } from "../keys/derive.ts";

export const FRAME_TYPE_COMMAND = 0x04;

export interface CommandFrameInput {
  deviceId: string;
  timestamp: number;
  seq: number;
  payload: string;
}

/** Returns the signed frame, or the core's failure (COMMAND_UNKNOWN, COMMAND_BAD_SCHEMA, ...). */
export function signCommandFrame(core: Core, networkKey: KeyPair, input: CommandFrameInput): { ok: true; frame: Buffer } | CoreFailure {
  const built = core.buildFrame(
    { type: FRAME_TYPE_COMMAND, deviceId: input.deviceId, timestamp: input.timestamp, seq: input.seq, payload: Buffer.from(input.payload, "utf8") },
    networkKey.publicKey,
  );
  if (!built.ok) return built;

  const { secretKey } = nacl.sign.keyPair.fromSeed(networkKey.privateKey);
  return core.setFrameSignature(nacl.sign.detached(built.message, secretKey));
}
