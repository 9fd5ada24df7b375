/**
 * The fixed keys of the generated vectors and the list of frame vectors that generate.ts and
 * frame-cases.ts fill: each helper states which statuses frame_decode and frame_verify must give.
 */
import { encodeFrame, frameBody, frameSignedMessage, seedFromLabel, signerFromSeed, type FrameHeader, type Signer } from "./encode.ts";
import type { BuildRejectVector, FrameVector, TypedFields } from "./types.ts";

export const network = signerFromSeed(seedFromLabel("network"));
export const otherNetwork = signerFromSeed(seedFromLabel("other network"));
export const porch = signerFromSeed(seedFromLabel("device porch-cam"));
export const hall = signerFromSeed(seedFromLabel("device hall_sensor-2"));
export const homeBase = signerFromSeed(seedFromLabel("home base"));

/** 2025-12-04 18:00:00 UTC, the timestamp of most vectors. */
export const TIMESTAMP = 1764871200;

export const frames: FrameVector[] = [];
export const builds: BuildRejectVector[] = [];

export function hex(data: Buffer): string {
  return data.toString("hex");
}

export function header(type: number, seq: number, overrides: Partial<FrameHeader> = {}): FrameHeader {
  return { type, deviceId: "porch-cam", timestamp: TIMESTAMP, seq, ...overrides };
}

export function payloadBytes(payload: string | Buffer): Buffer {
  return typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
}

/**
 * The typed getters of a frame that has none of the typed fields: docs/core-abi.md states that every
 * getter is 0 (and every text empty) for a field the decoded frame does not have.
 */
const ZERO_TYPED: Required<TypedFields> = {
  ack_id: 0, ack_result: 0, ack_reason: "",
  beacon_channel: 0, beacon_boot: 0,
  manifest_size: 0, manifest_media: "",
  chunk_content: 0, chunk_offset: 0, chunk_total: 0, chunk_data: "",
  command_id: 0, command_code: 0, command_number: 0, command_text: "", command_device: "",
  decoded: "",
};

/** Returns the whole getter set: `fields` over zeros. */
export function typedWith(fields: TypedFields): TypedFields {
  return { ...ZERO_TYPED, ...fields };
}

/** Adds a signed frame that passes every check, with its fields, signed message and typed getters. */
export function addValid(name: string, head: FrameHeader, payload: string | Buffer, signer: Signer = porch, typed: TypedFields = {}): Buffer {
  const bytes = payloadBytes(payload);
  const frame = encodeFrame(head, bytes, signer, network.publicKey);
  frames.push({
    name,
    frame: hex(frame),
    network_public_key: hex(network.publicKey),
    signer_public_key: hex(signer.publicKey),
    decode: "OK",
    verify: "OK",
    fields: { type: head.type, device_id: head.deviceId, timestamp: head.timestamp, seq: head.seq, payload: hex(bytes) },
    signed_message: hex(frameSignedMessage(network.publicKey, frameBody(head, bytes))),
    typed: typedWith(typed),
  });
  return frame;
}

/**
 * Adds a chunk frame that decodes OK. frame_verify returns FRAME_NOT_SIGNED for it, and there is
 * no signed message.
 */
export function addValidChunk(name: string, head: FrameHeader, payload: Buffer, typed: TypedFields): Buffer {
  const frame = frameBody(head, payload);
  frames.push({
    name,
    frame: hex(frame),
    network_public_key: hex(network.publicKey),
    signer_public_key: hex(porch.publicKey),
    decode: "OK",
    verify: "FRAME_NOT_SIGNED",
    fields: { type: head.type, device_id: head.deviceId, timestamp: head.timestamp, seq: head.seq, payload: hex(payload) },
    typed: typedWith(typed),
  });
  return frame;
}

/** Adds a frame that fails a decode check: frame_decode and frame_verify both return `status`. */
export function addMalformed(name: string, frame: Buffer, status: string): void {
  frames.push({
    name,
    frame: hex(frame),
    network_public_key: hex(network.publicKey),
    signer_public_key: hex(porch.publicKey),
    decode: status,
    verify: status,
  });
}

/** Adds a well-formed frame whose signature check fails with `status`. */
export function addBadSignature(name: string, frame: Buffer, status: string, signerKey: Buffer, networkKey: Buffer = network.publicKey): void {
  frames.push({
    name,
    frame: hex(frame),
    network_public_key: hex(networkKey),
    signer_public_key: hex(signerKey),
    decode: "OK",
    verify: status,
  });
}

/** Adds a frame_build call that must fail with `status`. */
export function addBuildReject(name: string, type: number, deviceId: string, payload: string | Buffer, status: string, seq = 1): void {
  builds.push({ name, type, device_id: deviceId, timestamp: TIMESTAMP, seq, payload: hex(payloadBytes(payload)), status });
}
