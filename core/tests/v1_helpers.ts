/**
 * Frames of every protocol v1 type for the hand-written tests, built with the independent encoder in
 * core/vectors/encode.ts (node:crypto Ed25519), never with the core under test.
 */
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { encodeFrame, frameBody, type Signer } from "../vectors/encode.ts";
import { writeFrame } from "./helpers.ts";
import { T0, network, porch } from "./accept_helpers.ts";

/** docs/protocol.md section 1.2. */
export const TYPE = {
  heartbeat: 0x01, motion: 0x02, log: 0x03, command: 0x04, ack: 0x05, beacon: 0x06, manifest: 0x07, chunk: 0x08,
} as const;

export interface SignedOptions {
  deviceId?: string;
  seq?: number;
  timestamp?: number;
  signer?: Signer;
}

/** Encodes a signed frame of `type` with `payload`, by default from "porch" under the porch key. */
export function signedFrame(type: number, payload: Buffer | string, options: SignedOptions = {}): Buffer {
  const header = {
    type,
    deviceId: options.deviceId ?? "porch",
    timestamp: options.timestamp ?? T0,
    seq: options.seq ?? 1,
  };
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  return encodeFrame(header, bytes, options.signer ?? porch, network.publicKey);
}

/** Encodes a command to `target`, signed by the network key. */
export function commandFrame(payload: string, target: string = "porch", seq: number = 1, timestamp: number = T0): Buffer {
  return signedFrame(TYPE.command, payload, { deviceId: target, seq, timestamp, signer: network });
}

/** Encodes a chunk payload: the 12-byte chunk header and its data (docs/protocol.md section 1.7). */
export function chunkPayload(content: number, offset: number, total: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(content, 0);
  head.writeUInt32LE(offset, 4);
  head.writeUInt32LE(total, 8);
  return Buffer.concat([head, data]);
}

/** Encodes an unsigned chunk frame: header and payload only. */
export function chunkFrame(payload: Buffer, deviceId: string = "porch"): Buffer {
  return frameBody({ type: TYPE.chunk, deviceId, timestamp: T0, seq: 0 }, payload);
}

/** Encodes the 6-byte beacon payload (docs/protocol.md section 1.6). */
export function beaconPayload(channel: number, flags: number, boot: number): Buffer {
  const bytes = Buffer.alloc(6);
  bytes[0] = channel;
  bytes[1] = flags;
  bytes.writeUInt32LE(boot, 2);
  return bytes;
}

/** Writes `frame` and runs frame_decode; returns the status name. */
export function decodeName(core: CoreHandle, frame: Buffer): string {
  writeFrame(core, frame.subarray(0, 256));
  return core.statusName(core.exports.frame_decode(frame.length));
}

/** Reads `len` bytes of the frame buffer at `offset` as text. */
export function frameText(core: CoreHandle, offset: number, len: number): string {
  return core.read(core.exports.buffer_frame() + offset, len).toString("utf8");
}

/** Base64 of `len` bytes counting up from `start`. */
export function base64Bytes(len: number, start: number = 0): string {
  return Buffer.from(Array.from({ length: len }, (_, i) => (start + i) & 0xff)).toString("base64");
}
