/**
 * Chunk frames (type 0x08) of docs/protocol.md section 1.7, written from that section alone like
 * encoder.ts: a 27-byte header and a payload of content id, offset, total and data, with no
 * signature. The content's SHA-256 travels in a signed manifest instead.
 */
import { createHash } from "node:crypto";
import { checkDeviceId, DEVICE_ID_FIELD_LEN, FRAME_HEADER_LEN, FRAME_VERSION } from "./encoder.ts";

export const CHUNK_FRAME_TYPE = 0x08;
/** 250 bytes of frame less the header and the 12 bytes of content id, offset and total. */
export const CHUNK_DATA_MAX_LEN = 211;
export const CONTENT_MAX_SIZE = 16_777_216;
const CHUNK_FIELDS_LEN = 12;

export interface ChunkFields {
  deviceId: string;
  timestamp: number;
  /** Free for chunks; the simulator sends the chunk's index. */
  seq: number;
  /** The content id: the seq of the content's manifest. */
  content: number;
  offset: number;
  total: number;
  data: Uint8Array;
}

/** Encodes one chunk frame. Throws when the data is empty, longer than 211 bytes or past `total`. */
export function encodeChunkFrame(fields: ChunkFields): Buffer {
  checkDeviceId(fields.deviceId);
  const { data, offset, total } = fields;
  if (data.length < 1 || data.length > CHUNK_DATA_MAX_LEN) throw new Error(`chunk data length ${data.length} must be 1 to ${CHUNK_DATA_MAX_LEN} bytes`);
  if (!Number.isInteger(total) || total < 1 || total > CONTENT_MAX_SIZE) throw new Error(`chunk total ${total} must be 1 to ${CONTENT_MAX_SIZE}`);
  if (!Number.isInteger(offset) || offset < 0 || offset + data.length > total) throw new Error(`chunk offset ${offset} with ${data.length} bytes reaches past total ${total}`);

  const payloadLen = CHUNK_FIELDS_LEN + data.length;
  const out = Buffer.alloc(FRAME_HEADER_LEN + payloadLen);
  out.writeUInt8(FRAME_VERSION, 0);
  out.writeUInt8(CHUNK_FRAME_TYPE, 1);
  out.write(fields.deviceId, 2, DEVICE_ID_FIELD_LEN, "ascii");
  out.writeUInt32LE(fields.timestamp, 18);
  out.writeUInt32LE(fields.seq, 22);
  out.writeUInt8(payloadLen, 26);
  out.writeUInt32LE(fields.content, 27);
  out.writeUInt32LE(offset, 31);
  out.writeUInt32LE(total, 35);
  Buffer.from(data).copy(out, 39);
  return out;
}

/** Builds the manifest payload of section 1.7 for `content`: size, base64 SHA-256 and media type. */
export function manifestPayload(content: Uint8Array, mediaType: string): { size: number; sha256: string; media: string } {
  return { size: content.length, sha256: createHash("sha256").update(content).digest("base64"), media: mediaType };
}

/** Cuts `content` into chunk frames of at most 211 data bytes, in order. */
export function chunkFrames(deviceId: string, timestamp: number, contentId: number, content: Uint8Array): Buffer[] {
  const frames: Buffer[] = [];
  for (let offset = 0, index = 0; offset < content.length; offset += CHUNK_DATA_MAX_LEN, index += 1) {
    const data = content.subarray(offset, Math.min(content.length, offset + CHUNK_DATA_MAX_LEN));
    frames.push(encodeChunkFrame({ deviceId, timestamp, seq: index, content: contentId, offset, total: content.length, data }));
  }
  return frames;
}
