import { createPrivateKey, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../../hosts/node/src/clock.ts";
import { decodeCommand } from "./command-decoder.ts";
import type { SimConfig } from "./config.ts";
import { nodePublicKeyFromSeed, nodeVerify } from "./node-ed25519.ts";
import { DeviceSimulator } from "./sim.ts";

const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const networkSeed = Buffer.alloc(32, 0x40);
const networkPublicKey = nodePublicKeyFromSeed(networkSeed);
const deviceSeed = Buffer.alloc(32, 0x41);

/** Signs with node:crypto (OpenSSL), independent of the tweetnacl code under test. */
function nodeSign(message: Uint8Array, seed: Uint8Array): Buffer {
  return sign(null, message, createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" }));
}

/** A command frame built by hand from protocol section 1, signed with `signerSeed`. */
function commandFrame(deviceId: string, seq: number, payload: string, signerSeed = networkSeed): Buffer {
  const body = Buffer.alloc(27 + payload.length);
  body[0] = 1;
  body[1] = 0x04;
  body.write(deviceId, 2, "ascii");
  body.writeUInt32LE(1767225600, 18);
  body.writeUInt32LE(seq, 22);
  body[26] = payload.length;
  body.write(payload, 27, "utf8");
  const message = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), networkPublicKey, body]);
  return Buffer.concat([body, nodeSign(message, signerSeed)]);
}

function makeSim(): { sim: DeviceSimulator; stateDir: string } {
  const config: SimConfig = {
    networkPublicKey,
    homeBase: { host: "127.0.0.1", udpPort: 18082 },
    devices: [{ deviceId: "porch-cam", type: "camera", privateKey: deviceSeed }],
  };
  const stateDir = mkdtempSync(join(tmpdir(), "device-sim-ack-"));
  const sim = new DeviceSimulator(config, { clock: new ManualClock(Date.UTC(2026, 0, 1)), seed: 1, stateDir, heartbeatSec: 10, motionMeanSec: 20, logEverySec: 5 });
  return { sim, stateDir };
}

test("command decoder reads a command signed with the network key", () => {
  const command = decodeCommand(commandFrame("porch-cam", 17, '{"id":17,"cmd":"reboot"}'), networkPublicKey);
  assert.equal(command, { deviceId: "porch-cam", timestamp: 1767225600, seq: 17, id: 17, cmd: "reboot" });
});

test("command decoder rejects a command signed with another key", () => {
  assert.is(decodeCommand(commandFrame("porch-cam", 17, '{"id":17,"cmd":"reboot"}', Buffer.alloc(32, 0x99)), networkPublicKey), null);
});

test("command decoder ignores other frame types", () => {
  const frame = commandFrame("porch-cam", 17, '{"id":17,"cmd":"reboot"}');
  frame[1] = 0x06;
  assert.is(decodeCommand(frame, networkPublicKey), null);
});

test("simulated device acknowledges a command, and a repeat with the same bytes", () => {
  const { sim, stateDir } = makeSim();
  try {
    const frame = commandFrame("porch-cam", 17, '{"id":17,"cmd":"identify"}');
    const ack = sim.acknowledge(frame);
    assert.ok(ack);
    assert.is(ack.bytes[1], 0x05);
    const payloadLen = ack.bytes[26] ?? 0;
    assert.equal(JSON.parse(ack.bytes.subarray(27, 27 + payloadLen).toString("utf8")), { id: 17, result: "ok" });

    const message = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), networkPublicKey, ack.bytes.subarray(0, 27 + payloadLen)]);
    assert.ok(nodeVerify(message, ack.bytes.subarray(27 + payloadLen), nodePublicKeyFromSeed(deviceSeed)), "signed by the device key");

    const repeat = sim.acknowledge(frame);
    assert.ok(repeat?.bytes.equals(ack.bytes));
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test("simulated device answers commands it does not run with unsupported", () => {
  const { sim, stateDir } = makeSim();
  try {
    const ack = sim.acknowledge(commandFrame("porch-cam", 3, '{"id":3,"cmd":"ota_offer"}'));
    const payloadLen = ack?.bytes[26] ?? 0;
    assert.equal(JSON.parse(ack?.bytes.subarray(27, 27 + payloadLen).toString("utf8") ?? "{}").result, "unsupported");
    assert.is(sim.acknowledge(commandFrame("door", 4, '{"id":4,"cmd":"reboot"}')), null, "not one of its devices");
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

const homeBaseSeed = Buffer.alloc(32, 0x42);

/** A time beacon built by hand from protocol section 1.6, signed with node:crypto. */
function beaconFrame(seq: number, boot: number, signerSeed = homeBaseSeed): Buffer {
  const body = Buffer.alloc(27 + 6);
  body[0] = 1;
  body[1] = 0x06;
  body.write("homebase", 2, "ascii");
  body.writeUInt32LE(1767225600, 18);
  body.writeUInt32LE(seq, 22);
  body[26] = 6;
  body[27] = 1;
  body.writeUInt32LE(boot, 29);
  const message = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), networkPublicKey, body]);
  return Buffer.concat([body, nodeSign(message, signerSeed)]);
}

test("beacon with a new boot counter moves device seqs past the floor step", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "device-sim-beacon-"));
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const config: SimConfig = {
    networkPublicKey,
    homeBase: { host: "127.0.0.1", udpPort: 18082, publicKey: nodePublicKeyFromSeed(homeBaseSeed) },
    devices: [{ deviceId: "porch-cam", type: "camera", privateKey: deviceSeed }],
  };
  const sim = new DeviceSimulator(config, { clock, seed: 1, stateDir, heartbeatSec: 10, motionMeanSec: 1000, logEverySec: 1000 });
  try {
    const seqOfNextAck = (id: number) => sim.acknowledge(commandFrame("porch-cam", id, `{"id":${id},"cmd":"identify"}`))!.seq;

    assert.is(seqOfNextAck(1), 1);
    assert.not.ok(sim.takeBeacon(beaconFrame(1, 1, Buffer.alloc(32, 0x99))), "forged beacon");
    assert.is(seqOfNextAck(2), 2);

    assert.ok(sim.takeBeacon(beaconFrame(1, 1)), "first beacon since the start");
    assert.is(seqOfNextAck(3), 2 + 1 + 64);
    assert.ok(sim.takeBeacon(beaconFrame(2, 1)));
    assert.is(seqOfNextAck(4), 2 + 2 + 64, "same boot: no skip");
    assert.ok(sim.takeBeacon(beaconFrame(66, 2)));
    assert.is(seqOfNextAck(5), 2 + 3 + 128, "new boot: skip again");
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test.run();
