/**
 * A small PNG still for a simulated camera: RGB pixels from the seeded generator, so each still
 * differs and does not compress to a single chunk. Written from the PNG specification (signature,
 * IHDR, IDAT with zlib data, IEND, each chunk with a CRC-32).
 */
import { deflateSync } from "node:zlib";
import type { SeededRandom } from "./random.ts";

export const STILL_WIDTH = 32;
export const STILL_HEIGHT = 24;
export const STILL_MEDIA_TYPE = "image/png";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let crcTable: Uint32Array | undefined;

/** CRC-32 as IEEE 802.3 and zlib's crc32 compute it (polynomial 0xEDB88320, reflected). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n += 1) {
      let c = n;
      for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** Returns a STILL_WIDTH x STILL_HEIGHT 8-bit RGB PNG: a gradient with seeded noise. */
export function stillImage(random: SeededRandom): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(STILL_WIDTH, 0);
  header.writeUInt32BE(STILL_HEIGHT, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // colour type: RGB
  // Compression, filter and interlace methods stay 0.

  const rowLen = 1 + STILL_WIDTH * 3;
  const raw = Buffer.alloc(rowLen * STILL_HEIGHT);
  for (let y = 0; y < STILL_HEIGHT; y += 1) {
    raw[y * rowLen] = 0; // filter type None
    for (let x = 0; x < STILL_WIDTH; x += 1) {
      const at = y * rowLen + 1 + x * 3;
      raw[at] = (x * 8 + random.int(0, 63)) & 0xff;
      raw[at + 1] = (y * 10 + random.int(0, 63)) & 0xff;
      raw[at + 2] = random.int(0, 255);
    }
  }
  return Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", header), pngChunk("IDAT", deflateSync(raw)), pngChunk("IEND", Buffer.alloc(0))]);
}
