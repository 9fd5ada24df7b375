/**
 * An encoder for frames and signed requests written from docs/protocol.md alone, with node:crypto
 * Ed25519, so that vectors and tests never depend on the AssemblyScript code they check.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";

/** PKCS#8 DER of an Ed25519 private key (RFC 8410), minus the 32-byte seed. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
/** SubjectPublicKeyInfo DER of an Ed25519 public key, minus the 32-byte key. */
const SPKI_ED25519_PREFIX_LEN = 12;

/** The group order L of edwards25519 (RFC 8032 section 5.1). */
export const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n;

export const FRAME_CONTEXT = Buffer.from("homemesh/frame/v1\0", "ascii");
export const REQUEST_CONTEXT = Buffer.from("homemesh/request/v1\0", "ascii");

/** docs/protocol.md section 1.2. */
export const FRAME_TYPE = {
  heartbeat: 0x01, motion: 0x02, log: 0x03, command: 0x04,
  acknowledgement: 0x05, beacon: 0x06, manifest: 0x07, chunk: 0x08,
} as const;

/** The header before the payload, and the signature trailer of every type but chunks. */
export const HEADER_LEN = 27;
export const SIGNATURE_LEN = 64;
/** The largest frame, the ESP-NOW v1 payload limit. */
export const FRAME_MAX_LEN = 250;
/** The largest payload of a signed type and of a chunk. */
export const SIGNED_PAYLOAD_MAX_LEN = 159;
export const CHUNK_PAYLOAD_MAX_LEN = 223;
/** The largest manifest size and chunk total (docs/protocol.md section 1.7). */
export const CONTENT_MAX_SIZE = 16777216;

/** Command codes by name (docs/protocol.md section 6.2); 1 to 15 target devices, 16 to 31 the home base. */
export const COMMAND_CODE: Record<string, number> = {
  reboot: 1, identify: 2, set_config: 3, rotate_key: 4, ota_offer: 5,
  device_add: 16, device_rotate_key: 17, device_revoke: 18, set_dashboard_token: 19,
};

/** Acknowledgement results and their ack_result() codes (docs/core-abi.md). */
export const ACK_RESULT: Record<string, number> = { ok: 0, in_progress: 1, error: 2, unsupported: 3 };

export interface Signer {
  seed: Buffer;
  privateKey: KeyObject;
  publicKey: Buffer;
}

/** Derives an Ed25519 key pair from a 32-byte seed (RFC 8032 section 5.1.5 private key). */
export function signerFromSeed(seed: Buffer): Signer {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return { seed, privateKey, publicKey: spki.subarray(SPKI_ED25519_PREFIX_LEN) };
}

/** Derives a fixed 32-byte seed from a label, so every run writes the same vectors. */
export function seedFromLabel(label: string): Buffer {
  return createHash("sha256").update(`homemesh vector seed: ${label}`).digest();
}

export interface FrameHeader {
  version?: number;
  type: number;
  /** Written as ASCII and NUL-padded to 16 bytes; `deviceIdField` overrides it byte for byte. */
  deviceId: string;
  deviceIdField?: Buffer;
  timestamp: number;
  seq: number;
  /** Overrides the payload length byte (to build mismatching frames). */
  payloadLenByte?: number;
}

/** Builds the 27-byte header plus payload: every byte that the signature covers after the context and key. */
export function frameBody(header: FrameHeader, payload: Buffer): Buffer {
  const head = Buffer.alloc(27);
  head[0] = header.version ?? 1;
  head[1] = header.type;
  if (header.deviceIdField !== undefined) {
    header.deviceIdField.copy(head, 2, 0, 16);
  } else {
    head.write(header.deviceId, 2, 16, "ascii");
  }
  head.writeUInt32LE(header.timestamp, 18);
  head.writeUInt32LE(header.seq, 22);
  head[26] = header.payloadLenByte ?? payload.length;
  return Buffer.concat([head, payload]);
}

