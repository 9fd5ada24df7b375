/**
 * The device simulator's own frame encoder, written from docs/protocol.md section 1 alone and
 * independent of the core (core.wasm), so that each implementation can check the other byte for byte.
 */
import nacl from "tweetnacl";

export const FRAME_VERSION = 1;
export const FRAME_HEADER_LEN = 27;
export const SIGNATURE_LEN = 64;
export const PAYLOAD_MAX_LEN = 159;
export const FRAME_MAX_LEN = 250;
export const DEVICE_ID_FIELD_LEN = 16;
export const DEVICE_ID_MAX_LEN = 15;
const U32_MAX = 0xffffffff;

/** The 18-byte context that opens every signed frame message: ASCII `homemesh/frame/v1` and a NUL. */
export const FRAME_CONTEXT = Buffer.from("homemesh/frame/v1\0", "ascii");

export const FRAME_TYPES = {
  heartbeat: 0x01,
  motion: 0x02,
  log: 0x03,
  command: 0x04,
  ack: 0x05,
  manifest: 0x07,
} as const;
export type FrameTypeName = keyof typeof FRAME_TYPES;

const DEVICE_ID_RULE = /^[A-Za-z0-9_-]{1,15}$/;

export interface FrameFields {
  type: FrameTypeName;
  deviceId: string;
  /** Unix seconds at the sender, u32. */
  timestamp: number;
  /** Per-sender sequence number, u32. */
  seq: number;
  /** A JSON object, or its serialised text. */
  payload: Record<string, unknown> | string;
}

/** Throws unless `deviceId` follows the rule of protocol section 1: 1 to 15 of `A-Z a-z 0-9 _ -`. */
export function checkDeviceId(deviceId: string): void {
  if (!DEVICE_ID_RULE.test(deviceId)) {
    throw new Error(`invalid device id ${JSON.stringify(deviceId)}: expected 1 to 15 characters of A-Z a-z 0-9 _ -`);
  }
}

function checkU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > U32_MAX) {
    throw new Error(`${name} ${value} is not a u32 (0 to ${U32_MAX})`);
  }
}

function checkKey(name: string, key: Uint8Array): void {
  if (key.length !== 32) throw new Error(`${name} is ${key.length} bytes, expected 32`);
}

/**
 * Returns the payload's UTF-8 bytes; throws unless it is one JSON object of at most 159 bytes.
 * A string payload is sent as given (after checking that it parses to an object), so a test can
 * choose its exact bytes.
 */
export function encodePayload(payload: Record<string, unknown> | string): Buffer {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`payload is not valid JSON: ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new Error("payload must be a JSON object");
  }

  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > PAYLOAD_MAX_LEN) {
    throw new Error(`payload length ${bytes.length} exceeds max ${PAYLOAD_MAX_LEN} bytes`);
  }
  return bytes;
}

/** Builds the 27-byte header and the payload: every frame byte that the signature covers. */
export function encodeUnsignedFrame(fields: FrameFields): Buffer {
  const typeCode = FRAME_TYPES[fields.type];
  if (typeCode === undefined) throw new Error(`unknown frame type ${JSON.stringify(fields.type)}`);
  checkDeviceId(fields.deviceId);
  checkU32("timestamp", fields.timestamp);
  checkU32("seq", fields.seq);
  const payload = encodePayload(fields.payload);

  const out = Buffer.alloc(FRAME_HEADER_LEN + payload.length);
  out.writeUInt8(FRAME_VERSION, 0);
  out.writeUInt8(typeCode, 1);
  // The id is ASCII padded with NUL to 16 bytes; at most 15 characters, so at least one NUL follows.
  out.write(fields.deviceId, 2, DEVICE_ID_FIELD_LEN, "ascii");
  out.writeUInt32LE(fields.timestamp, 18);
  out.writeUInt32LE(fields.seq, 22);
  out.writeUInt8(payload.length, 26);
  payload.copy(out, FRAME_HEADER_LEN);
  return out;
}

/** Builds the message that a frame signature covers: context, network public key, unsigned frame. */
export function frameSignedMessage(unsignedFrame: Uint8Array, networkPublicKey: Uint8Array): Buffer {
  checkKey("network public key", networkPublicKey);
  return Buffer.concat([FRAME_CONTEXT, networkPublicKey, unsignedFrame]);
}

/**
 * Encodes and signs one frame with the sender's 32-byte Ed25519 seed. Throws an Error naming the
 * field, the value and the limit for any input that the protocol rejects; the inputs are not changed.
 */
export function encodeFrame(fields: FrameFields, signerSeed: Uint8Array, networkPublicKey: Uint8Array): Buffer {
  checkKey("signer seed", signerSeed);
  checkKey("network public key", networkPublicKey);
  const unsigned = encodeUnsignedFrame(fields);

  const keyPair = nacl.sign.keyPair.fromSeed(signerSeed);
  const signature = nacl.sign.detached(frameSignedMessage(unsigned, networkPublicKey), keyPair.secretKey);
  keyPair.secretKey.fill(0);

  return Buffer.concat([unsigned, signature]);
}

/** Returns the Ed25519 public key of a 32-byte seed. */
export function publicKeyFromSeed(seed: Uint8Array): Buffer {
  checkKey("seed", seed);
  const keyPair = nacl.sign.keyPair.fromSeed(seed);
  keyPair.secretKey.fill(0);
  return Buffer.from(keyPair.publicKey);
}
