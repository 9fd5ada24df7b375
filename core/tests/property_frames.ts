/**
 * fast-check generators of valid frames of every type, written from docs/protocol.md sections 1 and 6
 * alone. Each generated case carries the header, the payload bytes and the values the core's typed
 * getters (docs/core-abi.md) must return for it, so a round trip through frame_decode can be checked
 * field by field.
 */
import fc from "fast-check";

export const TYPE = {
  heartbeat: 0x01,
  motion: 0x02,
  log: 0x03,
  command: 0x04,
  acknowledgement: 0x05,
  beacon: 0x06,
  manifest: 0x07,
  chunk: 0x08,
} as const;

/** docs/protocol.md section 1.2: the payload limit of every signed type, and of chunks. */
export const JSON_PAYLOAD_MAX = 159;
export const CHUNK_DATA_MAX = 211;
export const CONTENT_MAX = 16777216;
const U32_MAX = 0xffffffff;

/** The typed getters' expected values; a getter not listed must return 0. */
export type Getters = Record<string, number>;

export interface FrameCase {
  type: number;
  deviceId: string;
  timestamp: number;
  seq: number;
  payload: Buffer;
  getters: Getters;
  /** Bytes expected in buffer_decoded() (a key, a SHA-256, a sealed key), when the type has one. */
  decoded?: Buffer;
  /** The `device` argument of a home base command, expected in buffer_arg_device(). */
  argDevice?: string;
  /** The raw text a (offset, len) getter pair must point at, keyed by the offset getter's name. */
  texts?: Record<string, Buffer>;
}

export interface PayloadCase {
  payload: Buffer;
  getters: Getters;
  decoded?: Buffer;
  argDevice?: string;
  texts?: Record<string, Buffer>;
}

const DEVICE_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
const MEDIA_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789/.+-";
const VERSION_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-";

function charsOf(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet.split("")), minLength, maxLength });
}

export const deviceIdArb = charsOf(DEVICE_ID_CHARS, 1, 15);
const u32Arb = fc.integer({ min: 0, max: U32_MAX });
const idArb = fc.integer({ min: 1, max: U32_MAX });

function bytesArb(length: number): fc.Arbitrary<Buffer> {
  return fc.uint8Array({ minLength: length, maxLength: length }).map((bytes) => Buffer.from(bytes));
}

/** Joins members into an object in the given order; each member is `"name":value` already. */
function objectText(members: string[]): string {
  return `{${members.join(",")}}`;
}

