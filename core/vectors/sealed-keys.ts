/**
 * The rotate_key vectors of sealed-keys.json (docs/protocol.md section 7): a new seed sealed to a
 * device's current key, and the whole command frame that carries it, signed by the network key.
 *
 * crypto_box_seal draws a random ephemeral key, so the box is built here from its parts to keep the
 * output fixed: an ephemeral key pair from a labelled seed, nonce = BLAKE2b-192(ephemeral public
 * key || recipient key), then crypto_box_easy; sealed = ephemeral public key || box. This is
 * libsodium's sealed box construction, and every box is opened again with crypto_box_seal_open
 * before it is written, so a mistake here stops the generator.
 */
import sodium from "libsodium-wrappers";
import { FRAME_TYPE, base64, encodeFrame, jsonObject, seedFromLabel, signerFromSeed } from "./encode.ts";
import { TIMESTAMP, hex, network } from "./frame-collector.ts";
import type { SealedKeyVector } from "./types.ts";

const SEALED_LEN = 80;

function seal(message: Uint8Array, recipientEd25519: Uint8Array, ephemeralLabel: string): Uint8Array {
  const recipient = sodium.crypto_sign_ed25519_pk_to_curve25519(recipientEd25519);
  const ephemeral = sodium.crypto_box_seed_keypair(seedFromLabel(ephemeralLabel));
  const nonce = sodium.crypto_generichash(sodium.crypto_box_NONCEBYTES, Buffer.concat([ephemeral.publicKey, recipient]), null);
  const box = sodium.crypto_box_easy(message, nonce, recipient, ephemeral.privateKey);
  return Buffer.concat([ephemeral.publicKey, box]);
}

function opens(sealed: Uint8Array, deviceSeed: Buffer, expected: Buffer): boolean {
  const pair = sodium.crypto_sign_seed_keypair(deviceSeed);
  try {
    const opened = sodium.crypto_box_seal_open(sealed, sodium.crypto_sign_ed25519_pk_to_curve25519(pair.publicKey), sodium.crypto_sign_ed25519_sk_to_curve25519(pair.privateKey));
    return Buffer.from(opened).equals(expected);
  } catch {
    return false;
  }
}

function vector(name: string, deviceId: string, label: string, commandId: number, tamper?: (sealed: Buffer) => void): SealedKeyVector {
  const device = signerFromSeed(seedFromLabel(`device ${label}`));
  const next = signerFromSeed(seedFromLabel(`device ${label} rotated`));
  const sealed = Buffer.from(seal(next.seed, device.publicKey, `ephemeral ${name}`));
  if (sealed.length !== SEALED_LEN) throw new Error(`sealed box of ${sealed.length} bytes, expected ${SEALED_LEN}`);
  if (!opens(sealed, device.seed, next.seed)) throw new Error(`sealed box of ${name} does not open`);
  tamper?.(sealed);

  const payload = jsonObject([["id", commandId], ["cmd", "rotate_key"], ["sealed", base64(sealed)]]);
  const frame = encodeFrame({ type: FRAME_TYPE.command, deviceId, timestamp: TIMESTAMP, seq: commandId }, Buffer.from(payload), network, network.publicKey);
  return {
    name, device_id: deviceId, device_seed: hex(device.seed), device_public_key: hex(device.publicKey),
    new_seed: hex(next.seed), new_public_key: hex(next.publicKey), sealed: hex(sealed), command_frame: hex(frame),
    opens: opens(sealed, device.seed, next.seed),
  };
}

/** Builds every vector; call after libsodium is ready. */
export async function buildSealedKeyVectors(): Promise<SealedKeyVector[]> {
  await sodium.ready;
  return [
    vector("rotate_key for porch-cam", "porch-cam", "porch-cam", 21),
    vector("rotate_key for hall_sensor-2", "hall_sensor-2", "hall_sensor-2", 7),
    vector("rotate_key with the largest command id", "garden", "garden", 0xffffffff),
    vector("rotate_key whose sealed box was changed in its ciphertext", "porch-cam", "porch-cam", 22, (sealed) => {
      sealed[SEALED_LEN - 1] = sealed[SEALED_LEN - 1]! ^ 0x01;
    }),
  ];
}
