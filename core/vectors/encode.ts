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

export const FRAME_TYPE = { heartbeat: 0x01, motion: 0x02, log: 0x03, command: 0x04 } as const;

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
