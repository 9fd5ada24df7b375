/**
 * What the central server needs from the shared core (core.wasm), in TypeScript terms.
 * The implementation in this folder copies bytes into the core's fixed buffers and calls its
 * exports (docs/core-abi.md); it never parses a frame or a request in TypeScript.
 */

/** A failure: the core's status code and its stable name, e.g. -14 and "SIGNATURE_INVALID". */
export interface CoreFailure {
  ok: false;
  status: number;
  code: string;
}

/** The fields of a frame that passed the core's checks. */
export interface FrameFields {
  type: number;
  deviceId: string;
  timestamp: number;
  seq: number;
  /** The payload bytes (a JSON object for every type but the beacon and the chunk). */
  payload: Buffer;
  /** False for a chunk (type 0x08), the only type without a signature. */
  signed: boolean;
  /** The payload's content as the core read it (docs/core-abi.md, "Typed payload getters"). */
  typed: TypedPayload;
}

export type AckResultWord = "ok" | "in_progress" | "error" | "unsupported";

/** The command names of docs/protocol.md section 6.2. */
export type CommandName =
  | "reboot" | "identify" | "set_config" | "rotate_key" | "ota_offer"
  | "device_add" | "device_rotate_key" | "device_revoke" | "set_dashboard_token";

export interface CommandFields {
  kind: "command";
  id: number;
  code: number;
  cmd: CommandName;
  /** `delay_sec` or `duration_sec` with its default applied, or the `ota_offer` size; 0 otherwise. */
  number: number;
  /** The `config` object's raw JSON text, or the `version` string; absent for other commands. */
  text?: string;
  /** The `device` argument of a config command. */
  device?: string;
  /** The decoded `sealed`, `sha256` or `key` argument. */
  decoded?: Buffer;
}

/** The typed content of a payload, by frame type. */
export type TypedPayload =
  | { kind: "json" }
  | { kind: "ack"; id: number; result: AckResultWord; reason?: string }
  | { kind: "beacon"; channel: number; boot: number }
  | { kind: "manifest"; size: number; media: string; sha256: Buffer }
  | { kind: "chunk"; content: number; offset: number; total: number; data: Buffer }
  | CommandFields;

export type FrameResult = { ok: true; frame: FrameFields } | CoreFailure;

/** A frame to build: the core writes it, checks it and gives back the bytes to sign. */
export interface FrameInput {
  type: number;
  deviceId: string;
  timestamp: number;
  seq: number;
  payload: Uint8Array;
}

/**
 * A built frame: `frame` with a zero signature, and the signed message (empty for a chunk, whose
 * frame is complete as it is).
 */
export type BuildResult = { ok: true; frame: Buffer; message: Buffer } | CoreFailure;
export type FrameBytesResult = { ok: true; frame: Buffer } | CoreFailure;

/**
 * A command that passed command_accept: new, or repeated (`COMMAND_REPEATED`, whose signature
 * verified again). `slot` is the target's slot, -1 for the home base itself.
 */
export type CommandAcceptResult = { ok: true; repeated: boolean; slot: number; frame: FrameFields } | CoreFailure;
export type StatusResult = { ok: true } | CoreFailure;
export type RequestResult = { ok: true; nonce: string } | CoreFailure;
export type MessageResult = { ok: true; message: Buffer } | CoreFailure;

export interface Core {
  /** The stable name of a status code, "UNKNOWN_STATUS" for a code the core does not define. */
  statusName(status: number): string;

  /** The stateless checks only (docs/protocol.md 1.3, checks 1 to 10), with the typed payload. */
  decodeFrame(frame: Uint8Array): FrameResult;

  /** Checks 1 to 10, then S < L and the Ed25519 signature under `signerKey`, bound to `networkKey`; a chunk is FRAME_NOT_SIGNED. */
  verifyFrame(frame: Uint8Array, signerKey: Uint8Array, networkKey: Uint8Array): FrameResult;

  /** The bytes a frame's signer signs (docs/protocol.md 1.1); `frame` includes room for the signature. */
  frameSignedMessage(frame: Uint8Array, networkKey: Uint8Array): MessageResult;

  /** Checks a signed request's canonical text, timestamp skew against `nowSec`, and signature. */
  verifyRequest(canonical: string, signature: Uint8Array, signerKey: Uint8Array, nowSec: number): RequestResult;

  /** The bytes a request's signer signs (docs/protocol.md section 2). */
  requestSignedMessage(canonical: string): MessageResult;

  /**
   * Builds a frame (frame_build): checks 1 to 10 run on it, so an invalid frame is a failure. For
   * a signed type, sign `message` and pass the signature to setFrameSignature.
   */
  buildFrame(input: FrameInput, networkKey: Uint8Array): BuildResult;

  /**
   * Puts `signature` into the frame the last buildFrame wrote and returns the whole frame. Throws a
   * RangeError for a signature that is not 64 bytes, since the caller made it.
   */
  setFrameSignature(signature: Uint8Array): FrameBytesResult;

  // The home base's state: a registry, command windows, the nonce cache and their persistence.

  /** Stores the home base's own device id (self_set), with a fresh command window. */
  setSelf(deviceId: string): StatusResult;

  /** Stores a device at `slot` (device_set) with fresh windows and no floors. */
  setDevice(slot: number, deviceId: string, publicKey: Uint8Array): StatusResult;

  /** The command path of docs/protocol.md section 1.3, against the registry and command windows. */
  commandAccept(frame: Uint8Array, networkKey: Uint8Array, nowSec: number): CommandAcceptResult;

  /**
   * The home base's check of a request from the central server: the key id must be `networkId`
   * (else REQUEST_UNKNOWN_KEY), the signature verifies under `networkKey`, then the nonce against
   * the bounded cache, which records it.
   */
  requestAccept(canonical: string, signature: Uint8Array, networkId: string, networkKey: Uint8Array, nowSec: number): RequestResult;

  /** True when a floor moved or a nonce was recorded since the last replayExport. */
  replayFloorDue(): boolean;

  /** The replay state (docs/core-abi.md, "Replay state persistence"), with the nonces live at `nowSec`. */
  replayExport(nowSec: number): Buffer;

  /** Restores a state that replayExport wrote; STATE_BAD_FORMAT changes nothing. */
  replayImport(state: Uint8Array, nowSec: number): StatusResult;
}
