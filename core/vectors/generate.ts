/**
 * Writes frames.json, requests.json, accept.json, batch.json, scenarios.json and sealed-keys.json:
 * frames, signed requests and scenarios built byte by byte from docs/protocol.md with node:crypto
 * Ed25519 (encode.ts) and a replay model of its own (replay-model.ts), never with the core they test. Seeds are fixed, so a run writes the same files again. Run from the
 * repository root:
 *   node --import tsx core/vectors/generate.ts
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  FRAME_TYPE, addGroupOrder, flipBits, canonicalText, encodeFrame, requestSignedMessage,
  sha256Hex, signRequest, type FrameHeader, type RequestParts, type Signer,
} from "./encode.ts";
import {
  TIMESTAMP, addBadSignature, addMalformed, addValid, builds, frames, hall, header, hex, homeBase, network, otherNetwork, porch,
} from "./frame-collector.ts";
import { addTypedFrameVectors } from "./frame-cases.ts";
import { buildScenarios, scenarioKeys } from "./scenarios.ts";
import { buildSealedKeyVectors } from "./sealed-keys.ts";

const OUTPUT_DIR = fileURLToPath(new URL(".", import.meta.url));
const SOURCE = `core/vectors/generate.ts with node:crypto Ed25519 (Node ${process.version}); byte layout written from docs/protocol.md, fixed seeds from labels`;

function signed(head: FrameHeader, payload: string): Buffer {
  return encodeFrame(head, Buffer.from(payload, "utf8"), porch, network.publicKey);
}

// Valid frames of each type, and the size edges.
addValid("heartbeat frame", header(FRAME_TYPE.heartbeat, 1), '{"battery":91,"uptime":3600}');
addValid("motion frame", header(FRAME_TYPE.motion, 2), '{"zone":"porch","confidence":0.82}');
addValid("log frame", header(FRAME_TYPE.log, 3), '{"level":"info","category":"sensor","message":"door closed"}');
addValid("command frame signed by the network key", header(FRAME_TYPE.command, 4), '{"id":4,"cmd":"reboot"}', network, { command_id: 4, command_code: 1 });
addValid("shortest frame with an empty object", header(FRAME_TYPE.heartbeat, 5), "{}");
addValid(
  "log frame with a surrogate pair escape",
  header(FRAME_TYPE.log, 27),
  '{"level":"info","category":"sensor","message":"\\ud83d\\ude00"}',
);
const longMessage = "x".repeat(159 - '{"level":"debug","category":"c","message":""}'.length);
addValid("longest frame of 250 bytes", header(FRAME_TYPE.log, 6), `{"level":"debug","category":"c","message":"${longMessage}"}`);
const longest = frames.at(-1)!;
addMalformed("log frame of 251 bytes", Buffer.concat([Buffer.from(longest.frame, "hex"), Buffer.from(" ")]), "FRAME_TOO_LONG");
const longHeartbeat = addValid("largest heartbeat frame of 250 bytes", header(FRAME_TYPE.heartbeat, 10), `{"note":"${"h".repeat(159 - 11)}"}`);
addMalformed("heartbeat frame of 251 bytes", Buffer.concat([longHeartbeat, Buffer.from(" ")]), "FRAME_TOO_LONG");
const longMotion = addValid("largest motion frame of 250 bytes", header(FRAME_TYPE.motion, 11), `{"zone":"${"z".repeat(159 - 11)}"}`);
addMalformed("motion frame of 251 bytes", Buffer.concat([longMotion, Buffer.from(" ")]), "FRAME_TOO_LONG");
addValid("device id of 15 characters", { type: FRAME_TYPE.heartbeat, deviceId: "hall_sensor-2AZ", timestamp: TIMESTAMP, seq: 7 }, "{}", porch);
addValid("payload with whitespace, escapes and UTF-8", header(FRAME_TYPE.log, 8), ' {"level":"info","category":"door.front","message":"T\\u00fcr \\"zu\\" \u00e9\u20ac\u{1f600}\\n"} ');
addValid("payload nested eight deep", header(FRAME_TYPE.log, 9), '{"a":[{"b":[{"c":[{"d":[1,2.5e-3,-0,true,false,null]}]}]}]}');
addValid("timestamp and seq at the u32 maximum", header(FRAME_TYPE.heartbeat, 0xffffffff, { timestamp: 0xffffffff }), "{}");
addValid("frame from a second device", { type: FRAME_TYPE.motion, deviceId: "hall_sensor-2", timestamp: TIMESTAMP, seq: 1 }, '{"zone":"hall"}', hall);

// Form checks 1 to 8 of docs/protocol.md section 1.3, one case or more each.
const good = signed(header(FRAME_TYPE.log, 20), '{"level":"info","category":"sensor","message":"ok"}');
addMalformed("frame of 90 bytes is too short", good.subarray(0, 90), "FRAME_TOO_SHORT");
addMalformed("empty frame is too short", Buffer.alloc(0), "FRAME_TOO_SHORT");
addMalformed("frame of 251 bytes is too long", Buffer.concat([good, Buffer.alloc(251 - good.length, 0x20)]), "FRAME_TOO_LONG");
addMalformed("frame of 26 bytes is too short", good.subarray(0, 26), "FRAME_TOO_SHORT");
addMalformed("header alone is too short for a signed type", good.subarray(0, 27), "FRAME_TOO_SHORT");

// The order of checks 1 to 8: when two checks fail, the earlier one gives the status.
addMalformed("26 bytes with version 2: the length is checked first", signed(header(FRAME_TYPE.log, 21, { version: 2 }), "{}").subarray(0, 26), "FRAME_TOO_SHORT");
addMalformed("251 bytes with version 2: the length is checked first", Buffer.concat([signed(header(FRAME_TYPE.log, 21, { version: 2 }), "{}"), Buffer.alloc(160)]), "FRAME_TOO_LONG");
addMalformed("version 2 and type 9: the version is checked first", signed(header(9, 21, { version: 2 }), "{}"), "FRAME_BAD_VERSION");
addMalformed("type 9 in 30 bytes: the type is checked before the length", signed(header(9, 21), "{}").subarray(0, 30), "FRAME_BAD_TYPE");
addMalformed("bad device id in 30 bytes: the length is checked first", signed(header(FRAME_TYPE.log, 21, { deviceId: "porch.cam" }), "{}").subarray(0, 30), "FRAME_TOO_SHORT");
addMalformed("bad device id and payload length 200: the device id is checked first", signed(header(FRAME_TYPE.log, 21, { deviceId: "porch.cam", payloadLenByte: 200 }), "{}"), "FRAME_BAD_DEVICE_ID");
addMalformed("payload length 200 in a short frame: the payload limit is checked first", signed(header(FRAME_TYPE.log, 21, { payloadLenByte: 200 }), "{}"), "FRAME_PAYLOAD_TOO_LONG");
addMalformed("length mismatch with a bad payload: the length is checked first", signed(header(FRAME_TYPE.log, 21, { payloadLenByte: 3 }), "{x"), "FRAME_LENGTH_MISMATCH");
addMalformed("version 2", signed(header(FRAME_TYPE.log, 21, { version: 2 }), "{}"), "FRAME_BAD_VERSION");
addMalformed("version 0", signed(header(FRAME_TYPE.log, 21, { version: 0 }), "{}"), "FRAME_BAD_VERSION");
addMalformed("type 0", signed(header(0, 22), "{}"), "FRAME_BAD_TYPE");
addMalformed("type 9", signed(header(9, 22), "{}"), "FRAME_BAD_TYPE");
addMalformed("type 255", signed(header(0xff, 22), "{}"), "FRAME_BAD_TYPE");
addMalformed("device id without a NUL", signed(header(FRAME_TYPE.log, 23, { deviceIdField: Buffer.from("abcdefghijklmnop") }), "{}"), "FRAME_BAD_DEVICE_ID");
addMalformed("device id with a dot", signed(header(FRAME_TYPE.log, 23, { deviceId: "porch.cam" }), "{}"), "FRAME_BAD_DEVICE_ID");
addMalformed("device id with a space", signed(header(FRAME_TYPE.log, 23, { deviceId: "porch cam" }), "{}"), "FRAME_BAD_DEVICE_ID");
addMalformed("empty device id", signed(header(FRAME_TYPE.log, 23, { deviceIdField: Buffer.alloc(16) }), "{}"), "FRAME_BAD_DEVICE_ID");
const afterNul = Buffer.alloc(16);
afterNul.write("cam", "ascii");
afterNul[5] = 0x41;
addMalformed("device id with a byte after its NUL", signed(header(FRAME_TYPE.log, 23, { deviceIdField: afterNul }), "{}"), "FRAME_BAD_DEVICE_ID");
addMalformed("payload length 160", (() => {
  const frame = Buffer.from(good);
  frame[26] = 160;
  return frame;
})(), "FRAME_PAYLOAD_TOO_LONG");
addMalformed("payload length 255", signed(header(FRAME_TYPE.log, 24, { payloadLenByte: 255 }), "{}"), "FRAME_PAYLOAD_TOO_LONG");
addMalformed("length byte one above the payload", signed(header(FRAME_TYPE.log, 24, { payloadLenByte: 3 }), "{}"), "FRAME_LENGTH_MISMATCH");
addMalformed("length byte one below the payload", signed(header(FRAME_TYPE.log, 24, { payloadLenByte: 1 }), "{}"), "FRAME_LENGTH_MISMATCH");
addMalformed("empty payload", signed(header(FRAME_TYPE.heartbeat, 25), ""), "FRAME_BAD_JSON");

const badJson: Array<[string, Buffer | string]> = [
  ["truncated object", '{"battery":9'],
  ["trailing comma", '{"battery":91,}'],
  ["trailing comma in an array", '{"a":[1,]}'],
  ["invalid UTF-8 byte 0xff in a string", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
  ["overlong UTF-8 encoding of a slash", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d])],
  ["UTF-8 encoded surrogate", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])],
  ["UTF-8 sequence cut at the end of a string", Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d])],
  ["top-level array", "[1,2]"],
  ["top-level string", '"text"'],
  ["top-level number", "42"],
  ["nested nine deep", '{"a":[{"b":[{"c":[{"d":[[]]}]}]}]}'],
  ["number with a leading zero", '{"a":01}'],
  ["number without digits after the point", '{"a":1.}'],
  ["single-quoted name", "{'a':1}"],
  ["unquoted name", "{a:1}"],
  ["control character in a string", '{"a":"x\ty"}'],
  ["unknown escape", '{"a":"\\x41"}'],
  ["short unicode escape", '{"a":"\\u12"}'],
  ["two objects", "{}{}"],
  ["text after the object", '{"a":1} x'],
  ["literal in capitals", '{"a":TRUE}'],
  ["missing value", '{"a":}'],
  ["NUL escape in a string", '{"a":"\\u0000"}'],
  ["NUL escape in a member name", '{"\\u0000":1}'],
  ["lone high surrogate escape", '{"a":"\\ud800"}'],
  ["lone low surrogate escape", '{"a":"\\udc00"}'],
  ["high surrogate escape before a letter escape", '{"a":"\\ud800\\u0041"}'],
  ["high surrogate escape at the end of a string", '{"a":"x\\udbff"}'],
];
for (const [name, payload] of badJson) {
  const bytes = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  addMalformed(`payload: ${name}`, encodeFrame(header(FRAME_TYPE.log, 26), bytes, porch, network.publicKey), "FRAME_BAD_JSON");
}

addTypedFrameVectors();

// Signature checks 16 and 17.
const goodSigOffset = good.length - 64;
addBadSignature("signature with S + L", addGroupOrder(good, goodSigOffset), "SIGNATURE_NONCANONICAL", porch.publicKey);
const sEqualsL = Buffer.from(good);
addGroupOrder(Buffer.alloc(64), 0).copy(sEqualsL, goodSigOffset);
addBadSignature("signature with S equal to L", sEqualsL, "SIGNATURE_NONCANONICAL", porch.publicKey);
const flipped = flipBits(good, goodSigOffset + 5, 0x01);
addBadSignature("signature with a flipped byte in R", flipped, "SIGNATURE_INVALID", porch.publicKey);
const flippedS = flipBits(good, goodSigOffset + 40, 0x01);
addBadSignature("signature with a flipped byte in S", flippedS, "SIGNATURE_INVALID", porch.publicKey);
const tampered = Buffer.from(good);
tampered[27 + 10] = "w".charCodeAt(0);
addBadSignature("payload changed after signing", tampered, "SIGNATURE_INVALID", porch.publicKey);
addBadSignature("frame checked under another device's key", good, "SIGNATURE_INVALID", hall.publicKey);
addBadSignature("frame checked in another network", good, "SIGNATURE_INVALID", porch.publicKey, otherNetwork.publicKey);

// Signed requests (docs/protocol.md section 2).

interface RequestVector {
  name: string;
  canonical: string;
  signature: string;
  public_key: string;
  now: number;
  /** Status name of request_verify. */
  verify: string;
  /** Status name of request_signed_message (form only). */
  form: string;
  nonce?: string;
  signed_message?: string;
}

