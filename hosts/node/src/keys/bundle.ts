/**
 * The device provisioning bundle of docs/protocol.md section 8: a JSON form for people and tools
 * and the 140-byte binary form that the firmware writes to NVS as one blob. Both carry the device's
 * private key, so a bundle is built only for the 201 response of a device registration.
 */
import { crc32 } from "node:zlib";

export const BUNDLE_FORMAT = "homemesh-device-v1";
export const BUNDLE_BINARY_LEN = 140;
const BUNDLE_MAGIC = Buffer.from("HMB1", "ascii");
const DEVICE_ID_FIELD_LEN = 16;
const KEY_LEN = 32;

/** Offsets of the binary form (docs/protocol.md section 8). */
const OFFSET = { magic: 0, deviceId: 4, seed: 20, networkKey: 52, homeBaseId: 84, homeBaseKey: 100, channel: 132, crc: 136 } as const;

export interface BundleInput {
  networkId: string;
  deviceId: string;
  keyIndex: number;
  /** The device's 32-byte Ed25519 seed. */
  privateKey: Buffer;
  publicKey: Buffer;
  networkPublicKey: Buffer;
  homeBase: { deviceId: string; publicKey: Buffer };
  /** The Wi-Fi channel of the mesh, 1 to 14. */
  channel: number;
}

export interface ProvisioningBundle {
  format: typeof BUNDLE_FORMAT;
  network_id: string;
  device_id: string;
  key_index: number;
  private_key: string;
  public_key: string;
  network_public_key: string;
  home_base: { device_id: string; public_key: string };
  channel: number;
  /** Base64 of the 140-byte binary form. */
  binary: string;
}

function requireLength(name: string, value: Buffer, length: number): void {
  if (value.length !== length) throw new RangeError(`${name} length ${value.length} is not ${length}`);
}

/**
 * Writes the binary form: magic, ids NUL-padded to 16 bytes, keys, channel, three zero bytes and the
 * CRC-32 (zlib's) of bytes 0 to 135, little-endian. Throws RangeError for a key of the wrong length,
 * a device id over 15 bytes or a channel outside 1 to 14.
 */
export function encodeBundleBinary(input: BundleInput): Buffer {
  requireLength("private key", input.privateKey, KEY_LEN);
  requireLength("network public key", input.networkPublicKey, KEY_LEN);
  requireLength("home base public key", input.homeBase.publicKey, KEY_LEN);
  for (const id of [input.deviceId, input.homeBase.deviceId]) {
    if (Buffer.byteLength(id, "ascii") >= DEVICE_ID_FIELD_LEN) throw new RangeError(`device id ${JSON.stringify(id)} does not fit a 16-byte field with a NUL`);
  }
  if (!Number.isInteger(input.channel) || input.channel < 1 || input.channel > 14) throw new RangeError(`channel ${input.channel} is outside 1 to 14`);

  const binary = Buffer.alloc(BUNDLE_BINARY_LEN);
  BUNDLE_MAGIC.copy(binary, OFFSET.magic);
  binary.write(input.deviceId, OFFSET.deviceId, DEVICE_ID_FIELD_LEN, "ascii");
  input.privateKey.copy(binary, OFFSET.seed);
  input.networkPublicKey.copy(binary, OFFSET.networkKey);
  binary.write(input.homeBase.deviceId, OFFSET.homeBaseId, DEVICE_ID_FIELD_LEN, "ascii");
  input.homeBase.publicKey.copy(binary, OFFSET.homeBaseKey);
  binary[OFFSET.channel] = input.channel;
  binary.writeUInt32LE(crc32(binary.subarray(0, OFFSET.crc)), OFFSET.crc);
  return binary;
}

/** Builds both forms of the bundle; throws as encodeBundleBinary does. */
export function buildBundle(input: BundleInput): ProvisioningBundle {
  const binary = encodeBundleBinary(input);
  return {
    format: BUNDLE_FORMAT,
    network_id: input.networkId,
    device_id: input.deviceId,
    key_index: input.keyIndex,
    private_key: input.privateKey.toString("hex"),
    public_key: input.publicKey.toString("hex"),
    network_public_key: input.networkPublicKey.toString("hex"),
    home_base: { device_id: input.homeBase.deviceId, public_key: input.homeBase.publicKey.toString("hex") },
    channel: input.channel,
    binary: binary.toString("base64"),
  };
}
