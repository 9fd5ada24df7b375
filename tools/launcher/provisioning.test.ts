import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseSimConfig } from "../device-sim/config.ts";
import { nodePublicKeyFromSeed } from "../device-sim/node-ed25519.ts";
import { buildDevicesFile, buildHomeBaseFile, refreshDemoFiles, writeSecretJson, type DemoNetwork } from "./provisioning.ts";

function seedHex(byte: number): string {
  return Buffer.alloc(32, byte).toString("hex");
}

function device(deviceId: string, type: string, byte: number) {
  return { deviceId, type, privateKey: seedHex(byte), publicKey: nodePublicKeyFromSeed(Buffer.alloc(32, byte)).toString("hex") };
}

const network: DemoNetwork = {
  networkId: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11",
  networkPublicKey: nodePublicKeyFromSeed(Buffer.alloc(32, 0x60)).toString("hex"),
  homeBase: { deviceId: "homebase", privateKey: seedHex(0x61) },
  devices: [device("porch-cam", "camera", 0x62), device("hall-motion", "motion", 0x63)],
};
const homeBaseOptions = { centralUrl: "http://127.0.0.1:18080", batchIntervalSec: 60, offlineAfterSec: 90 };

test("home base file has the documented fields", () => {
  const file = buildHomeBaseFile(network, homeBaseOptions);

  assert.equal(file, {
    network_id: network.networkId,
    home_base_id: "homebase",
    private_key: seedHex(0x61),
    network_public_key: network.networkPublicKey,
    central_url: "http://127.0.0.1:18080",
    batch_interval_sec: 60,
    offline_after_sec: 90,
  });
});

test("home base file holds no network private key and no devices", () => {
  const text = JSON.stringify(buildHomeBaseFile(network, homeBaseOptions));

  assert.not.match(text, /network_private_key|network_seed|master_seed/);
  assert.not.match(text, /"devices"/);
});

test("devices file is accepted by the device simulator", () => {
  const file = buildDevicesFile(network, { host: "127.0.0.1", udpPort: 18082 });
  const parsed = parseSimConfig(JSON.stringify(file));

  assert.equal(Object.keys(file), ["network_public_key", "home_base", "devices"]);
  assert.equal(parsed.homeBase, { host: "127.0.0.1", udpPort: 18082, publicKey: nodePublicKeyFromSeed(Buffer.alloc(32, 0x61)) });
  assert.equal(parsed.devices.map((entry) => [entry.deviceId, entry.type]), [["porch-cam", "camera"], ["hall-motion", "motion"]]);
  assert.is(parsed.devices[0]!.privateKey.toString("hex"), seedHex(0x62));
});

test("secret JSON is written with mode 0600", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-provisioning-"));
  const path = join(dir, "homebase.json");
  writeSecretJson(path, buildHomeBaseFile(network, homeBaseOptions));

  assert.is(statSync(path).mode & 0o777, 0o600);
  assert.is(JSON.parse(readFileSync(path, "utf8")).home_base_id, "homebase");
  rmSync(dir, { recursive: true });
});

test("secret JSON narrows the mode of an existing file", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-provisioning-"));
  const path = join(dir, "devices.json");
  writeFileSync(path, "{}", { mode: 0o644 });
  writeSecretJson(path, { replaced: true });

  assert.is(statSync(path).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(path, "utf8")), { replaced: true });
  rmSync(dir, { recursive: true });
});

test("refresh updates addresses and keeps the keys", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-provisioning-"));
  const homeBasePath = join(dir, "homebase.json");
  const devicesPath = join(dir, "devices.json");
  writeSecretJson(homeBasePath, buildHomeBaseFile(network, homeBaseOptions));
  writeSecretJson(devicesPath, buildDevicesFile(network, { host: "127.0.0.1", udpPort: 18082 }));

  refreshDemoFiles(homeBasePath, devicesPath, { ...homeBaseOptions, centralUrl: "http://127.0.0.1:18500", batchIntervalSec: 5 }, { host: "127.0.0.1", udpPort: 18502 });
  const homeBase = JSON.parse(readFileSync(homeBasePath, "utf8"));
  const devices = JSON.parse(readFileSync(devicesPath, "utf8"));

  assert.is(homeBase.central_url, "http://127.0.0.1:18500");
  assert.is(homeBase.batch_interval_sec, 5);
  assert.is(homeBase.private_key, seedHex(0x61));
  // The devices check the home base's beacons with its public key.
  assert.equal(devices.home_base, { host: "127.0.0.1", udp_port: 18502, public_key: nodePublicKeyFromSeed(Buffer.alloc(32, 0x61)).toString("hex") });
  assert.is(devices.devices[0].private_key, seedHex(0x62));
  assert.is(statSync(devicesPath).mode & 0o777, 0o600);
  rmSync(dir, { recursive: true });
});

test("refresh removes the device list of an older home base file", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-provisioning-"));
  const homeBasePath = join(dir, "homebase.json");
  const devicesPath = join(dir, "devices.json");
  writeSecretJson(homeBasePath, { ...buildHomeBaseFile(network, homeBaseOptions), devices: [{ device_id: "porch-cam", public_key: network.devices[0]!.publicKey }] });
  writeSecretJson(devicesPath, buildDevicesFile(network, { host: "127.0.0.1", udpPort: 18082 }));

  refreshDemoFiles(homeBasePath, devicesPath, homeBaseOptions, { host: "127.0.0.1", udpPort: 18082 });
  const homeBase = JSON.parse(readFileSync(homeBasePath, "utf8"));

  assert.is(homeBase.devices, undefined);
  assert.is(homeBase.private_key, seedHex(0x61));
  rmSync(dir, { recursive: true });
});

test.run();
