/**
 * Network and device keys from the master seed (docs/protocol.md section 4): a network key at
 * m/N' and a device key at m/N'/D', where N is the network's key index and D the device's key
 * index in its network. Private keys are 32-byte ed25519 seeds.
 */
import { hardenedChild, masterNode, publicKeyOf } from "./slip10.ts";

export interface KeyPair {
  /** The 32-byte ed25519 seed; shown once, when a device is created, and never stored. */
  privateKey: Buffer;
  /** The 32-byte ed25519 public key. */
  publicKey: Buffer;
}

export function networkKeyPath(networkKeyIndex: number): string {
  return `m/${networkKeyIndex}'`;
}

export function deviceKeyPath(networkKeyIndex: number, deviceKeyIndex: number): string {
  return `m/${networkKeyIndex}'/${deviceKeyIndex}'`;
}

/** Derives a network's key pair; throws RangeError for an index outside 0 to 2^31 - 1. */
export function deriveNetworkKey(masterSeed: Uint8Array, networkKeyIndex: number): KeyPair {
  const { privateKey } = hardenedChild(masterNode(masterSeed), networkKeyIndex);
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/** Derives a device's key pair; throws RangeError for an index outside 0 to 2^31 - 1. */
export function deriveDeviceKey(masterSeed: Uint8Array, networkKeyIndex: number, deviceKeyIndex: number): KeyPair {
  const network = hardenedChild(masterNode(masterSeed), networkKeyIndex);
  const { privateKey } = hardenedChild(network, deviceKeyIndex);
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}