function utf8(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

/**
 * Any JSON object that fits the payload limit. Strings avoid U+0000, which the central server
 * rejects, and the nesting stays within the 8 levels section 1.2 allows.
 */
const jsonObjectArb: fc.Arbitrary<Buffer> = fc
  .dictionary(
    fc.string({ unit: "grapheme", maxLength: 8 }).filter((key) => !key.includes("\0")),
    fc.jsonValue({ maxDepth: 3 }),
    { maxKeys: 5 },
  )
  .map((value) => utf8(JSON.stringify(value)))
  .filter((bytes) => bytes.length >= 2 && bytes.length <= JSON_PAYLOAD_MAX && !bytes.includes("\\u0000"));

const heartbeatArb: fc.Arbitrary<PayloadCase> = fc.oneof(
  jsonObjectArb,
  fc.record({ battery: fc.integer({ min: 0, max: 100 }), uptime: u32Arb }, { requiredKeys: [] })
    .map((value) => utf8(JSON.stringify(value))),
).map((payload) => ({ payload, getters: {} }));

const motionArb: fc.Arbitrary<PayloadCase> = fc.oneof(
  jsonObjectArb,
  fc.record({ zone: charsOf(DEVICE_ID_CHARS, 1, 20), confidence: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map((value) => utf8(JSON.stringify(value))),
).map((payload) => ({ payload, getters: {} }));

const logArb: fc.Arbitrary<PayloadCase> = fc.oneof(
  jsonObjectArb,
  fc.record({
    level: fc.constantFrom("debug", "info", "warning", "error", "critical"),
    category: charsOf("abcdefghijklmnopqrstuvwxyz0123456789_-.", 1, 32),
    message: fc.string({ unit: "grapheme-ascii", maxLength: 60 }),
  }).map((value) => utf8(JSON.stringify(value))),
).map((payload) => ({ payload, getters: {} }));

/** A JSON string of printable ASCII; its raw text keeps JSON.stringify's escapes. */
const reasonArb = fc.string({ unit: "grapheme-ascii", maxLength: 40 });

const ACK_RESULTS = ["ok", "in_progress", "error", "unsupported"] as const;

const acknowledgementArb: fc.Arbitrary<PayloadCase> = fc
  .record({
    id: idArb,
    result: fc.integer({ min: 0, max: 3 }),
    reason: fc.option(reasonArb, { nil: undefined }),
    order: fc.boolean(),
  })
  .map(({ id, result, reason, order }) => {
    const members = [`"id":${id}`, `"result":"${ACK_RESULTS[result]}"`];
    if (order) members.reverse();
    const reasonRaw = reason === undefined ? undefined : JSON.stringify(reason).slice(1, -1);
    if (reasonRaw !== undefined) members.push(`"reason":"${reasonRaw}"`);

    const text = objectText(members);
    const getters: Getters = { ack_id: id, ack_result: result, ack_reason_len: Buffer.byteLength(reasonRaw ?? "") };
    const texts = reasonRaw === undefined ? undefined : { ack_reason_offset: utf8(reasonRaw) };
    return { payload: utf8(text), getters, texts };
  });

const beaconArb: fc.Arbitrary<PayloadCase> = fc
  .record({ channel: fc.integer({ min: 1, max: 14 }), boot: fc.integer({ min: 1, max: U32_MAX }) })
  .map(({ channel, boot }) => {
    const payload = Buffer.alloc(6);
    payload[0] = channel;
    payload[1] = 0;
    payload.writeUInt32LE(boot, 2);
    return { payload, getters: { beacon_channel: channel, beacon_boot: boot } };
  });

const manifestArb: fc.Arbitrary<PayloadCase> = fc
  .record({
    size: fc.integer({ min: 1, max: CONTENT_MAX }),
    sha256: bytesArb(32),
    media: charsOf(MEDIA_CHARS, 1, 64),
    order: fc.integer({ min: 0, max: 5 }),
  })
  .map(({ size, sha256, media, order }) => {
    const members = [`"size":${size}`, `"sha256":"${sha256.toString("base64")}"`, `"media":"${media}"`];
    const ordered = permute(members, order);
    return {
      payload: utf8(objectText(ordered)),
      getters: { manifest_size: size, manifest_media_len: media.length, decoded_len: 32 },
      decoded: sha256,
      texts: { manifest_media_offset: utf8(media) },
    };
  });

/** Returns one of the 6 orders of three members, so no test relies on the order the encoder writes. */
function permute<T>(items: T[], orderIndex: number): T[] {
  const [a, b, c] = items as [T, T, T];
  const orders: T[][] = [[a, b, c], [a, c, b], [b, a, c], [b, c, a], [c, a, b], [c, b, a]];
  return orders[orderIndex % orders.length]!;
}

const chunkArb: fc.Arbitrary<PayloadCase> = fc
  .record({
    content: u32Arb,
    data: fc.uint8Array({ minLength: 1, maxLength: CHUNK_DATA_MAX }),
    total: fc.integer({ min: 1, max: CONTENT_MAX }),
    offsetFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .filter(({ data, total }) => data.length <= total)
  .map(({ content, data, total, offsetFraction }) => {
    const offset = Math.floor((total - data.length) * offsetFraction);
    const payload = Buffer.alloc(12 + data.length);
    payload.writeUInt32LE(content, 0);
    payload.writeUInt32LE(offset, 4);
    payload.writeUInt32LE(total, 8);
    Buffer.from(data).copy(payload, 12);
    return {
      payload,
      getters: { chunk_content: content, chunk_offset: offset, chunk_total: total, chunk_data_len: data.length },
    };
  });

/** A command's arguments: members after `id` and `cmd`, and the getters they set. */
interface CommandArguments {
  code: number;
  name: string;
  members: string[];
  getters: Getters;
  decoded?: Buffer;
  argDevice?: string;
  text?: Buffer;
}

function optionalNumberArgument(code: number, name: string, member: string, min: number, max: number, fallback: number) {
  return fc.option(fc.integer({ min, max }), { nil: undefined }).map((value): CommandArguments => ({
    code,
    name,
    members: value === undefined ? [] : [`"${member}":${value}`],
    getters: { command_number: value ?? fallback },
  }));
}

/** A small config object without whitespace, so its raw bytes are exactly its JSON.stringify text. */
const configArb = fc
  .dictionary(charsOf("abcdefghijklmnopqrstuvwxyz_", 1, 8), fc.oneof(fc.integer(), fc.boolean(), charsOf(DEVICE_ID_CHARS, 0, 10)), { maxKeys: 3 })
  .map((value) => JSON.stringify(value))
  .filter((text) => text.length <= 60);

const homeBaseKeyArgs = (code: number, name: string) =>
  fc.record({ device: deviceIdArb, key: bytesArb(32) }).map(({ device, key }): CommandArguments => ({
    code,
    name,
    members: [`"device":"${device}"`, `"key":"${key.toString("base64")}"`],
    getters: { command_device_len: device.length, decoded_len: 32 },
    decoded: key,
    argDevice: device,
  }));

/** Device commands (codes 1 to 15) and home base config commands (16 to 31), docs/protocol.md section 6.2. */
export const deviceCommandArgsArb: fc.Arbitrary<CommandArguments> = fc.oneof(
  optionalNumberArgument(1, "reboot", "delay_sec", 0, 3600, 0),
  optionalNumberArgument(2, "identify", "duration_sec", 1, 600, 10),
  configArb.map((config): CommandArguments => ({
    code: 3,
    name: "set_config",
    members: [`"config":${config}`],
    getters: { command_text_len: Buffer.byteLength(config) },
    text: utf8(config),
  })),
  bytesArb(80).map((sealed): CommandArguments => ({
    code: 4,
    name: "rotate_key",
    members: [`"sealed":"${sealed.toString("base64")}"`],
    getters: { decoded_len: 80 },
    decoded: sealed,
  })),
  fc.record({ version: charsOf(VERSION_CHARS, 1, 16), size: fc.integer({ min: 1, max: CONTENT_MAX }), sha256: bytesArb(32) })
    .map(({ version, size, sha256 }): CommandArguments => ({
      code: 5,
      name: "ota_offer",
      members: [`"version":"${version}"`, `"size":${size}`, `"sha256":"${sha256.toString("base64")}"`],
      getters: { command_number: size, command_text_len: version.length, decoded_len: 32 },
      decoded: sha256,
      text: utf8(version),
    })),
);

export const homeBaseCommandArgsArb: fc.Arbitrary<CommandArguments> = fc.oneof(
  homeBaseKeyArgs(16, "device_add"),
  homeBaseKeyArgs(17, "device_rotate_key"),
  deviceIdArb.map((device): CommandArguments => ({
    code: 18,
    name: "device_revoke",
    members: [`"device":"${device}"`],
    getters: { command_device_len: device.length },
    argDevice: device,
  })),
  bytesArb(32).map((sha256): CommandArguments => ({
    code: 19,
    name: "set_dashboard_token",
    members: [`"sha256":"${sha256.toString("base64")}"`],
    getters: { decoded_len: 32 },
    decoded: sha256,
  })),
);

function commandPayload(id: number, args: CommandArguments, shuffleSeed: number): PayloadCase {
  const members = [`"id":${id}`, `"cmd":"${args.name}"`, ...args.members];
  const rotated = members.map((_, i) => members[(i + shuffleSeed) % members.length]!);
  const text = objectText(rotated);
  const textKey = args.text === undefined ? undefined : { command_text_offset: args.text };
  return {
    payload: utf8(text),
    getters: { command_id: id, command_code: args.code, ...args.getters },
    decoded: args.decoded,
    argDevice: args.argDevice,
    texts: textKey,
  };
}

const commandArb: fc.Arbitrary<PayloadCase> = fc
  .record({
    id: idArb,
    args: fc.oneof(deviceCommandArgsArb, homeBaseCommandArgsArb),
    shuffle: fc.nat({ max: 4 }),
  })
  .map(({ id, args, shuffle }) => commandPayload(id, args, shuffle))
  .filter((item) => item.payload.length <= JSON_PAYLOAD_MAX);

const PAYLOADS: Record<number, fc.Arbitrary<PayloadCase>> = {
  [TYPE.heartbeat]: heartbeatArb,
  [TYPE.motion]: motionArb,
  [TYPE.log]: logArb,
  [TYPE.command]: commandArb,
  [TYPE.acknowledgement]: acknowledgementArb,
  [TYPE.beacon]: beaconArb,
  [TYPE.manifest]: manifestArb,
  [TYPE.chunk]: chunkArb,
};

/** A valid frame of one of `types`: any device id, timestamp and seq, and a payload valid for its type. */
export function frameCaseArb(types: readonly number[]): fc.Arbitrary<FrameCase> {
  return fc.constantFrom(...types).chain((type) =>
    fc.record({ deviceId: deviceIdArb, timestamp: u32Arb, seq: u32Arb, body: PAYLOADS[type]! }).map(
      ({ deviceId, timestamp, seq, body }): FrameCase => ({ type, deviceId, timestamp, seq, ...body }),
    ),
  );
}
