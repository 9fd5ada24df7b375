/**
 * The central server's access to the shared core (core.wasm). Every check runs inside the core:
 * this file only copies bytes into the core's fixed buffers, calls an export and turns the result
 * into the types of types.ts. One instance serves one caller at a time because the buffers are
 * shared. Node keeps to that because every call here is synchronous.
 */
import type { Core, CoreFailure, FrameResult, MessageResult, RequestResult, StatusResult } from "./types.ts";
import { loadCoreHandle, type CoreHandle } from "./handle.ts";
import { readTypedPayload } from "./typed.ts";

export type {
  AckResultWord, BuildResult, CommandAcceptResult, CommandFields, CommandName, Core, CoreFailure, FrameBytesResult,
  FrameFields, FrameInput, FrameResult, MessageResult, RequestResult, StatusResult, TypedPayload,
} from "./types.ts";
export type { CoreExports } from "./exports.ts";
export { loadCoreHandle, DEFAULT_CORE_WASM_PATH, type CoreHandle } from "./handle.ts";

const OK = 0;
const COMMAND_REPEATED = 1;
const SIGNATURE_INVALID = -14;
const REQUEST_BAD_FORM = -20;
const DEVICE_ID_FIELD_LEN = 16;
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
    const type = core.frame_type();
    return {
      ok: true,
      frame: {
        type,
        deviceId: handle.read(frameBase + DEVICE_ID_OFFSET, deviceIdLen).toString("ascii"),
        timestamp: core.frame_timestamp() >>> 0,
        seq: core.frame_seq() >>> 0,
        payload: handle.read(frameBase + PAYLOAD_OFFSET, core.frame_payload_len()),
        signed: core.frame_signed() === 1,
        typed: readTypedPayload(handle, type),
      },
    };
  }

  // An id longer than the field is cut to 16 bytes with no NUL, which the core refuses itself.
  function writeDeviceId(deviceId: string): void {
    const field = Buffer.alloc(DEVICE_ID_FIELD_LEN);
    field.write(deviceId, "ascii");
    handle.write(core.buffer_device_id(), field, DEVICE_ID_FIELD_LEN);
  }

  function statusResult(status: number): StatusResult {
    return status === OK ? { ok: true } : failure(status);
  }

  // A signature of the wrong length comes from outside (a header), so it is a failure, not a throw.
  function writeRequest(canonical: string, signature: Uint8Array, signerKey: Uint8Array): number | undefined {
    requireKey("signer key", signerKey);
    if (signature.length !== SIGNATURE_LEN) return undefined;
    handle.write(core.buffer_signature(), signature, SIGNATURE_LEN);
    handle.write(core.buffer_key(), signerKey, KEY_LEN);
    return writeCanonical(canonical);
  }

  function nonceResult(status: number): RequestResult {
    if (status !== OK) return failure(status);
    const nonce = handle.read(core.buffer_request() + core.request_nonce_offset(), NONCE_LEN);
    return { ok: true, nonce: nonce.toString("ascii") };
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
      const len = writeRequest(canonical, signature, signerKey);
      if (len === undefined) return failure(SIGNATURE_INVALID);
      return nonceResult(core.request_verify(len, nowSec >>> 0));
    },

    requestSignedMessage(canonical) {
      const len = writeCanonical(canonical);
      return messageResult(core.request_signed_message(len));
    },

    buildFrame(input, networkKey) {
      requireKey("network key", networkKey);
      handle.write(core.buffer_network_key(), networkKey, KEY_LEN);
      writeDeviceId(input.deviceId);

      // Bytes past the buffer are not copied: the core refuses such a length before it reads them.
      const size = core.buffer_payload_size();
      handle.write(core.buffer_payload(), input.payload.subarray(0, size), size);

      const len = core.frame_build(input.type, input.timestamp >>> 0, input.seq >>> 0, input.payload.length);
      if (len < 0) return failure(len);
      return {
        ok: true,
        frame: handle.read(core.buffer_frame(), len),
        message: handle.read(core.buffer_message(), core.frame_message_len()),
      };
    },

    setFrameSignature(signature) {
      if (signature.length !== SIGNATURE_LEN) throw new RangeError(`signature length ${signature.length} is not ${SIGNATURE_LEN}`);
      handle.write(core.buffer_signature(), signature, SIGNATURE_LEN);
      const len = core.frame_set_signature();
      return len < 0 ? failure(len) : { ok: true, frame: handle.read(core.buffer_frame(), len) };
    },

    setSelf(deviceId) {
      writeDeviceId(deviceId);
      return statusResult(core.self_set());
    },

    setDevice(slot, deviceId, publicKey) {
      requireKey("public key", publicKey);
      writeDeviceId(deviceId);
      handle.write(core.buffer_key(), publicKey, KEY_LEN);
      return statusResult(core.device_set(slot));
    },

    commandAccept(frame, networkKey, nowSec) {
      requireKey("network key", networkKey);
      handle.write(core.buffer_network_key(), networkKey, KEY_LEN);
      writeFrame(frame);

      const status = core.command_accept(frame.length, nowSec >>> 0);
      if (status !== OK && status !== COMMAND_REPEATED) return failure(status);
      const decoded = decodedFields();
      if (!decoded.ok) return decoded;
      return { ok: true, repeated: status === COMMAND_REPEATED, slot: core.command_slot(), frame: decoded.frame };
    },

    requestAccept(canonical, signature, networkId, networkKey, nowSec) {
      requireKey("network key", networkKey);
      handle.write(core.buffer_network_key(), networkKey, KEY_LEN);
      const id = Buffer.from(networkId, "ascii");
      if (id.length > core.buffer_key_id_size()) return failure(REQUEST_BAD_FORM);
      handle.write(core.buffer_key_id(), id, id.length);
      const stored = core.network_id_set(id.length);
      if (stored !== OK) return failure(stored);

      if (signature.length !== SIGNATURE_LEN) return failure(SIGNATURE_INVALID);
      handle.write(core.buffer_signature(), signature, SIGNATURE_LEN);
      return nonceResult(core.request_accept(writeCanonical(canonical), nowSec >>> 0));
    },

    replayFloorDue: () => core.replay_floor_due() === 1,

    replayExport(nowSec) {
      const len = core.replay_export(nowSec >>> 0);
      return handle.read(core.buffer_state(), len);
    },

    replayImport(state, nowSec) {
      // A state longer than the buffer is cut; the core then refuses its length as STATE_BAD_FORMAT.
      const size = core.buffer_state_size();
      handle.write(core.buffer_state(), state.subarray(0, size), size);
      return statusResult(core.replay_import(state.length, nowSec >>> 0));
    },
  };
}
