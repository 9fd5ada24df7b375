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
  /** The payload bytes (a JSON object for the first four frame types). */
  payload: Buffer;
}

export type FrameResult = { ok: true; frame: FrameFields } | CoreFailure;
export type RequestResult = { ok: true; nonce: string } | CoreFailure;
export type MessageResult = { ok: true; message: Buffer } | CoreFailure;

export interface Core {
  /** The stable name of a status code, "UNKNOWN_STATUS" for a code the core does not define. */
  statusName(status: number): string;

  /** Form checks only (docs/protocol.md 1.3, checks 1 to 8). */
  decodeFrame(frame: Uint8Array): FrameResult;

  /** Form checks, then S < L and the Ed25519 signature under `signerKey`, bound to `networkKey`. */
  verifyFrame(frame: Uint8Array, signerKey: Uint8Array, networkKey: Uint8Array): FrameResult;

  /** The bytes a frame's signer signs (docs/protocol.md 1.1); `frame` includes room for the signature. */
  frameSignedMessage(frame: Uint8Array, networkKey: Uint8Array): MessageResult;

  /** Checks a signed request's canonical text, timestamp skew against `nowSec`, and signature. */
  verifyRequest(canonical: string, signature: Uint8Array, signerKey: Uint8Array, nowSec: number): RequestResult;

  /** The bytes a request's signer signs (docs/protocol.md section 2). */
  requestSignedMessage(canonical: string): MessageResult;
}
