/**
 * Ingest batches for tests (docs/protocol.md section 3), with frames from the test encoder.
 */
import { encodeFrame, FRAME_TYPE } from "./frames.ts";
import type { TestNetwork } from "./mesh.ts";

export interface FrameEntryInput {
  kind: "log" | "motion";
  deviceId: string;
  seq: number;
  timestamp: number;
  payload: string | Record<string, unknown>;
  /** Signs with this seed instead of the device's own key. */
  signerSeed?: Uint8Array;
  /** The frame's type byte; by default the one that matches `kind`. */
  type?: number;
}

/** Builds a log or motion entry whose frame is signed by the device (or by `signerSeed`). */
export function frameEntry(network: TestNetwork, input: FrameEntryInput): Record<string, unknown> {
  const device = network.devices.get(input.deviceId);
  const signerSeed = input.signerSeed ?? device?.seed;
  if (!signerSeed) throw new Error(`test network has no device ${input.deviceId}; pass signerSeed`);
  const frame = encodeFrame({
    type: input.type ?? FRAME_TYPE[input.kind],
    deviceId: input.deviceId,
    timestamp: input.timestamp,
    seq: input.seq,
    payload: input.payload,
    signerSeed,
    networkPublicKey: network.key.publicKey,
  });
  return { kind: input.kind, device_id: input.deviceId, received_at: input.timestamp + 1, rssi: -50, frame: frame.toString("hex") };
}

export function statusEntry(deviceId: string, timestamp: number, online: boolean): Record<string, unknown> {
  return { kind: "device_status", device_id: deviceId, timestamp, online };
}

export function batchBody(network: TestNetwork, batchSeq: number, entries: Record<string, unknown>[], sealedAt = 1767268800): string {
  return JSON.stringify({ key_id: network.keyId, batch_seq: batchSeq, interval_sec: 60, sealed_at: sealedAt, entries });
}
