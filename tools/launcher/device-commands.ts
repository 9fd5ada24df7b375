/**
 * Fills the home base's registry with the demo devices through its POST /api/v1/command, as the
 * central server will (docs/protocol.md sections 6.2 and 9.1): one `device_add` config command per
 * device, a command frame signed with the network key, inside a request signed with the same key
 * (key id = the network id). The home base applies each at once. A device already present with the
 * same key gets `ok` again, so every start sends them all.
 *
 * The launcher runs on the machine that holds the master seed, so it derives the network key itself.
 *
 * NOTE: the command seqs to the home base come from a counter file in DATA_DIR/demo, not from the
 * central server's per-target counter (section 10.4). A central server that later sends commands to
 * the same home base from its own counter starting at 1 will find those seqs below the home base's
 * command window. This goes away when the central server delivers device_add itself.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import nacl from "tweetnacl";
import { deriveNetworkKey, type KeyPair } from "../../hosts/node/src/keys/derive.ts";
import { encodeFrame, publicKeyFromSeed } from "../device-sim/encoder.ts";
import { writeSecretJson } from "./provisioning.ts";

/** The network key indexes searched for the key whose public half the demo files name. */
export const NETWORK_KEY_INDEX_MAX = 1000;
const REQUEST_CONTEXT = Buffer.from("homemesh/request/v1\0", "ascii");
const COMMAND_PATH = "/api/v1/command";

/** Finds the network key pair derived from `masterSeed` whose public key is `publicKeyHex`; throws when none of the first NETWORK_KEY_INDEX_MAX is. */
export function findNetworkKey(masterSeed: Uint8Array, publicKeyHex: string): KeyPair {
  for (let index = 0; index <= NETWORK_KEY_INDEX_MAX; index++) {
    const pair = deriveNetworkKey(masterSeed, index);
    if (pair.publicKey.toString("hex") === publicKeyHex) return pair;
  }
  throw new Error(`no network key index from 0 to ${NETWORK_KEY_INDEX_MAX} has public key ${publicKeyHex}; is the master seed the one that created the demo network?`);
}

/** Builds the signed `device_add` command frame (section 6.2) for `deviceId` with its 32-byte public key. */
export function deviceAddFrame(network: KeyPair, homeBaseId: string, seq: number, timestamp: number, deviceId: string, publicKey: Uint8Array): Buffer {
  const payload = JSON.stringify({ id: seq, cmd: "device_add", device: deviceId, key: Buffer.from(publicKey).toString("base64") });
  return encodeFrame({ type: "command", deviceId: homeBaseId, timestamp, seq, payload }, network.privateKey, network.publicKey);
}

/** Builds the X-Mesh-* headers of a request signed with the network key (section 2). */
export function signedCommandHeaders(network: KeyPair, networkId: string, body: string, timestamp: number, nonce = randomBytes(16).toString("hex")): Record<string, string> {
  const bodyHash = createHash("sha256").update(body, "utf8").digest("hex");
  const text = ["POST", COMMAND_PATH, networkId, String(timestamp), nonce, bodyHash].join("\n");
  const secretKey = nacl.sign.keyPair.fromSeed(network.privateKey).secretKey;
  const signature = nacl.sign.detached(Buffer.concat([REQUEST_CONTEXT, Buffer.from(text, "utf8")]), secretKey);
  secretKey.fill(0);
  return {
    "content-type": "application/json",
    "x-mesh-key-id": networkId,
    "x-mesh-timestamp": String(timestamp),
    "x-mesh-nonce": nonce,
    "x-mesh-signature": Buffer.from(signature).toString("hex"),
  };
}

/**
 * The home base's command floor step K (docs/protocol.md section 10.3): after a restart it rejects
 * every seq up to K above the highest one it took before.
 */
export const COMMAND_FLOOR_STEP = 64;

/**
 * Takes the next command seq from `path`, `skip` further than stored, and stores the one after it
 * before the command is sent.
 */
export function takeCommandSeq(path: string, skip = 0): number {
  const stored = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { next_seq?: unknown }).next_seq : 1;
  if (!Number.isInteger(stored) || (stored as number) < 1 || (stored as number) + skip >= 0xffffffff) {
    throw new Error(`${path}: next_seq ${String(stored)} plus ${skip} is not an integer from 1 to 4294967294`);
  }
  const seq = (stored as number) + skip;
  writeSecretJson(path, { next_seq: seq + 1 });
  return seq;
}

export interface DeviceAddDelivery {
  homeBaseUrl: string;
  networkId: string;
  network: KeyPair;
  homeBaseId: string;
  /** Device ids with their 32-byte seeds, as devices.json lists them. */
  devices: ReadonlyArray<{ deviceId: string; privateKey: Uint8Array }>;
  seqPath: string;
  nowSec: () => number;
}

/**
 * Sends one device_add per device and checks that the home base applied it; throws naming the device
 * otherwise. Call it once after each start of the home base: the first seq skips the floor step,
 * because the restarted home base rejects the seqs up to its restored floor.
 */
export async function deliverDeviceAdds(delivery: DeviceAddDelivery): Promise<void> {
  let skip = COMMAND_FLOOR_STEP;
  for (const device of delivery.devices) {
    const timestamp = delivery.nowSec();
    const seq = takeCommandSeq(delivery.seqPath, skip);
    skip = 0;
    const frame = deviceAddFrame(delivery.network, delivery.homeBaseId, seq, timestamp, device.deviceId, publicKeyFromSeed(device.privateKey));
    const body = JSON.stringify({ frame: frame.toString("hex") });

    const response = await fetch(`${delivery.homeBaseUrl}${COMMAND_PATH}`, {
      method: "POST",
      headers: signedCommandHeaders(delivery.network, delivery.networkId, body, timestamp),
      body,
    });
    const answer = (await response.json()) as { state?: string; result?: string; reason?: string; code?: string };
    if (response.status !== 200 || answer.result !== "ok") {
      throw new Error(`device_add ${device.deviceId} failed: HTTP ${response.status} ${answer.code ?? answer.reason ?? answer.result ?? ""}`);
    }
  }
}
