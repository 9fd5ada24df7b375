import { inflateSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SeededRandom } from "./random.ts";
import { crc32, STILL_HEIGHT, STILL_WIDTH, stillImage } from "./still-image.ts";

test("crc32 matches the standard check value", () => {
  assert.is(crc32(Buffer.from("123456789", "ascii")), 0xcbf43926);
  assert.is(crc32(Buffer.alloc(0)), 0);
});

test("still is a PNG whose chunks check and whose pixels inflate", () => {
  const png = stillImage(new SeededRandom(3));
  const chunks = new Map<string, Buffer>();

  assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString("ascii");
    const body = png.subarray(at + 8, at + 8 + len);
    assert.is(png.readUInt32BE(at + 8 + len), crc32(png.subarray(at + 4, at + 8 + len)), `${type} crc`);
    chunks.set(type, body);
    at += 12 + len;
  }

  assert.equal([...chunks.keys()], ["IHDR", "IDAT", "IEND"]);
  assert.is(chunks.get("IHDR")!.readUInt32BE(0), STILL_WIDTH);
  assert.is(chunks.get("IHDR")!.readUInt32BE(4), STILL_HEIGHT);
  assert.is(inflateSync(chunks.get("IDAT")!).length, STILL_HEIGHT * (1 + STILL_WIDTH * 3));
});

test("stills differ by seed and need several chunks", () => {
  const first = stillImage(new SeededRandom(1));
  const second = stillImage(new SeededRandom(2));

  assert.not.ok(first.equals(second));
  assert.ok(first.length > 211 * 4, `still is ${first.length} bytes`);
  assert.ok(first.length < 16 * 1024, `still is ${first.length} bytes`);
});

test.run();
