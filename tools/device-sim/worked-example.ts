/**
 * The inputs of the worked example in docs/protocol.md section 5, and the function that computes its
 * outputs with this encoder. render-worked-example.ts prints the section; worked-example.test.ts checks
 * that the document still matches what the encoder produces.
 */
import { encodeFrame, encodeUnsignedFrame, frameSignedMessage, publicKeyFromSeed, type FrameFields } from "./encoder.ts";

/** Returns `count` bytes counting up from `first`. */
export function countingBytes(first: number, count: number): Buffer {
  return Buffer.from(Array.from({ length: count }, (_, i) => first + i));
}

export const EXAMPLE_DEVICE_SEED = countingBytes(0x01, 32);
export const EXAMPLE_NETWORK_SEED = countingBytes(0x21, 32);

export const EXAMPLE_FIELDS: FrameFields = {
  type: "log",
  deviceId: "porch-cam",
  timestamp: 1764871200,
  seq: 12,
  payload: '{"level":"info","category":"door","message":"front door opened"}',
};

export interface FrameFieldHex {
  offset: number;
  size: number;
  field: string;
  hex: string;
}

export interface WorkedExample {
  devicePublicKey: Buffer;
  networkPublicKey: Buffer;
  signedMessage: Buffer;
  frame: Buffer;
  fields: FrameFieldHex[];
}

/** Splits a frame into the fields of protocol section 1, each with its offset, size and bytes in hex. */
export function splitFrameFields(frame: Buffer): FrameFieldHex[] {
  const payloadLen = frame[26] ?? 0;
  const layout: Array<[string, number, number]> = [
    ["version", 0, 1],
    ["type", 1, 1],
    ["device id", 2, 16],
    ["timestamp", 18, 4],
    ["seq", 22, 4],
    ["payload length", 26, 1],
    ["payload", 27, payloadLen],
    ["signature", 27 + payloadLen, 64],
  ];
  return layout.map(([field, offset, size]) => ({
    offset,
    size,
    field,
    hex: frame.subarray(offset, offset + size).toString("hex"),
  }));
}

export function computeWorkedExample(): WorkedExample {
  const networkPublicKey = publicKeyFromSeed(EXAMPLE_NETWORK_SEED);
  const frame = encodeFrame(EXAMPLE_FIELDS, EXAMPLE_DEVICE_SEED, networkPublicKey);

  return {
    devicePublicKey: publicKeyFromSeed(EXAMPLE_DEVICE_SEED),
    networkPublicKey,
    signedMessage: frameSignedMessage(encodeUnsignedFrame(EXAMPLE_FIELDS), networkPublicKey),
    frame,
    fields: splitFrameFields(frame),
  };
}
