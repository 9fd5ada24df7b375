/**
 * A frame encoder for tests, written from docs/protocol.md section 1 with tweetnacl and without the
 * core, so that tests of the server's frame checks do not trust the code they check.
 */
import nacl from "tweetnacl";

const FRAME_CONTEXT = Buffer.concat([Buffer.from("homemesh/frame/v1", "ascii"), Buffer.from([0])]);
const DEVICE_ID_FIELD_LEN = 16;

export const FRAME_TYPE = { heartbeat: 0x01, motion: 0x02, log: 0x03, command: 0x04 } as const;

export interface TestFrame {
  type: number;
  deviceId: string;
  /** Unix seconds. */
  timestamp: number;
  seq: number;
  payload: string | Record<string, unknown>;
  /** The signer's 32-byte Ed25519 seed. */
  signerSeed: Uint8Array;
  networkPublicKey: Uint8Array;
  version?: number;
}

/** Encodes and signs a frame: 27-byte header, payload, 64-byte signature. */
export function encodeFrame(frame: TestFrame): Buffer {
  const payload = Buffer.from(typeof frame.payload === "string" ? frame.payload : JSON.stringify(frame.payload), "utf8");
  const header = Buffer.alloc(27);
  header[0] = frame.version ?? 1;
  header[1] = frame.type;
  header.write(frame.deviceId, 2, DEVICE_ID_FIELD_LEN, "ascii");
  header.writeUInt32LE(frame.timestamp >>> 0, 18);
  header.writeUInt32LE(frame.seq >>> 0, 22);
  header[26] = payload.length;

  const signed = Buffer.concat([header, payload]);
  const message = Buffer.concat([FRAME_CONTEXT, Buffer.from(frame.networkPublicKey), signed]);
  const { secretKey } = nacl.sign.keyPair.fromSeed(frame.signerSeed);
  return Buffer.concat([signed, Buffer.from(nacl.sign.detached(message, secretKey))]);
}
