/**
 * Frame vectors for the payload rules of docs/protocol.md: commands (section 6), acknowledgements
 * (1.5), time beacons (1.6), manifests and chunks (1.7), plus frame_build calls that must fail.
 * Each valid frame carries the typed getter values written from the payload the generator chose.
 */
import { createHash } from "node:crypto";
import {
  COMMAND_CODE, ACK_RESULT, CONTENT_MAX_SIZE, FRAME_TYPE, RawJson, addGroupOrder, base64, beaconPayload, chunkPayload,
  encodeFrame, frameBody, jsonObject, seedFromLabel, type FrameHeader,
} from "./encode.ts";
import {
  addBadSignature, addBuildReject, addMalformed, addValid, addValidChunk, hall, header, homeBase, network, otherNetwork, porch,
  TIMESTAMP,
} from "./frame-collector.ts";
import type { TypedFields } from "./types.ts";

const HOME_BASE_ID = "homebase";
const SIGNED_PAYLOAD_MAX_LEN = 159;

/** Fixed bytes from a label, for keys, digests and sealed boxes whose content does not matter here. */
function bytesFromLabel(label: string, len: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < len; i++) out.push(seedFromLabel(`${label} ${i}`));
  return Buffer.concat(out).subarray(0, len);
}

const SEALED = bytesFromLabel("sealed box", 80);
const FIRMWARE_SHA256 = createHash("sha256").update("firmware image").digest();
const TOKEN_SHA256 = createHash("sha256").update("dashboard token").digest();
const MEDIA_SHA256 = createHash("sha256").update("").digest();

/** Returns base64 whose last character has a non-zero unused bit, so it decodes but is not canonical. */
function nonCanonicalBase64(data: Buffer): string {
  const text = base64(data);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const lastDataIndex = text.replace(/=+$/, "").length - 1;
  const value = alphabet.indexOf(text[lastDataIndex]!);
  return `${text.slice(0, lastDataIndex)}${alphabet[value | 1]}${text.slice(lastDataIndex + 1)}`;
}

function commandTarget(cmd: string): string {
  return (COMMAND_CODE[cmd] ?? 0) >= 16 ? HOME_BASE_ID : "porch-cam";
}

function commandHeader(seq: number, target: string): FrameHeader {
  return header(FRAME_TYPE.command, seq, { deviceId: target });
}

function addCommand(name: string, seq: number, members: Array<[string, unknown]>, typed: TypedFields, target?: string): void {
  const cmd = members.find(([member]) => member === "cmd")?.[1] as string;
  addValid(name, commandHeader(seq, target ?? commandTarget(cmd)), jsonObject(members), network, { command_code: COMMAND_CODE[cmd], ...typed });
}

function commandFrame(seq: number, payload: string, target = "porch-cam"): Buffer {
  return encodeFrame(commandHeader(seq, target), Buffer.from(payload, "utf8"), network, network.publicKey);
}

function addBadCommand(name: string, payload: string, status = "COMMAND_BAD_SCHEMA"): void {
  addMalformed(`command: ${name}`, commandFrame(300, payload), status);
}

/** Pads a JSON object with an ignored (or, for commands, config) string member up to `len` bytes. */
function padToLength(prefix: string, suffix: string, len: number): string {
  return `${prefix}${"x".repeat(len - prefix.length - suffix.length)}${suffix}`;
}

/** Appends one byte, so a frame at the 250-byte limit becomes 251 bytes (FRAME_TOO_LONG, check 2). */
function oneByteLonger(frame: Buffer): Buffer {
  return Buffer.concat([frame, Buffer.from([0x20])]);
}