/** Builds the frame's signed message (docs/protocol.md section 1.1). */
export function frameSignedMessage(networkKey: Buffer, body: Buffer): Buffer {
  return Buffer.concat([FRAME_CONTEXT, networkKey, body]);
}

/** Encodes a whole frame: header, payload and the signature by `signer`, bound to `networkKey`. */
export function encodeFrame(header: FrameHeader, payload: Buffer, signer: Signer, networkKey: Buffer): Buffer {
  const body = frameBody(header, payload);
  const signature = sign(null, frameSignedMessage(networkKey, body), signer.privateKey);
  return Buffer.concat([body, signature]);
}

/**
 * Encodes a chunk frame (type 0x08): header and payload, no signature (docs/protocol.md section 1).
 */
export function encodeChunkFrame(header: FrameHeader, payload: Buffer): Buffer {
  return frameBody(header, payload);
}

/** Builds the 6-byte time beacon payload (docs/protocol.md section 1.6). */
export function beaconPayload(channel: number, flags: number, boot: number): Buffer {
  const payload = Buffer.alloc(6);
  payload[0] = channel;
  payload[1] = flags;
  payload.writeUInt32LE(boot, 2);
  return payload;
}

/** Builds a chunk payload: content id, offset, total (u32 each), then the data (docs/protocol.md section 1.7). */
export function chunkPayload(content: number, offset: number, total: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(content, 0);
  head.writeUInt32LE(offset, 4);
  head.writeUInt32LE(total, 8);
  return Buffer.concat([head, data]);
}

/** Standard base64 with padding (RFC 4648 section 4), the form of binary values in JSON payloads. */
export function base64(data: Buffer): string {
  return data.toString("base64");
}

/**
 * Writes a JSON object from members in the given order. Each value goes through JSON.stringify,
 * except a `RawJson` value, which is copied as it is. That lets vectors contain what JSON.stringify
 * never writes (leading zeros, exponents, repeated names).
 */
export function jsonObject(members: Array<[string, unknown]>): string {
  const parts = members.map(([name, value]) => `${JSON.stringify(name)}:${value instanceof RawJson ? value.text : JSON.stringify(value)}`);
  return `{${parts.join(",")}}`;
}

/** JSON text written into a payload byte for byte. */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Replaces the S half of the 64-byte signature at `offset` with S + `multiple` * L. */
export function addGroupOrder(bytes: Buffer, offset: number, multiple: bigint = 1n): Buffer {
  const out = Buffer.from(bytes);
  const sBytes = out.subarray(offset + 32, offset + 64);
  let s = BigInt(`0x${Buffer.from(sBytes).reverse().toString("hex")}`) + multiple * GROUP_ORDER;
  for (let i = 0; i < 32; i++) {
    sBytes[i] = Number(s & 0xffn);
    s >>= 8n;
  }
  if (s !== 0n) throw new RangeError("S + L does not fit 32 bytes");
  return out;
}

export interface RequestParts {
  method: string;
  path: string;
  keyId: string;
  timestamp: string;
  nonce: string;
  bodySha256: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Joins the six parts by single newlines, with no final newline (docs/protocol.md section 2). */
export function canonicalText(parts: RequestParts): string {
  return [parts.method, parts.path, parts.keyId, parts.timestamp, parts.nonce, parts.bodySha256].join("\n");
}

export function requestSignedMessage(canonical: Buffer): Buffer {
  return Buffer.concat([REQUEST_CONTEXT, canonical]);
}

export function signRequest(canonical: Buffer, signer: Signer): Buffer {
  return sign(null, requestSignedMessage(canonical), signer.privateKey);
}

/** Returns a copy of `bytes` with the bits of `mask` flipped in the byte at `index`. */
export function flipBits(bytes: Buffer, index: number, mask: number): Buffer {
  if (index < 0 || index >= bytes.length) throw new RangeError(`index ${index} is outside ${bytes.length} bytes`);
  const out = Buffer.from(bytes);
  out[index] = out[index]! ^ mask;
  return out;
}
