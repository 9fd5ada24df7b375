/**
 * The checks of one log or motion entry (docs/protocol.md section 3), without the database: frame
 * form, device id and kind, the device's signature, the 600 s rule and the payload. Every field of
 * an accepted entry comes from the verified frame, never from the home base's JSON.
 */
import type { Core } from "../core/types.ts";
import type { FrameEntry } from "./batch.ts";
import { LEVEL_RANK, parseLogPayload, parseMotionPayload, type LogPayload, type MotionPayload } from "./payloads.ts";

/**
 * How far ahead of the server's clock a forwarded frame may be dated. The home base accepts a frame
 * within 300 s of its own clock, and its signed requests are within 300 s of the server's, so a
 * genuine frame is never further ahead than 600 s. Older frames are fine: a spool may hold them for
 * days while the central server is away.
 */
export const FRAME_MAX_AHEAD_SEC = 600;

/** Frame type bytes (docs/protocol.md section 1) that each entry kind must carry. */
const FRAME_TYPE_OF_KIND = { motion: 0x02, log: 0x03 } as const;

/** The fields that every verified frame gives, whatever its type. */
interface VerifiedFrame {
  /** The entry's position in the batch. */
  index: number;
  deviceId: string;
  /** Unix seconds, from the frame. */
  timestamp: number;
  seq: number;
  /** Unix seconds, the home base's clock when the frame arrived. */
  receivedAt: number;
}

export interface VerifiedLog extends VerifiedFrame {
  kind: "log";
  payload: LogPayload;
  levelRank: number;
}

export interface VerifiedMotion extends VerifiedFrame {
  kind: "motion";
  payload: MotionPayload;
}

export type VerifiedEntry = VerifiedLog | VerifiedMotion;

export interface VerifyContext {
  core: Core;
  networkPublicKey: Uint8Array;
  /** Public keys of the network's devices that the batch names. */
  deviceKeys: Map<string, Buffer>;
  nowSec: number;
}

/** Verifies one entry; returns the verified entry, or the rejection code as a string. */
export function verifyFrameEntry(context: VerifyContext, entry: FrameEntry, index: number): VerifiedEntry | string {
  const decoded = context.core.decodeFrame(entry.frame);
  if (!decoded.ok) return decoded.code;
  if (decoded.frame.deviceId !== entry.device_id) return "DEVICE_ID_MISMATCH";
  if (decoded.frame.type !== FRAME_TYPE_OF_KIND[entry.kind]) return "FRAME_KIND_MISMATCH";

  const publicKey = context.deviceKeys.get(decoded.frame.deviceId);
  if (!publicKey) return "FRAME_UNKNOWN_DEVICE";
  const verified = context.core.verifyFrame(entry.frame, publicKey, context.networkPublicKey);
  if (!verified.ok) return verified.code;

  // From here on every field comes from the verified frame, none from the home base's JSON.
  const frame = verified.frame;
  if (frame.timestamp > context.nowSec + FRAME_MAX_AHEAD_SEC) return "FRAME_TIMESTAMP_SKEW";
  const common = { index, deviceId: frame.deviceId, timestamp: frame.timestamp, seq: frame.seq, receivedAt: entry.received_at };

  if (entry.kind === "log") {
    const payload = parseLogPayload(frame.payload);
    return payload ? { ...common, kind: "log", payload, levelRank: LEVEL_RANK[payload.level] } : "INVALID_PAYLOAD";
  }
  const payload = parseMotionPayload(frame.payload);
  return payload ? { ...common, kind: "motion", payload } : "INVALID_PAYLOAD";
}