function addCommands(): void {
  addCommand("reboot with its delay at the maximum", 30, [["id", 30], ["cmd", "reboot"], ["delay_sec", 3600]], { command_id: 30, command_number: 3600 });
  addCommand("reboot with a delay of 0", 31, [["id", 31], ["cmd", "reboot"], ["delay_sec", 0]], { command_id: 31, command_number: 0 });
  addCommand("identify with the default duration", 32, [["id", 32], ["cmd", "identify"]], { command_id: 32, command_number: 10 });
  addCommand("identify for 1 second", 33, [["id", 33], ["cmd", "identify"], ["duration_sec", 1]], { command_id: 33, command_number: 1 });
  addCommand("identify for 600 seconds", 34, [["id", 34], ["cmd", "identify"], ["duration_sec", 600]], { command_id: 34, command_number: 600 });
  addCommand("set_config with a config object", 35, [["id", 35], ["cmd", "set_config"], ["config", new RawJson('{"mode": "night", "led": [1, 2]}')]], {
    command_id: 35, command_text: '{"mode": "night", "led": [1, 2]}',
  });
  addCommand("set_config with an empty config", 36, [["id", 36], ["cmd", "set_config"], ["config", {}]], { command_id: 36, command_text: "{}" });
  addValid("command: set_config with whitespace around the config and members in another order", commandHeader(37, "porch-cam"),
    '{ "config" : {"a":{"b":1}} , "cmd" : "set_config" , "id" : 37 }', network,
    { command_id: 37, command_code: 3, command_text: '{"a":{"b":1}}' });
  addCommand("rotate_key, the largest command of 156 bytes", 0xffffffff, [["id", 0xffffffff], ["cmd", "rotate_key"], ["sealed", base64(SEALED)]], {
    command_id: 0xffffffff, decoded: SEALED.toString("hex"),
  });
  addCommand("ota_offer", 38, [["id", 38], ["cmd", "ota_offer"], ["version", "1.2.3-rc_1+b"], ["size", 48213], ["sha256", base64(FIRMWARE_SHA256)]], {
    command_id: 38, command_number: 48213, command_text: "1.2.3-rc_1+b", decoded: FIRMWARE_SHA256.toString("hex"),
  });
  addCommand("ota_offer with a version of 16 characters and the largest size", 39, [["id", 39], ["cmd", "ota_offer"], ["version", "ABCxyz0189._+-Zz"], ["size", CONTENT_MAX_SIZE], ["sha256", base64(FIRMWARE_SHA256)]], {
    command_id: 39, command_number: CONTENT_MAX_SIZE, command_text: "ABCxyz0189._+-Zz", decoded: FIRMWARE_SHA256.toString("hex"),
  });
  addCommand("ota_offer with a version of 1 character and size 1", 40, [["id", 40], ["cmd", "ota_offer"], ["version", "7"], ["size", 1], ["sha256", base64(FIRMWARE_SHA256)]], {
    command_id: 40, command_number: 1, command_text: "7", decoded: FIRMWARE_SHA256.toString("hex"),
  });
  addCommand("device_add", 41, [["id", 41], ["cmd", "device_add"], ["device", "hall_sensor-2"], ["key", base64(hall.publicKey)]], {
    command_id: 41, command_device: "hall_sensor-2", decoded: hall.publicKey.toString("hex"),
  });
  addCommand("device_rotate_key with a device id of 15 characters", 42, [["id", 42], ["cmd", "device_rotate_key"], ["device", "hall_sensor-2AZ"], ["key", base64(porch.publicKey)]], {
    command_id: 42, command_device: "hall_sensor-2AZ", decoded: porch.publicKey.toString("hex"),
  });
  addCommand("device_revoke", 43, [["id", 43], ["cmd", "device_revoke"], ["device", "porch-cam"]], { command_id: 43, command_device: "porch-cam" });
  addCommand("set_dashboard_token", 44, [["id", 44], ["cmd", "set_dashboard_token"], ["sha256", base64(TOKEN_SHA256)]], {
    command_id: 44, decoded: TOKEN_SHA256.toString("hex"),
  });
  addCommand("command id 1", 1, [["id", 1], ["cmd", "reboot"]], { command_id: 1 });
  addCommand("members in another order", 45, [["delay_sec", 5], ["cmd", "reboot"], ["id", 45]], { command_id: 45, command_number: 5 });

  // The largest command frame: a set_config whose config fills the 159 bytes (113 with a 10-digit id).
  const config = padToLength('{"k":"', '"}', 113);
  const largest = addValid("largest command frame of 250 bytes", commandHeader(0xfffffffe, "porch-cam"),
    jsonObject([["id", 0xfffffffe], ["cmd", "set_config"], ["config", new RawJson(config)]]), network,
    { command_id: 0xfffffffe, command_code: 3, command_text: config });
  addMalformed("command frame of 251 bytes", oneByteLonger(largest), "FRAME_TOO_LONG");

  const bad: Array<[string, string, string?]> = [
    ["missing id", '{"cmd":"reboot"}'],
    ["missing cmd", '{"id":300}'],
    ["set_config without config", '{"id":300,"cmd":"set_config"}'],
    ["rotate_key without sealed", '{"id":300,"cmd":"rotate_key"}'],
    ["ota_offer without size", `{"id":300,"cmd":"ota_offer","version":"1.0","sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["ota_offer without version", `{"id":300,"cmd":"ota_offer","size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["ota_offer without sha256", '{"id":300,"cmd":"ota_offer","version":"1.0","size":5}'],
    ["device_add without key", '{"id":300,"cmd":"device_add","device":"hall"}'],
    ["device_add without device", `{"id":300,"cmd":"device_add","key":"${base64(hall.publicKey)}"}`],
    ["device_revoke without device", '{"id":300,"cmd":"device_revoke"}'],
    ["set_dashboard_token without sha256", '{"id":300,"cmd":"set_dashboard_token"}'],
    ["id twice", '{"id":300,"id":300,"cmd":"reboot"}'],
    ["cmd twice", '{"id":300,"cmd":"reboot","cmd":"reboot"}'],
    ["argument twice", '{"id":300,"cmd":"reboot","delay_sec":1,"delay_sec":1}'],
    ["extra member", '{"id":300,"cmd":"reboot","force":true}'],
    ["another command's argument", '{"id":300,"cmd":"reboot","duration_sec":5}'],
    ["device_revoke with a key", `{"id":300,"cmd":"device_revoke","device":"hall","key":"${base64(hall.publicKey)}"}`],
    ["arguments in a nested args object", '{"id":300,"cmd":"reboot","args":{"delay_sec":1}}'],
    ["id as a string", '{"id":"300","cmd":"reboot"}'],
    ["id as true", '{"id":true,"cmd":"reboot"}'],
    ["cmd as a number", '{"id":300,"cmd":1}'],
    ["delay_sec as a string", '{"id":300,"cmd":"reboot","delay_sec":"5"}'],
    ["delay_sec as null", '{"id":300,"cmd":"reboot","delay_sec":null}'],
    ["sealed as a number", '{"id":300,"cmd":"rotate_key","sealed":5}'],
    ["device as a number", '{"id":300,"cmd":"device_revoke","device":5}'],
    ["version as a number", `{"id":300,"cmd":"ota_offer","version":1,"size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["delay_sec 3601", '{"id":300,"cmd":"reboot","delay_sec":3601}'],
    ["delay_sec -1", '{"id":300,"cmd":"reboot","delay_sec":-1}'],
    ["delay_sec 1.5", '{"id":300,"cmd":"reboot","delay_sec":1.5}'],
    ["duration_sec 0", '{"id":300,"cmd":"identify","duration_sec":0}'],
    ["duration_sec 601", '{"id":300,"cmd":"identify","duration_sec":601}'],
    ["size 0", `{"id":300,"cmd":"ota_offer","version":"1.0","size":0,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["size 16777217", `{"id":300,"cmd":"ota_offer","version":"1.0","size":16777217,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["id 0", '{"id":0,"cmd":"reboot"}'],
    ["id 4294967296", '{"id":4294967296,"cmd":"reboot"}'],
    ["id with a leading zero", '{"id":0300,"cmd":"reboot"}', "FRAME_BAD_JSON"],
    ["negative id", '{"id":-300,"cmd":"reboot"}'],
    ["id -0", '{"id":-0,"cmd":"reboot"}'],
    ["id with a fraction", '{"id":300.0,"cmd":"reboot"}'],
    ["id with an exponent", '{"id":3e2,"cmd":"reboot"}'],
    ["id with a capital exponent", '{"id":3E2,"cmd":"reboot"}'],
    ["sealed base64 that is not canonical", `{"id":300,"cmd":"rotate_key","sealed":"${nonCanonicalBase64(SEALED)}"}`],
    ["sealed of 79 bytes", `{"id":300,"cmd":"rotate_key","sealed":"${base64(SEALED.subarray(0, 79))}"}`],
    ["sealed of 81 bytes", `{"id":300,"cmd":"rotate_key","sealed":"${base64(Buffer.concat([SEALED, Buffer.from([1])]))}"}`],
    ["sealed without its padding", `{"id":300,"cmd":"rotate_key","sealed":"${base64(SEALED).replace(/=+$/, "")}"}`],
    ["key base64 that is not canonical", `{"id":300,"cmd":"device_add","device":"hall","key":"${nonCanonicalBase64(hall.publicKey)}"}`],
    ["key of 31 bytes", `{"id":300,"cmd":"device_add","device":"hall","key":"${base64(hall.publicKey.subarray(0, 31))}"}`],
    ["key of 33 bytes", `{"id":300,"cmd":"device_add","device":"hall","key":"${base64(Buffer.concat([hall.publicKey, Buffer.from([0])]))}"}`],
    ["key in the URL-safe alphabet", `{"id":300,"cmd":"device_add","device":"hall","key":"${base64(Buffer.alloc(32, 0xfb)).replace(/\+/g, "-").replace(/\//g, "_")}"}`],
    ["key in hex", `{"id":300,"cmd":"device_add","device":"hall","key":"${hall.publicKey.toString("hex")}"}`],
    ["sha256 base64 that is not canonical", `{"id":300,"cmd":"set_dashboard_token","sha256":"${nonCanonicalBase64(TOKEN_SHA256)}"}`],
    ["sha256 of 31 bytes", `{"id":300,"cmd":"set_dashboard_token","sha256":"${base64(TOKEN_SHA256.subarray(0, 31))}"}`],
    ["empty version", `{"id":300,"cmd":"ota_offer","version":"","size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["version of 17 characters", `{"id":300,"cmd":"ota_offer","version":"12345678901234567","size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["version with a space", `{"id":300,"cmd":"ota_offer","version":"1.0 beta","size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["version with a slash", `{"id":300,"cmd":"ota_offer","version":"v1/2","size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["version with a comma", `{"id":300,"cmd":"ota_offer","version":"1,2","size":5,"sha256":"${base64(FIRMWARE_SHA256)}"}`],
    ["config as an array", '{"id":300,"cmd":"set_config","config":[1]}'],
    ["config as a string", '{"id":300,"cmd":"set_config","config":"x"}'],
    ["config as null", '{"id":300,"cmd":"set_config","config":null}'],
    ["device id with a dot", '{"id":300,"cmd":"device_revoke","device":"porch.cam"}'],
    ["device id with a space", '{"id":300,"cmd":"device_revoke","device":"porch cam"}'],
    ["empty device id", '{"id":300,"cmd":"device_revoke","device":""}'],
    ["device id of 16 characters", '{"id":300,"cmd":"device_revoke","device":"abcdefghijklmnop"}'],
    ["unknown cmd", '{"id":300,"cmd":"shutdown"}', "COMMAND_UNKNOWN"],
    ["cmd in capitals", '{"id":300,"cmd":"REBOOT"}', "COMMAND_UNKNOWN"],
    ["empty cmd", '{"id":300,"cmd":""}', "COMMAND_UNKNOWN"],
    ["payload that is not JSON", '{"id":300,"cmd":"reboot"', "FRAME_BAD_JSON"],
  ];
  for (const [name, payload, status] of bad) addBadCommand(name, payload, status);

  // Signature checks on a command: the signer is the network key.
  const good = commandFrame(46, '{"id":46,"cmd":"reboot"}');
  addBadSignature("command with S + L", addGroupOrder(good, good.length - 64), "SIGNATURE_NONCANONICAL", network.publicKey);
  addBadSignature("command signed by a device key", encodeFrame(commandHeader(46, "porch-cam"), Buffer.from('{"id":46,"cmd":"reboot"}'), porch, network.publicKey),
    "SIGNATURE_INVALID", network.publicKey);
  addBadSignature("command checked in another network", good, "SIGNATURE_INVALID", network.publicKey, otherNetwork.publicKey);
}

function addAcknowledgements(): void {
  const ack = (seq: number, payload: string, typed: TypedFields, name: string) => addValid(name, header(FRAME_TYPE.acknowledgement, seq), payload, porch, typed);
  ack(50, '{"id":17,"result":"ok"}', { ack_id: 17, ack_result: ACK_RESULT.ok }, "acknowledgement ok");
  ack(51, '{"id":17,"result":"in_progress"}', { ack_id: 17, ack_result: ACK_RESULT.in_progress }, "acknowledgement in_progress");
  ack(52, '{"id":17,"result":"error","reason":"sensor busy"}', { ack_id: 17, ack_result: ACK_RESULT.error, ack_reason: "sensor busy" }, "acknowledgement error with a reason");
  ack(53, '{"result":"unsupported","reason":"no \\"zoom\\" here \\u00e9","id":4294967295}',
    { ack_id: 4294967295, ack_result: ACK_RESULT.unsupported, ack_reason: 'no \\"zoom\\" here \\u00e9' }, "acknowledgement unsupported with escapes in its reason");
  ack(54, '{"id":1,"result":"error"}', { ack_id: 1, ack_result: ACK_RESULT.error }, "acknowledgement error without a reason");
  ack(55, '{"id":9,"result":"ok","extra":[1,{"x":null}]}', { ack_id: 9, ack_result: ACK_RESULT.ok }, "acknowledgement with an ignored member");
  const reason = "r".repeat(SIGNED_PAYLOAD_MAX_LEN - '{"id":4294967295,"result":"error","reason":""}'.length);
  const largest = ack(56, `{"id":4294967295,"result":"error","reason":"${reason}"}`,
    { ack_id: 4294967295, ack_result: ACK_RESULT.error, ack_reason: reason }, "largest acknowledgement frame of 250 bytes");
  addMalformed("acknowledgement frame of 251 bytes", oneByteLonger(largest), "FRAME_TOO_LONG");

  const bad: Array<[string, string]> = [
    ["unknown result", '{"id":17,"result":"done"}'],
    ["result as a number", '{"id":17,"result":0}'],
    ["result in capitals", '{"id":17,"result":"OK"}'],
    ["missing result", '{"id":17}'],
    ["missing id", '{"result":"ok"}'],
    ["id twice", '{"id":17,"id":17,"result":"ok"}'],
    ["result twice", '{"id":17,"result":"ok","result":"ok"}'],
    ["reason twice", '{"id":17,"result":"error","reason":"a","reason":"b"}'],
    ["id 0", '{"id":0,"result":"ok"}'],
    ["id 4294967296", '{"id":4294967296,"result":"ok"}'],
    ["id as a string", '{"id":"17","result":"ok"}'],
    ["negative id", '{"id":-17,"result":"ok"}'],
    ["reason as a number", '{"id":17,"result":"error","reason":5}'],
    ["reason as null", '{"id":17,"result":"error","reason":null}'],
  ];
  for (const [name, payload] of bad) {
    addMalformed(`acknowledgement: ${name}`, encodeFrame(header(FRAME_TYPE.acknowledgement, 57), Buffer.from(payload), porch, network.publicKey), "ACK_BAD_PAYLOAD");
  }
}

function beaconFrame(seq: number, payload: Buffer): Buffer {
  return encodeFrame(header(FRAME_TYPE.beacon, seq, { deviceId: HOME_BASE_ID }), payload, homeBase, network.publicKey);
}

function addBeacons(): void {
  const beacon = (name: string, seq: number, channel: number, boot: number) =>
    addValid(name, header(FRAME_TYPE.beacon, seq, { deviceId: HOME_BASE_ID }), beaconPayload(channel, 0, boot), homeBase, { beacon_channel: channel, beacon_boot: boot });
  beacon("time beacon on channel 1", 60, 1, 1);
  beacon("time beacon on channel 14 with the largest boot counter", 61, 14, 0xffffffff);
  beacon("time beacon on channel 6", 62, 6, 3);

  addMalformed("time beacon on channel 0", beaconFrame(63, beaconPayload(0, 0, 1)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon on channel 15", beaconFrame(63, beaconPayload(15, 0, 1)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon with flags 1", beaconFrame(63, beaconPayload(1, 1, 1)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon with flags 0x80", beaconFrame(63, beaconPayload(1, 0x80, 1)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon with boot 0", beaconFrame(63, beaconPayload(1, 0, 0)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon payload of 5 bytes", beaconFrame(63, beaconPayload(1, 0, 1).subarray(0, 5)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon with an empty payload", beaconFrame(63, Buffer.alloc(0)), "BEACON_BAD_PAYLOAD");
  addMalformed("time beacon payload of 7 bytes", beaconFrame(63, Buffer.concat([beaconPayload(1, 0, 1), Buffer.from([0])])), "FRAME_PAYLOAD_TOO_LONG");
}

function manifestFrame(seq: number, payload: string): Buffer {
  return encodeFrame(header(FRAME_TYPE.manifest, seq), Buffer.from(payload), porch, network.publicKey);
}

function addManifests(): void {
  const digest = base64(MEDIA_SHA256);
  const manifest = (name: string, seq: number, payload: string, size: number, media: string) =>
    addValid(name, header(FRAME_TYPE.manifest, seq), payload, porch, { manifest_size: size, manifest_media: media, decoded: MEDIA_SHA256.toString("hex") });
  manifest("manifest", 70, `{"size":48213,"sha256":"${digest}","media":"image/jpeg"}`, 48213, "image/jpeg");
  manifest("manifest of size 1", 71, `{"media":"text/plain","size":1,"sha256":"${digest}"}`, 1, "text/plain");
  manifest("manifest of the largest size", 72, `{"size":16777216,"sha256":"${digest}","media":"application/octet-stream"}`, CONTENT_MAX_SIZE, "application/octet-stream");
  const media64 = `application/${"a".repeat(64 - "application/".length - 8)}+x.y-0/9`;
  manifest("manifest with a media type of 64 characters", 73, `{"size":5,"sha256":"${digest}","media":"${media64}"}`, 5, media64);
  const prefix = `{"size":5,"sha256":"${digest}","media":"image/png","note":"`;
  const largest = manifest("largest manifest frame of 250 bytes, with an ignored member", 74, padToLength(prefix, '"}', SIGNED_PAYLOAD_MAX_LEN), 5, "image/png");
  addMalformed("manifest frame of 251 bytes", oneByteLonger(largest), "FRAME_TOO_LONG");

  const bad: Array<[string, string]> = [
    ["size 0", `{"size":0,"sha256":"${digest}","media":"image/jpeg"}`],
    ["size 16777217", `{"size":16777217,"sha256":"${digest}","media":"image/jpeg"}`],
    ["size as a string", `{"size":"5","sha256":"${digest}","media":"image/jpeg"}`],
    ["missing size", `{"sha256":"${digest}","media":"image/jpeg"}`],
    ["media in capitals", `{"size":5,"sha256":"${digest}","media":"Image/JPEG"}`],
    ["media with a space", `{"size":5,"sha256":"${digest}","media":"image jpeg"}`],
    ["media with an underscore", `{"size":5,"sha256":"${digest}","media":"image_jpeg"}`],
    ["empty media", `{"size":5,"sha256":"${digest}","media":""}`],
    ["media of 65 characters", `{"size":5,"sha256":"${digest}","media":"${media64}z"}`],
    ["missing media", `{"size":5,"sha256":"${digest}"}`],
    ["sha256 of 31 bytes", `{"size":5,"sha256":"${base64(MEDIA_SHA256.subarray(0, 31))}","media":"image/jpeg"}`],
    ["sha256 not canonical", `{"size":5,"sha256":"${nonCanonicalBase64(MEDIA_SHA256)}","media":"image/jpeg"}`],
    ["sha256 in hex", `{"size":5,"sha256":"${MEDIA_SHA256.toString("hex")}","media":"image/jpeg"}`],
    ["missing sha256", '{"size":5,"media":"image/jpeg"}'],
  ];
  for (const [name, payload] of bad) addMalformed(`manifest: ${name}`, manifestFrame(75, payload), "MANIFEST_BAD_PAYLOAD");
}

function chunkHeader(seq: number): FrameHeader {
  return header(FRAME_TYPE.chunk, seq);
}

function addChunks(): void {
  const chunk = (name: string, content: number, offset: number, total: number, data: Buffer) =>
    addValidChunk(name, chunkHeader(content), chunkPayload(content, offset, total, data),
      { chunk_content: content, chunk_offset: offset, chunk_total: total, chunk_data: data.toString("hex") });
  chunk("chunk", 70, 0, 48213, bytesFromLabel("chunk data", 100));
  chunk("chunk ending exactly at its total", 70, 48113, 48213, bytesFromLabel("chunk data end", 100));
  chunk("chunk of one byte", 0, 0, 1, Buffer.from([0x7b]));
  const maxData = bytesFromLabel("chunk data max", 211);
  const largest = chunk("largest chunk frame of 250 bytes, with 211 bytes of data", 0xffffffff, CONTENT_MAX_SIZE - 211, CONTENT_MAX_SIZE, maxData);
  addMalformed("chunk frame of 251 bytes", oneByteLonger(largest), "FRAME_TOO_LONG");

  const data = bytesFromLabel("bad chunk data", 16);
  const badChunk = (name: string, payload: Buffer, status = "CHUNK_BAD_RANGE") => addMalformed(`chunk: ${name}`, frameBody(chunkHeader(80), payload), status);
  badChunk("total 0", chunkPayload(80, 0, 0, data));
  badChunk("total 16777217", chunkPayload(80, 0, CONTENT_MAX_SIZE + 1, data));
  badChunk("data one byte past its total", chunkPayload(80, 85, 100, data));
  badChunk("offset past its total", chunkPayload(80, 200, 100, data));
  badChunk("offset and length that wrap past 2^32 to 0", chunkPayload(80, 0x100000000 - 16, CONTENT_MAX_SIZE, data));
  badChunk("offset 2^32 - 1", chunkPayload(80, 0xffffffff, CONTENT_MAX_SIZE, data.subarray(0, 1)));
  // A chunk with no data is 39 bytes, below the 40 of check 5, so the length check rejects it first.
  badChunk("no data", chunkPayload(80, 0, 100, Buffer.alloc(0)), "FRAME_TOO_SHORT");
  const tooLong = frameBody(chunkHeader(80), chunkPayload(80, 0, 1000, maxData));
  tooLong[26] = 224;
  addMalformed("chunk: payload length byte 224", tooLong, "FRAME_PAYLOAD_TOO_LONG");
  const withTrailer = Buffer.concat([frameBody(chunkHeader(80), chunkPayload(80, 0, 100, data)), Buffer.alloc(64)]);
  addMalformed("chunk: chunk with a signature trailer", withTrailer, "FRAME_LENGTH_MISMATCH");
}

function addBuildRejects(): void {
  addBuildReject("log payload of 160 bytes makes a frame of 251", FRAME_TYPE.log, "porch-cam", `{"level":"info","category":"c","message":"${"m".repeat(160 - 44)}"}`, "FRAME_TOO_LONG");
  addBuildReject("time beacon payload of 7 bytes", FRAME_TYPE.beacon, HOME_BASE_ID, Buffer.concat([beaconPayload(1, 0, 1), Buffer.from([0])]), "FRAME_PAYLOAD_TOO_LONG");
  addBuildReject("chunk payload of 224 bytes", FRAME_TYPE.chunk, "porch-cam", chunkPayload(1, 0, 1000, Buffer.alloc(212, 7)), "FRAME_TOO_LONG");
  addBuildReject("device id with a dot", FRAME_TYPE.heartbeat, "porch.cam", "{}", "FRAME_BAD_DEVICE_ID");
  addBuildReject("empty device id", FRAME_TYPE.heartbeat, "", "{}", "FRAME_BAD_DEVICE_ID");
  addBuildReject("device id of 16 characters", FRAME_TYPE.heartbeat, "abcdefghijklmnop", "{}", "FRAME_BAD_DEVICE_ID");
  addBuildReject("type 0", 0, "porch-cam", "{}", "FRAME_BAD_TYPE");
  addBuildReject("type 9", 9, "porch-cam", "{}", "FRAME_BAD_TYPE");
  addBuildReject("type 255", 0xff, "porch-cam", "{}", "FRAME_BAD_TYPE");
  addBuildReject("type 256", 0x100, "porch-cam", "{}", "FRAME_BAD_TYPE");
  addBuildReject("type 256 with a payload too long for any frame", 0x100, "porch-cam", `{"a":"${"x".repeat(200)}"}`, "FRAME_TOO_LONG");
  addBuildReject("payload that is not JSON", FRAME_TYPE.heartbeat, "porch-cam", "{", "FRAME_BAD_JSON");
  addBuildReject("command with an extra member", FRAME_TYPE.command, "porch-cam", '{"id":5,"cmd":"reboot","force":true}', "COMMAND_BAD_SCHEMA", 5);
  addBuildReject("command with id 0", FRAME_TYPE.command, "porch-cam", '{"id":0,"cmd":"reboot"}', "COMMAND_BAD_SCHEMA", 5);
  addBuildReject("unknown command", FRAME_TYPE.command, "porch-cam", '{"id":5,"cmd":"shutdown"}', "COMMAND_UNKNOWN", 5);
  addBuildReject("acknowledgement without a result", FRAME_TYPE.acknowledgement, "porch-cam", '{"id":5}', "ACK_BAD_PAYLOAD");
  addBuildReject("time beacon on channel 0", FRAME_TYPE.beacon, HOME_BASE_ID, beaconPayload(0, 0, 1), "BEACON_BAD_PAYLOAD");
  addBuildReject("manifest of size 0", FRAME_TYPE.manifest, "porch-cam", `{"size":0,"sha256":"${base64(MEDIA_SHA256)}","media":"image/jpeg"}`, "MANIFEST_BAD_PAYLOAD");
  addBuildReject("chunk with total 0", FRAME_TYPE.chunk, "porch-cam", chunkPayload(1, 0, 0, Buffer.alloc(4)), "CHUNK_BAD_RANGE");
  addBuildReject("chunk with no data", FRAME_TYPE.chunk, "porch-cam", chunkPayload(1, 0, 100, Buffer.alloc(0)), "FRAME_TOO_SHORT");
}

/** Adds every vector of this file to frames.json's `vectors` and `builds`. */
export function addTypedFrameVectors(): void {
  addCommands();
  addAcknowledgements();
  addBeacons();
  addManifests();
  addChunks();
  addBuildRejects();
}

export { HOME_BASE_ID, TIMESTAMP as FRAME_TIMESTAMP };
