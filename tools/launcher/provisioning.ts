/**
 * The demo network's provisioning files, in the formats of docs/provisioning.md: homebase.json for
 * the home base simulator and devices.json for the device simulator. Both contain private keys, so
 * they are written with mode 0600.
 */
import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { publicKeyFromSeed } from "../device-sim/encoder.ts";

export interface ProvisionedDevice {
  deviceId: string;
  type: string;
  /** The device's 32-byte Ed25519 seed, 64 hex characters. */
  privateKey: string;
  /** 64 hex characters. */
  publicKey: string;
}

export interface DemoNetwork {
  networkId: string;
  networkPublicKey: string;
  homeBase: { deviceId: string; privateKey: string };
  devices: ProvisionedDevice[];
}

export interface HomeBaseFileOptions {
  centralUrl: string;
  batchIntervalSec: number;
  offlineAfterSec: number;
}

export interface DevicesFileOptions {
  host: string;
  udpPort: number;
}

/**
 * Builds the contents of homebase.json: the home base's identity and key, the network's public key
 * and the central server's address, never the network's private key and no devices (the home base
 * takes those from the central server's device_add commands, see registry-wait.ts).
 */
export function buildHomeBaseFile(network: DemoNetwork, options: HomeBaseFileOptions): Record<string, unknown> {
  return {
    network_id: network.networkId,
    home_base_id: network.homeBase.deviceId,
    private_key: network.homeBase.privateKey,
    network_public_key: network.networkPublicKey,
    central_url: options.centralUrl,
    batch_interval_sec: options.batchIntervalSec,
    offline_after_sec: options.offlineAfterSec,
  };
}

/** Returns the home base's public key (hex) from its seed (hex), for the devices to check its beacons. */
function homeBasePublicKey(privateKeyHex: string): string {
  return publicKeyFromSeed(Buffer.from(privateKeyHex, "hex")).toString("hex");
}

/** Builds the contents of devices.json for the device simulator. */
export function buildDevicesFile(network: DemoNetwork, options: DevicesFileOptions): Record<string, unknown> {
  return {
    network_public_key: network.networkPublicKey,
    home_base: { host: options.host, udp_port: options.udpPort, public_key: homeBasePublicKey(network.homeBase.privateKey) },
    devices: network.devices.map((device) => ({ device_id: device.deviceId, type: device.type, private_key: device.privateKey })),
  };
}

/**
 * Writes JSON readable only by its owner (mode 0600), through a temporary file and a rename, so a
 * crash leaves the old file or the new one. An existing file's wider mode is narrowed too.
 */
export function writeSecretJson(path: string, value: unknown): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    // The mode argument applies only when the file is created, and the umask may narrow it further.
    chmodSync(temporary, 0o600);
    writeSync(fd, JSON.stringify(value, null, 2) + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/**
 * Rewrites the addresses and intervals in existing demo files to the current settings and keeps the
 * keys, so a later `make run` with other ports still connects the parts. A former `devices` list in
 * homebase.json is removed.
 */
export function refreshDemoFiles(homeBasePath: string, devicesPath: string, homeBase: HomeBaseFileOptions, devices: DevicesFileOptions): void {
  // A file written before the registry moved to device_add commands still lists its devices; they go.
  const { devices: _formerRegistry, ...homeBaseFile } = JSON.parse(readFileSync(homeBasePath, "utf8")) as Record<string, unknown>;
  writeSecretJson(homeBasePath, {
    ...homeBaseFile,
    central_url: homeBase.centralUrl,
    batch_interval_sec: homeBase.batchIntervalSec,
    offline_after_sec: homeBase.offlineAfterSec,
  });

  const devicesFile = JSON.parse(readFileSync(devicesPath, "utf8")) as Record<string, unknown>;
  const publicKey = homeBasePublicKey(String(homeBaseFile.private_key));
  writeSecretJson(devicesPath, { ...devicesFile, home_base: { host: devices.host, udp_port: devices.udpPort, public_key: publicKey } });
}
