/**
 * The central server's access to the shared core (core.wasm). Every check runs inside the core:
 * this file only copies bytes into the core's fixed buffers, calls an export and turns the result
 * into the types of types.ts. One instance serves one caller at a time because the buffers are
 * shared. Node keeps to that because every call here is synchronous.
 */
import type { Core, CoreFailure, FrameResult, MessageResult, RequestResult } from "./types.ts";
import { loadCoreHandle, type CoreHandle } from "./handle.ts";

export type { Core, CoreFailure, FrameFields, FrameResult, MessageResult, RequestResult } from "./types.ts";
export type { CoreExports } from "./exports.ts";
export { loadCoreHandle, DEFAULT_CORE_WASM_PATH, type CoreHandle } from "./handle.ts";

const OK = 0;
const SIGNATURE_INVALID = -14;
const KEY_LEN = 32;
const SIGNATURE_LEN = 64;
const NONCE_LEN = 32;
/** Offset of the payload in a frame (docs/protocol.md section 1). */
const PAYLOAD_OFFSET = 27;
const DEVICE_ID_OFFSET = 2;

/** Loads core.wasm (by default core/build/core.wasm of this repository) and wraps it as a Core. */
export async function loadCore(wasmPath?: string): Promise<Core> {
  return wrapCore(await loadCoreHandle(wasmPath));
}

/** Builds the Core interface over an already loaded handle. */
export function wrapCore(handle: CoreHandle): Core {
  const core = handle.exports;

  const failure = (status: number): CoreFailure => ({ ok: false, status, code: handle.statusName(status) });

  function requireKey(name: string, key: Uint8Array): void {
    if (key.length !== KEY_LEN) throw new RangeError(`${name} length ${key.length} is not ${KEY_LEN}`);
  }

  // Bytes past the buffer are not copied. The core gets the true length and rejects it itself.
  function writeFrame(frame: Uint8Array): void {
    const size = core.buffer_frame_size();
    handle.write(core.buffer_frame(), frame.subarray(0, size), size);
  }

  function writeCanonical(canonical: string): number {
    const text = Buffer.from(canonical, "utf8");
    const size = core.buffer_request_size();
    handle.write(core.buffer_request(), text.subarray(0, size), size);
    return text.length;
  }

  function decodedFields(): FrameResult {
    const deviceIdLen = core.frame_device_id_len();
    const frameBase = core.buffer_frame();
    return {
      ok: true,
      frame: {
        type: core.frame_type(),
        deviceId: handle.read(frameBase + DEVICE_ID_OFFSET, deviceIdLen).toString("ascii"),
        timestamp: core.frame_timestamp() >>> 0,
        seq: core.frame_seq() >>> 0,
        payload: handle.read(frameBase + PAYLOAD_OFFSET, core.frame_payload_len()),
      },
    };
  }

  function messageResult(result: number): MessageResult {
    if (result < 0) return failure(result);
    return { ok: true, message: handle.read(core.buffer_message(), result) };
  }

  return {
    statusName: (status) => handle.statusName(status),

    decodeFrame(frame) {
      writeFrame(frame);
      const status = core.frame_decode(frame.length);
      return status === OK ? decodedFields() : failure(status);
    },

    verifyFrame(frame, signerKey, networkKey) {
      requireKey("signer key", signerKey);
      requireKey("network key", networkKey);
      handle.write(core.buffer_key(), signerKey, KEY_LEN);
      handle.write(core.buffer_network_key(), networkKey, KEY_LEN);
      writeFrame(frame);

      const status = core.frame_verify(frame.length);
      return status === OK ? decodedFields() : failure(status);
    },

    frameSignedMessage(frame, networkKey) {
      requireKey("network key", networkKey);
      handle.write(core.buffer_network_key(), networkKey, KEY_LEN);
      writeFrame(frame);
      return messageResult(core.frame_signed_message(frame.length));
    },

    verifyRequest(canonical, signature, signerKey, nowSec): RequestResult {
      requireKey("signer key", signerKey);

      // A signature of the wrong length comes from outside (a header), so it is a failure, not a throw.
      if (signature.length !== SIGNATURE_LEN) return failure(SIGNATURE_INVALID);
      handle.write(core.buffer_signature(), signature, SIGNATURE_LEN);
      handle.write(core.buffer_key(), signerKey, KEY_LEN);
      const len = writeCanonical(canonical);

      const status = core.request_verify(len, nowSec >>> 0);
      if (status !== OK) return failure(status);
      const nonce = handle.read(core.buffer_request() + core.request_nonce_offset(), NONCE_LEN);
      return { ok: true, nonce: nonce.toString("ascii") };
    },

    requestSignedMessage(canonical) {
      const len = writeCanonical(canonical);
      return messageResult(core.request_signed_message(len));
    },
  };
}
