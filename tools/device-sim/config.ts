/**
 * Reads the simulated devices' provisioning file (devices.json, docs/provisioning.md) and rejects
 * anything the simulator could not use, naming the field and the value.
 */
import { readFileSync } from "node:fs";
import { checkDeviceId } from "./encoder.ts";

export interface SimDevice {
  deviceId: string;
  type: string;
  privateKey: Buffer;
}

export interface SimConfig {
  networkPublicKey: Buffer;
  /** `publicKey`: the home base's key that signs its time beacons; without it beacons are ignored. */
  homeBase: { host: string; udpPort: number; publicKey?: Buffer };
  devices: SimDevice[];
}

const KEY_HEX = /^[0-9a-f]{64}$/;

function keyField(value: unknown, where: string): Buffer {
  if (typeof value !== "string" || !KEY_HEX.test(value)) throw new Error(`${where} must be 64 lower-case hex characters`);
  return Buffer.from(value, "hex");
}

function parseDevice(value: unknown, index: number): SimDevice {
  const where = `devices[${index}]`;
  if (value === null || typeof value !== "object") throw new Error(`${where} must be an object`);
  const device = value as Record<string, unknown>;

  if (typeof device.device_id !== "string") throw new Error(`${where}.device_id is missing`);
  checkDeviceId(device.device_id);
  if (typeof device.type !== "string" || device.type === "") throw new Error(`${where}.type is missing`);

  return { deviceId: device.device_id, type: device.type, privateKey: keyField(device.private_key, `${where}.private_key`) };
}

/** Parses the JSON text of devices.json. Throws an Error naming the first invalid field. */
export function parseSimConfig(text: string): SimConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`devices file is not valid JSON: ${(error as Error).message}`);
  }
  if (raw === null || typeof raw !== "object") throw new Error("devices file must contain a JSON object");

  const homeBase = raw.home_base as Record<string, unknown> | undefined;
  if (homeBase === null || typeof homeBase !== "object") throw new Error("home_base is missing");
  if (typeof homeBase.host !== "string" || homeBase.host === "") throw new Error("home_base.host is missing");
  const port = homeBase.udp_port;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw new Error(`home_base.udp_port ${JSON.stringify(port)} must be an integer from 1 to 65535`);
  }

  if (!Array.isArray(raw.devices) || raw.devices.length === 0) throw new Error("devices must be a non-empty array");
  const devices = raw.devices.map(parseDevice);
  const ids = new Set<string>();
  for (const device of devices) {
    if (ids.has(device.deviceId)) throw new Error(`device id ${device.deviceId} appears twice`);
    ids.add(device.deviceId);
  }

  return {
    networkPublicKey: keyField(raw.network_public_key, "network_public_key"),
    homeBase: {
      host: homeBase.host,
      udpPort: port as number,
      ...(homeBase.public_key === undefined ? {} : { publicKey: keyField(homeBase.public_key, "home_base.public_key") }),
    },
    devices,
  };
}

export function readSimConfig(path: string): SimConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read devices file ${path}: ${(error as Error).message}`);
  }
  return parseSimConfig(text);
}
