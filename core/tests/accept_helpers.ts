/**
 * Signed frames for the home base tests (device table, intake, batches), built with the
 * independent encoder in core/vectors/encode.ts.
 */
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";
import { FRAME_TYPE, encodeFrame, seedFromLabel, signerFromSeed, type Signer } from "../vectors/encode.ts";
import { setDevice, writeFrame, writeNetworkKey } from "./helpers.ts";

export const network = signerFromSeed(seedFromLabel("test network"));
export const porch = signerFromSeed(seedFromLabel("test device porch"));
export const garden = signerFromSeed(seedFromLabel("test device garden"));

export const T0 = 1764871200;

export interface FrameOptions {
  type?: number;
  deviceId?: string;
  timestamp?: number;
  payload?: string;
  signer?: Signer;
}

export function makeFrame(seq: number, options: FrameOptions = {}): Buffer {
  const header = {
    type: options.type ?? FRAME_TYPE.log,
    deviceId: options.deviceId ?? "porch",
    timestamp: options.timestamp ?? T0,
    seq,
  };
  const payload = Buffer.from(options.payload ?? '{"level":"info","category":"door","message":"opened"}', "utf8");
  return encodeFrame(header, payload, options.signer ?? porch, network.publicKey);
}

/** Sets the network key and puts "porch" in slot 0 and "garden" in slot 1. */
export function registerDevices(core: CoreHandle): void {
  writeNetworkKey(core, network.publicKey);
  if (setDevice(core, 0, "porch", porch.publicKey) !== 0) throw new Error("device_set of porch failed");
  if (setDevice(core, 1, "garden", garden.publicKey) !== 0) throw new Error("device_set of garden failed");
}

/** Writes `frame` into the frame buffer and runs frame_accept at `now`. */
export function accept(core: CoreHandle, frame: Buffer, now: number = T0): number {
  writeFrame(core, frame);
  return core.exports.frame_accept(frame.length, now);
}
