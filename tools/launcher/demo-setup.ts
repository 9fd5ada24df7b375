/**
 * Sets up the demo network on the first start, through the public API as a user would: log in as the
 * admin, create the network "demo", register its home base and three devices, and write the
 * provisioning files. The files' presence in DATA_DIR/demo marks the setup as done.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { nowSec, type Clock } from "../../hosts/node/src/clock.ts";
import { publicKeyFromSeed } from "../device-sim/encoder.ts";
import type { ApiClient, DeviceCreated } from "./api-client.ts";
import type { AdminCredentials } from "./credentials.ts";
import { buildDevicesFile, buildHomeBaseFile, writeSecretJson, type DemoNetwork, type ProvisionedDevice } from "./provisioning.ts";
import { totpCodeFromUri } from "./totp.ts";

export const DEMO_NETWORK_NAME = "demo";
export const DEMO_HOME_BASE_ID = "homebase";
export const DEMO_DEVICES: ReadonlyArray<{ deviceId: string; type: string }> = [
  { deviceId: "porch-cam", type: "camera" },
  { deviceId: "hall-motion", type: "motion" },
  { deviceId: "garage-switch", type: "switch" },
];

/** Three missed heartbeats at the simulator's default 10 s interval, with margin. */
export const DEMO_OFFLINE_AFTER_SEC = 90;

export interface DemoPaths {
  dir: string;
  homeBase: string;
  devices: string;
}

export function demoPaths(dataDir: string): DemoPaths {
  const dir = join(dataDir, "demo");
  return { dir, homeBase: join(dir, "homebase.json"), devices: join(dir, "devices.json") };
}

export function isDemoSetUp(dataDir: string): boolean {
  const paths = demoPaths(dataDir);
  return existsSync(paths.homeBase) && existsSync(paths.devices);
}

const KEY_HEX = /^[0-9a-f]{64}$/;

/** Checks one registration response and derives the device's public key from its private key. */
function provisionedDevice(created: DeviceCreated, type: string, networkPublicKey: string): ProvisionedDevice {
  const deviceId = created.device?.device_id;
  if (!KEY_HEX.test(created.private_key)) throw new Error(`device ${deviceId}: private_key is not 64 hex characters`);
  if (created.network_public_key !== networkPublicKey) {
    throw new Error(`device ${deviceId}: network_public_key ${created.network_public_key} differs from the network's ${networkPublicKey}`);
  }

  const publicKey = publicKeyFromSeed(Buffer.from(created.private_key, "hex")).toString("hex");
  if (created.device.public_key !== undefined && created.device.public_key !== publicKey) {
    throw new Error(`device ${deviceId}: public_key ${created.device.public_key} does not belong to the returned private_key`);
  }
  return { deviceId, type, privateKey: created.private_key, publicKey };
}

/** Creates the demo network and its devices through the API. Throws ApiError or Error naming the failed step. */
export async function createDemoNetwork(api: ApiClient, credentials: AdminCredentials, clock: Clock, homeBaseHttpPort: number): Promise<DemoNetwork> {
  const totp = await totpCodeFromUri(credentials.otpauth_uri, nowSec(clock));
  await api.login(credentials.username, credentials.password, totp);

  const network = await api.createNetwork(DEMO_NETWORK_NAME, { host: "127.0.0.1", port: homeBaseHttpPort });

  const homeBase = provisionedDevice(await api.createDevice(network.id, DEMO_HOME_BASE_ID, "home_base"), "home_base", network.public_key);
  const devices: ProvisionedDevice[] = [];
  for (const { deviceId, type } of DEMO_DEVICES) {
    devices.push(provisionedDevice(await api.createDevice(network.id, deviceId, type), type, network.public_key));
  }

  return {
    networkId: network.id,
    networkPublicKey: network.public_key,
    homeBase: { deviceId: homeBase.deviceId, privateKey: homeBase.privateKey },
    devices,
  };
}

export interface DemoFileSettings {
  serverPort: number;
  homeBaseUdpPort: number;
  batchIntervalSec: number;
}

/** Returns the options of the demo files for the current settings, shared by the first write and later refreshes. */
export function demoFileOptions(settings: DemoFileSettings) {
  return {
    homeBase: { centralUrl: `http://127.0.0.1:${settings.serverPort}`, batchIntervalSec: settings.batchIntervalSec, offlineAfterSec: DEMO_OFFLINE_AFTER_SEC },
    devices: { host: "127.0.0.1", udpPort: settings.homeBaseUdpPort },
  };
}

/** Writes homebase.json and devices.json (mode 0600) into DATA_DIR/demo; devices.json last, as it marks the setup done. */
export function writeDemoFiles(dataDir: string, network: DemoNetwork, settings: DemoFileSettings): DemoPaths {
  const paths = demoPaths(dataDir);
  const options = demoFileOptions(settings);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });

  writeSecretJson(paths.homeBase, buildHomeBaseFile(network, options.homeBase));
  writeSecretJson(paths.devices, buildDevicesFile(network, options.devices));
  return paths;
}