const requests: RequestVector[] = [];
const REQUEST_TIMESTAMP = 1764871234;
const INGEST_BODY = '{"key_id":"6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase","batch_seq":17,"interval_sec":60,"sealed_at":1764871234,"entries":[]}';
const goodParts: RequestParts = {
  method: "POST",
  path: "/logs/ingest",
  keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase",
  timestamp: String(REQUEST_TIMESTAMP),
  nonce: "00112233445566778899aabbccddeeff",
  bodySha256: sha256Hex(INGEST_BODY),
};

function addRequest(name: string, canonical: string, verify: string, form: string, now = REQUEST_TIMESTAMP, signature?: Buffer, signer: Signer = homeBase): void {
  const text = Buffer.from(canonical, "utf8");
  const vector: RequestVector = {
    name,
    canonical,
    signature: hex(signature ?? signRequest(text, homeBase)),
    public_key: hex(signer.publicKey),
    now,
    verify,
    form,
  };
  if (form === "OK") vector.signed_message = hex(requestSignedMessage(text));
  if (verify === "OK") vector.nonce = canonical.split("\n")[4];
  requests.push(vector);
}

function withParts(overrides: Partial<RequestParts>): string {
  return canonicalText({ ...goodParts, ...overrides });
}

const goodText = canonicalText(goodParts);
addRequest("ingest request", goodText, "OK", "OK");
addRequest("request with a query string and an empty body", withParts({ method: "GET", path: "/firmware/latest?channel=stable&v=2", bodySha256: sha256Hex("") }), "OK", "OK");
addRequest("request 300 seconds behind the clock", goodText, "OK", "OK", REQUEST_TIMESTAMP + 300);
addRequest("request 300 seconds ahead of the clock", goodText, "OK", "OK", REQUEST_TIMESTAMP - 300);
addRequest("request 301 seconds behind the clock", goodText, "REQUEST_TIMESTAMP_SKEW", "OK", REQUEST_TIMESTAMP + 301);
addRequest("request 301 seconds ahead of the clock", goodText, "REQUEST_TIMESTAMP_SKEW", "OK", REQUEST_TIMESTAMP - 301);
addRequest("timestamp 0", withParts({ timestamp: "0" }), "OK", "OK", 0);
addRequest("timestamp at the u32 maximum", withParts({ timestamp: "4294967295" }), "OK", "OK", 4294967295);
addRequest("method of seven letters and a path of 256 characters", withParts({ method: "OPTIONS", path: `/${"p".repeat(255)}` }), "OK", "OK");
addRequest("network key id: the UUID alone", withParts({ method: "POST", path: "/api/v1/command", keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11" }), "OK", "OK");
addRequest("device id of 15 characters in the key id", withParts({ keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/hb_0123456789-Z" }), "OK", "OK");

const badForms: Array<[string, Partial<RequestParts>]> = [
  ["lower-case method", { method: "post" }],
  ["empty method", { method: "" }],
  ["method of eight letters", { method: "POSTPOST" }],
  ["method with a digit", { method: "POST2" }],
  ["path without a leading slash", { path: "logs/ingest" }],
  ["empty path", { path: "" }],
  ["path of 257 characters", { path: `/${"p".repeat(256)}` }],
  ["path with a space", { path: "/logs/ingest now" }],
  ["path with a non-ASCII character", { path: "/logs/\u00e9" }],
  ["path with a tab", { path: "/logs\t" }],
  ["key id with upper-case hex", { keyId: "6F1C2D0A-8A55-4C3E-9D1B-2F7F0C4B9E11/homebase" }],
  ["key id without a slash", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11homebase" }],
  ["key id with an empty device id", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/" }],
  ["key id with a device id of 16 characters", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase01234567" }],
  ["key id with a dot in the device id", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/home.base" }],
  ["key id with a misplaced dash", { keyId: "6f1c2d0a8-a55-4c3e-9d1b-2f7f0c4b9e11/homebase" }],
  ["key id with a short UUID", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e1/homebase" }],
  ["bare UUID key id with upper-case hex", { keyId: "6F1C2D0A-8A55-4C3E-9D1B-2F7F0C4B9E11" }],
  ["bare UUID key id of 35 characters", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e1" }],
  ["bare UUID key id of 37 characters", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e110" }],
  ["UUID key id without dashes", { keyId: "6f1c2d0a8a554c3e9d1b2f7f0c4b9e11" }],
  ["UUID key id in braces", { keyId: "{6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11}" }],
  ["UUID key id with a non-hex letter", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e1g" }],
  ["empty key id", { keyId: "" }],
  ["key id with two device ids", { keyId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase/x" }],
  ["timestamp with a leading zero", { timestamp: `0${REQUEST_TIMESTAMP}` }],
  ["timestamp with a plus sign", { timestamp: `+${REQUEST_TIMESTAMP}` }],
  ["negative timestamp", { timestamp: "-5" }],
  ["empty timestamp", { timestamp: "" }],
  ["timestamp above the u32 maximum", { timestamp: "4294967296" }],
  ["timestamp of eleven digits", { timestamp: "17648712340" }],
  ["nonce of 31 characters", { nonce: "00112233445566778899aabbccddeef" }],
  ["nonce of 33 characters", { nonce: "00112233445566778899aabbccddeeff0" }],
  ["nonce with upper-case hex", { nonce: "00112233445566778899AABBCCDDEEFF" }],
  ["body hash of 63 characters", { bodySha256: sha256Hex(INGEST_BODY).slice(1) }],
  ["body hash with upper-case hex", { bodySha256: sha256Hex(INGEST_BODY).toUpperCase() }],
  ["body hash with a non-hex letter", { bodySha256: `g${sha256Hex(INGEST_BODY).slice(1)}` }],
];
for (const [name, overrides] of badForms) {
  addRequest(name, withParts(overrides), "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");
}
const lines = goodText.split("\n");
addRequest("five lines", lines.slice(0, 5).join("\n"), "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");
addRequest("seven lines", `${goodText}\nextra`, "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");
addRequest("final newline", `${goodText}\n`, "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");
addRequest("lines joined by CRLF", lines.join("\r\n"), "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");
addRequest("empty text", "", "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");
addRequest("text longer than the request buffer", withParts({ path: `/${"p".repeat(600)}` }), "REQUEST_BAD_FORM", "REQUEST_BAD_FORM");

// The body changed on the way: the receiver's own hash is in the text, the signature covers another.
const tamperedText = withParts({ bodySha256: sha256Hex(`${INGEST_BODY} `) });
addRequest("body hash differs from the signed one", tamperedText, "SIGNATURE_INVALID", "OK", REQUEST_TIMESTAMP, signRequest(Buffer.from(goodText), homeBase));
const goodSignature = signRequest(Buffer.from(goodText), homeBase);
addRequest("request signature with S + L", goodText, "SIGNATURE_NONCANONICAL", "OK", REQUEST_TIMESTAMP, addGroupOrder(goodSignature, 0));
const flippedRequest = flipBits(goodSignature, 0, 0x80);
addRequest("request signature with a flipped byte", goodText, "SIGNATURE_INVALID", "OK", REQUEST_TIMESTAMP, flippedRequest);
addRequest("request checked under another key", goodText, "SIGNATURE_INVALID", "OK", REQUEST_TIMESTAMP, goodSignature, porch);
addRequest("skew is checked before the signature", goodText, "REQUEST_TIMESTAMP_SKEW", "OK", REQUEST_TIMESTAMP + 1000, flippedRequest);

// The home base's check of requests from the central server (request_accept): the network id is
// the only key id it accepts, and the network key signs under it (docs/protocol.md sections 2, 12.2).

interface RequestAcceptVector {
  name: string;
  /** Written with network_id_set before the request; null leaves the core without one. */
  network_id: string | null;
  canonical: string;
  signature: string;
  now: number;
  /** Status name of request_accept on a fresh instance. */
  accept: string;
}

const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";
const requestAccepts: RequestAcceptVector[] = [];
const mediaParts: RequestParts = {
  method: "GET",
  path: "/api/v1/media/2026-12/05/01/2152-porch-cam-168.png",
  keyId: NETWORK_ID,
  timestamp: String(REQUEST_TIMESTAMP),
  nonce: "8899aabbccddeeff0011223344556677",
  bodySha256: sha256Hex(""),
};

function addRequestAccept(name: string, parts: Partial<RequestParts>, accept: string, options: { now?: number; signer?: Signer; signature?: Buffer; networkId?: string | null } = {}): void {
  const canonical = canonicalText({ ...mediaParts, ...parts });
  requestAccepts.push({
    name,
    network_id: options.networkId === undefined ? NETWORK_ID : options.networkId,
    canonical,
    signature: hex(options.signature ?? signRequest(Buffer.from(canonical, "utf8"), options.signer ?? network)),
    now: options.now ?? REQUEST_TIMESTAMP,
    accept,
  });
}

const mediaText = canonicalText(mediaParts);
const mediaSignature = signRequest(Buffer.from(mediaText), network);
addRequestAccept("media fetch signed by the network key", {}, "OK");
addRequestAccept("command delivery signed by the network key", { method: "POST", path: "/api/v1/command", bodySha256: sha256Hex('{"frame":"01"}') }, "OK");
addRequestAccept("network key request 300 seconds behind the clock", {}, "OK", { now: REQUEST_TIMESTAMP + 300 });
addRequestAccept("network key request 301 seconds behind the clock", {}, "REQUEST_TIMESTAMP_SKEW", { now: REQUEST_TIMESTAMP + 301 });
addRequestAccept("network key request 301 seconds ahead of the clock", {}, "REQUEST_TIMESTAMP_SKEW", { now: REQUEST_TIMESTAMP - 301 });
addRequestAccept("home base key id is not the network's", { keyId: `${NETWORK_ID}/homebase` }, "REQUEST_UNKNOWN_KEY", { signer: homeBase });
addRequestAccept("another network's id", { keyId: "00000000-0000-4000-8000-000000000000" }, "REQUEST_UNKNOWN_KEY", { signer: otherNetwork });
addRequestAccept("no network id set", {}, "REQUEST_UNKNOWN_KEY", { networkId: null });
addRequestAccept("upper-case network id breaks the form", { keyId: NETWORK_ID.toUpperCase() }, "REQUEST_BAD_FORM");
addRequestAccept("network id signed by the home base key", {}, "SIGNATURE_INVALID", { signer: homeBase });
addRequestAccept("network id signed by another network's key", {}, "SIGNATURE_INVALID", { signer: otherNetwork });
addRequestAccept("network key signature with S + L", {}, "SIGNATURE_NONCANONICAL", { signature: addGroupOrder(mediaSignature, 0) });
addRequestAccept("media path changed after signing", { path: "/api/v1/media/2026-12/05/01/2152-porch-cam-169.png" }, "SIGNATURE_INVALID", { signature: mediaSignature });
addRequestAccept("unknown key id is checked before the skew", { keyId: `${NETWORK_ID}/homebase` }, "REQUEST_UNKNOWN_KEY", { now: REQUEST_TIMESTAMP + 1000 });

// The home base's intake (frame_accept) as a scenario: a device table, then frames in order, each
// with the status, slot and came_online that docs/protocol.md sections 1.3 and 1.4 require.

interface AcceptStep {
  name: string;
  frame: string;
  now: number;
  status: string;
  /** For steps that return OK: frame_slot, frame_came_online and the slot's highest seq after it. */
  slot?: number;
  came_online?: number;
  highest_seq?: number;
}

const acceptDevices = [
  { slot: 0, device_id: "porch-cam", public_key: hex(porch.publicKey) },
  { slot: 5, device_id: "hall_sensor-2", public_key: hex(hall.publicKey) },
];
const acceptSteps: AcceptStep[] = [];

function porchFrame(seq: number, timestamp = TIMESTAMP, signer: Signer = porch, type: number = FRAME_TYPE.log): Buffer {
  const payload = type === FRAME_TYPE.command ? `{"id":${seq},"cmd":"reboot"}` : '{"level":"info","category":"door","message":"opened"}';
  return encodeFrame(header(type, seq, { deviceId: "porch-cam", timestamp }), Buffer.from(payload), signer, network.publicKey);
}

function step(name: string, frame: Buffer, status: string, now = TIMESTAMP, accepted?: { slot: number; came_online: number; highest_seq: number }): void {
  acceptSteps.push({ name, frame: hex(frame), now, status, ...accepted });
}

step("first frame of a device", porchFrame(100), "OK", TIMESTAMP, { slot: 0, came_online: 1, highest_seq: 100 });
step("the same frame again", porchFrame(100), "REPLAY_DUPLICATE");
step("seq 63 below the highest", porchFrame(37), "OK", TIMESTAMP, { slot: 0, came_online: 0, highest_seq: 100 });
step("seq 63 below the highest again", porchFrame(37), "REPLAY_DUPLICATE");
step("seq 64 below the highest", porchFrame(36), "REPLAY_TOO_OLD");
step("timestamp 301 seconds behind", porchFrame(101, TIMESTAMP - 301), "FRAME_TIMESTAMP_SKEW");
step("timestamp 301 seconds ahead", porchFrame(101, TIMESTAMP + 301), "FRAME_TIMESTAMP_SKEW");
step("timestamp 300 seconds ahead", porchFrame(101, TIMESTAMP + 300), "OK", TIMESTAMP, { slot: 0, came_online: 0, highest_seq: 101 });
step("device not in the table", encodeFrame(header(FRAME_TYPE.log, 1, { deviceId: "attic" }), Buffer.from("{}"), porch, network.publicKey), "FRAME_UNKNOWN_DEVICE");
const nextPorch = porchFrame(102);
step("signature with S + L", addGroupOrder(nextPorch, nextPorch.length - 64), "SIGNATURE_NONCANONICAL");
step("signature with a flipped byte", flipBits(nextPorch, nextPorch.length - 30, 0x04), "SIGNATURE_INVALID");
step("the real frame after two forgeries of its seq", nextPorch, "OK", TIMESTAMP + 1, { slot: 0, came_online: 0, highest_seq: 102 });
step("frame for another device signed with the wrong key", encodeFrame(header(FRAME_TYPE.motion, 1, { deviceId: "hall_sensor-2" }), Buffer.from('{"zone":"hall"}'), porch, network.publicKey), "SIGNATURE_INVALID");
step("first frame of the second device", encodeFrame(header(FRAME_TYPE.motion, 1, { deviceId: "hall_sensor-2" }), Buffer.from('{"zone":"hall"}'), hall, network.publicKey), "OK", TIMESTAMP + 2, { slot: 5, came_online: 1, highest_seq: 1 });
// frame_accept takes device frames only: a command goes through command_accept (check 11).
step("command offered as a device frame", porchFrame(103, TIMESTAMP, network, FRAME_TYPE.command), "FRAME_WRONG_DIRECTION");
step("command signed by a device key", porchFrame(104, TIMESTAMP, porch, FRAME_TYPE.command), "FRAME_WRONG_DIRECTION");
step("frame too short", porchFrame(105).subarray(0, 90), "FRAME_TOO_SHORT");
step("seq far above the highest", porchFrame(1_000_000), "OK", TIMESTAMP + 4, { slot: 0, came_online: 0, highest_seq: 1_000_000 });
step("old seq after the window slid", porchFrame(102), "REPLAY_TOO_OLD");

// The batcher as a scenario. The expected batch is JSON.stringify of the section 3 fields in their
// documented order, which is also the compact form the core writes, so hosts compare bytes.

type BatchStep =
  | { op: "add_frame"; frame: string; rssi: number; now: number; status: string }
  | { op: "add_status"; slot: number; online: number; now: number; status: string }
  | { op: "seal"; now: number; batch: string; sealed_seq: number; next_seq: number };

const BATCH_KEY_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/homebase";
const BATCH_INTERVAL_SEC = 60;
const BATCH_FIRST_SEQ = 17;
const batchSteps: BatchStep[] = [];
let batchSeq = BATCH_FIRST_SEQ;
let openEntries: object[] = [];

function addFrameStep(frame: Buffer, rssi: number, now: number, kind: "log" | "motion" | null): void {
  batchSteps.push({ op: "add_frame", frame: hex(frame), rssi, now, status: "OK" });
  if (kind !== null) openEntries.push({ kind, device_id: "porch-cam", received_at: now, rssi, frame: hex(frame) });
}

function addStatusStep(slot: number, deviceId: string, online: boolean, now: number): void {
  batchSteps.push({ op: "add_status", slot, online: online ? 1 : 0, now, status: "OK" });
  openEntries.push({ kind: "device_status", device_id: deviceId, timestamp: now, online });
}

function sealStep(now: number): void {
  const batch = JSON.stringify({ key_id: BATCH_KEY_ID, batch_seq: batchSeq, interval_sec: BATCH_INTERVAL_SEC, sealed_at: now, entries: openEntries });
  batchSteps.push({ op: "seal", now, batch, sealed_seq: batchSeq, next_seq: batchSeq + 1 });
  batchSeq++;
  openEntries = [];
}

sealStep(TIMESTAMP);
addFrameStep(porchFrame(200), -48, TIMESTAMP + 1, "log");
addFrameStep(encodeFrame(header(FRAME_TYPE.heartbeat, 201, { deviceId: "porch-cam" }), Buffer.from('{"battery":91}'), porch, network.publicKey), -47, TIMESTAMP + 2, null);
addFrameStep(encodeFrame(header(FRAME_TYPE.motion, 202, { deviceId: "porch-cam" }), Buffer.from('{"zone":"porch","confidence":0.82}'), porch, network.publicKey), -128, TIMESTAMP + 3, "motion");
addStatusStep(5, "hall_sensor-2", true, TIMESTAMP + 4);
addStatusStep(0, "porch-cam", false, TIMESTAMP + 5);
batchSteps.push({ op: "add_status", slot: 7, online: 1, now: TIMESTAMP + 6, status: "DEVICE_BAD_SLOT" });
batchSteps.push({ op: "add_frame", frame: hex(porchFrame(203, TIMESTAMP, network, FRAME_TYPE.command)), rssi: -50, now: TIMESTAMP + 6, status: "BATCH_BAD_ARGUMENT" });
sealStep(TIMESTAMP + 60);
sealStep(TIMESTAMP + 120);

function write(file: string, body: object): void {
  writeFileSync(`${OUTPUT_DIR}${file}`, `${JSON.stringify(body, null, 1)}\n`);
}

write("frames.json", {
  source: SOURCE,
  notes: "Hex is lower-case. decode is the status of frame_decode; verify is the status of frame_verify under signer_public_key and network_public_key (FRAME_NOT_SIGNED for a chunk). fields, signed_message (signed types) and typed (every typed getter of docs/core-abi.md, 0 or empty for a field the frame does not have) are given for frames that decode OK and verify OK, and for chunks that decode OK. builds are frame_build(type, timestamp, seq, payload length) calls, with device_id NUL-padded in buffer_device_id and payload in buffer_payload, that must return status.",
  keys: {
    network: { seed: hex(network.seed), public_key: hex(network.publicKey) },
    other_network: { seed: hex(otherNetwork.seed), public_key: hex(otherNetwork.publicKey) },
    "porch-cam": { seed: hex(porch.seed), public_key: hex(porch.publicKey) },
    "hall_sensor-2": { seed: hex(hall.seed), public_key: hex(hall.publicKey) },
    homebase: { seed: hex(homeBase.seed), public_key: hex(homeBase.publicKey) },
  },
  vectors: frames,
  builds,
});

write("requests.json", {
  source: SOURCE,
  notes: "canonical is the UTF-8 canonical text. verify is the status of request_verify at now (Unix seconds) under public_key; form is the status of request_signed_message. nonce is given when verify is OK, signed_message when form is OK.",
  keys: {
    home_base: { seed: hex(homeBase.seed), public_key: hex(homeBase.publicKey) },
    network: { seed: hex(network.seed), public_key: hex(network.publicKey) },
  },
  vectors: requests,
  accept_notes: "Each accept vector runs on a fresh instance: write keys.network.public_key to buffer_network_key, network_id (unless null) to buffer_key_id and call network_id_set, then request_accept of canonical with signature at now; accept is its status name.",
  accept: requestAccepts,
});

write("accept.json", {
  source: SOURCE,
  notes: "Run in order on one instance: set network_public_key, device_set each device, then frame_accept each step's frame at now. status is the expected status name; slot, came_online and highest_seq (device_highest_seq of that slot) are given for steps that return OK.",
  network_public_key: hex(network.publicKey),
  devices: acceptDevices,
  steps: acceptSteps,
});

write("batch.json", {
  source: SOURCE,
  notes: "Run in order on one instance: device_set each device (the network key is not needed), batch_configure with key_id, interval_sec and next_seq, then each step. add_frame writes frame to the frame buffer and calls batch_add_frame(len, rssi, now); add_status calls batch_add_status(slot, online, now); seal calls batch_seal(now), whose output must equal batch byte for byte, then batch_sealed_seq and batch_next_seq.",
  key_id: BATCH_KEY_ID,
  interval_sec: BATCH_INTERVAL_SEC,
  next_seq: BATCH_FIRST_SEQ,
  devices: acceptDevices,
  steps: batchSteps,
});

const scenarios = buildScenarios();
write("scenarios.json", {
  source: SOURCE,
  notes: "Each scenario runs on a fresh core instance, its steps in order; restart replaces the instance. network_key writes buffer_network_key; device ids are written NUL-padded to 16 bytes; text is the UTF-8 canonical text of request_accept, signed by public_key. status is the expected status name; floor_due is replay_floor_due() after the step, given except where docs/core-abi.md leaves it open (right after replay_import); slot, came_online, key_rotated, frame_floor (device_frame_floor), highest_seq (device_highest_seq), command_id, command_code and command_floor (device_command_floor of the slot, or self_command_floor for slot -1) are checked for OK and COMMAND_REPEATED. batch_seal gives batch_sealed_seq, floor_due and batch_floor; replay_export gives the bytes of buffer_state.",
  keys: {
    network: { seed: hex(network.seed), public_key: hex(network.publicKey) },
    "porch-cam": { seed: hex(porch.seed), public_key: hex(porch.publicKey) },
    "hall_sensor-2": { seed: hex(hall.seed), public_key: hex(hall.publicKey) },
    homebase: { seed: hex(homeBase.seed), public_key: hex(homeBase.publicKey) },
    ...Object.fromEntries(Object.entries(scenarioKeys).map(([name, signer]) => [name, { seed: hex(signer.seed), public_key: hex(signer.publicKey) }])),
  },
  scenarios,
});

const sealedKeys = await buildSealedKeyVectors();
write("sealed-keys.json", {
  source: `${SOURCE}; sealed boxes with libsodium-wrappers (crypto_box_seed_keypair, crypto_generichash, crypto_box_easy: the crypto_box_seal construction with a fixed ephemeral key), each opened again with crypto_box_seal_open`,
  notes: "docs/protocol.md section 7. Open sealed (80 bytes) with crypto_box_seal_open under crypto_sign_ed25519_pk_to_curve25519(device public key) and crypto_sign_ed25519_sk_to_curve25519 of the device's 64-byte secret key (crypto_sign_seed_keypair(device_seed)); opens is true when that gives new_seed. command_frame is the rotate_key command to device_id, signed by the network key, whose sealed member is base64 of sealed.",
  network_public_key: hex(network.publicKey),
  vectors: sealedKeys,
});
console.log(`wrote ${sealedKeys.length} sealed key vectors,`);
console.log(`wrote ${scenarios.length} scenarios (${scenarios.reduce((sum, item) => sum + item.steps.length, 0)} steps),`);
console.log(`wrote ${frames.length} frame vectors, ${builds.length} build rejects, ${requests.length} request vectors, ${acceptSteps.length} intake steps and ${batchSteps.length} batch steps to ${OUTPUT_DIR}`);
