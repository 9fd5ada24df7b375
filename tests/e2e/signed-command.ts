/**
 * Builds what the central server sends to a home base's POST /api/v1/command (docs/protocol.md
 * sections 2, 6.2 and 9.1), so the e2e tests can play the central server: a command frame signed
 * with the network key, inside a request signed with the same key (key id = the network id).
 */
import { createHash, randomBytes } from "node:crypto";
import nacl from "tweetnacl";
import type { KeyPair } from "../../hosts/node/src/keys/derive.ts";
import { encodeFrame } from "../../tools/device-sim/encoder.ts";

const REQUEST_CONTEXT = Buffer.from("homemesh/request/v1\0", "ascii");
const COMMAND_PATH = "/api/v1/command";

/** Builds the signed `device_add` command frame (section 6.2) for `deviceId` with its 32-byte public key. */
export function deviceAddFrame(network: KeyPair, homeBaseId: string, seq: number, timestamp: number, deviceId: string, publicKey: Uint8Array): Buffer {
  const payload = JSON.stringify({ id: seq, cmd: "device_add", device: deviceId, key: Buffer.from(publicKey).toString("base64") });
  return encodeFrame({ type: "command", deviceId: homeBaseId, timestamp, seq, payload }, network.privateKey, network.publicKey);
}

/** Builds the X-Mesh-* headers of a POST /api/v1/command request signed with the network key (section 2). */
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
