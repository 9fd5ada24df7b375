/**
 * The scenarios of scenarios.json: device tables, frames, commands, requests, batches and replay
 * state in order, each step's expectation computed by the replay model (replay-model.ts).
 */
import {
  FRAME_TYPE, addGroupOrder, base64, beaconPayload, canonicalText, chunkPayload, encodeFrame, flipBits, frameBody, jsonObject,
  seedFromLabel, sha256Hex, signRequest, signerFromSeed, type Signer,
} from "./encode.ts";
import { TIMESTAMP, hall, homeBase, network, porch } from "./frame-collector.ts";
import { ScenarioBuilder } from "./scenario-builder.ts";
import type { Scenario } from "./types.ts";

export const porchNext = signerFromSeed(seedFromLabel("device porch-cam next key"));
export const garden = signerFromSeed(seedFromLabel("device garden"));
const stranger = signerFromSeed(seedFromLabel("device not registered"));

const NETWORK_ID = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";
const HOME_BASE_ID = "homebase";
const BATCH_KEY_ID = `${NETWORK_ID}/${HOME_BASE_ID}`;
const T = TIMESTAMP;

export const scenarioKeys = { porch_next: porchNext, garden, not_registered: stranger };

function deviceFrame(deviceId: string, seq: number, signer: Signer, timestamp = T, type: number = FRAME_TYPE.log): Buffer {
  const payloads: Record<number, string> = {
    [FRAME_TYPE.heartbeat]: '{"battery":80}',
    [FRAME_TYPE.log]: `{"level":"info","category":"door","message":"seq ${seq}"}`,
    [FRAME_TYPE.acknowledgement]: '{"id":10,"result":"ok"}',
    [FRAME_TYPE.manifest]: `{"size":5,"sha256":"${base64(Buffer.alloc(32, 1))}","media":"image/jpeg"}`,
  };
  return encodeFrame({ type, deviceId, timestamp, seq }, Buffer.from(payloads[type]!), signer, network.publicKey);
}

function porchFrame(seq: number, timestamp = T, signer: Signer = porch, type: number = FRAME_TYPE.log): Buffer {
  return deviceFrame("porch-cam", seq, signer, timestamp, type);
}

/** Builds a command frame whose id equals its seq, as the central server writes them (docs/protocol.md 6.1). */
function commandFrame(target: string, seq: number, cmd: string, timestamp = T, signer: Signer = network, args: Array<[string, unknown]> = []): Buffer {
  const payload = jsonObject([["id", seq], ["cmd", cmd], ...args]);
  return encodeFrame({ type: FRAME_TYPE.command, deviceId: target, timestamp, seq }, Buffer.from(payload), signer, network.publicKey);
}

function deviceAdd(seq: number, timestamp = T, target = HOME_BASE_ID): Buffer {
  return commandFrame(target, seq, "device_add", timestamp, network, [["device", "garden"], ["key", base64(garden.publicKey)]]);
}

function beaconFrame(seq: number): Buffer {
  return encodeFrame({ type: FRAME_TYPE.beacon, deviceId: HOME_BASE_ID, timestamp: T, seq }, beaconPayload(1, 0, 1), homeBase, network.publicKey);
}

function chunkFrame(): Buffer {
  return frameBody({ type: FRAME_TYPE.chunk, deviceId: "porch-cam", timestamp: T, seq: 1 }, chunkPayload(1, 0, 4, Buffer.from("data")));
}

/** Builds a command delivery request (docs/protocol.md section 9.1), signed with the network key. */
function commandRequest(nonceLabel: string, timestamp: number, signer: Signer = network): { text: string; signature: Buffer } {
  const nonce = seedFromLabel(`nonce ${nonceLabel}`).subarray(0, 16).toString("hex");
  const text = canonicalText({
    method: "POST", path: "/api/v1/command", keyId: NETWORK_ID, timestamp: String(timestamp), nonce,
    bodySha256: sha256Hex(`{"frame":"${nonceLabel}"}`),
  });
  return { text, signature: signRequest(Buffer.from(text), signer) };
}

function request(s: ScenarioBuilder, nonceLabel: string, timestamp: number, now = timestamp): ScenarioBuilder {
  const { text, signature } = commandRequest(nonceLabel, timestamp);
  return s.request(text, signature, now);
}

function withDevices(name: string): ScenarioBuilder {
  return new ScenarioBuilder(name).networkKey(network.publicKey).deviceSet(0, "porch-cam", porch.publicKey).deviceSet(5, "hall_sensor-2", hall.publicKey);
}

function deviceFrames(): Scenario {
  const s = withDevices("device frames: accepted once, then refused as duplicate, too old or skewed");
  s.accept(porchFrame(100), T);
  s.accept(porchFrame(100), T);
  s.accept(porchFrame(37), T);
  s.accept(porchFrame(37), T);
  s.accept(porchFrame(36), T);
  s.accept(porchFrame(101, T - 301), T);
  s.accept(porchFrame(101, T + 301), T);
  s.accept(porchFrame(101, T + 300), T);
  s.accept(porchFrame(102, T - 300), T);
  s.accept(deviceFrame("attic", 1, stranger), T);
  const next = porchFrame(103);
  s.accept(addGroupOrder(next, next.length - 64), T);
  s.accept(flipBits(next, next.length - 30, 0x04), T);
  s.accept(next, T + 1);
  s.accept(deviceFrame("hall_sensor-2", 1, porch), T);
  s.accept(deviceFrame("hall_sensor-2", 1, hall), T + 2);
  s.accept(porchFrame(104, T, porch, FRAME_TYPE.acknowledgement), T + 3);
  s.accept(porchFrame(105, T, porch, FRAME_TYPE.manifest), T + 3);
  s.accept(porchFrame(106, T, porch, FRAME_TYPE.heartbeat), T + 3);
  s.accept(commandFrame("porch-cam", 107, "reboot"), T);
  s.accept(beaconFrame(1), T);
  s.accept(chunkFrame(), T);
  s.accept(porchFrame(108).subarray(0, 90), T);
  s.deviceClear(0);
  s.accept(porchFrame(109), T);
  return s.build();
}

function precheck(): Scenario {
  const s = withDevices("frame_precheck changes no state");
  const frame = porchFrame(10);
  s.precheck(frame, T);
  s.precheck(frame, T);
  s.precheck(flipBits(frame, frame.length - 1, 0x01), T);
  s.precheck(porchFrame(11, T + 301), T);
  s.precheck(deviceFrame("attic", 1, stranger), T);
  s.precheck(commandFrame("porch-cam", 12, "reboot"), T);
  s.precheck(beaconFrame(2), T);
  s.precheck(chunkFrame(), T);
  s.accept(frame, T);
  s.precheck(frame, T);
  s.exportState(T);
  const forged = flipBits(porchFrame(11), 100, 0x01);
  s.precheck(forged, T);
  s.accept(forged, T);
  s.accept(porchFrame(11), T);
  return s.build();
}

function keyRotation(): Scenario {
  const s = withDevices("key rotation: old key until the first frame under the next key");
  s.accept(porchFrame(1), T);
  s.deviceSetNextKey(0, porchNext.publicKey);
  s.accept(porchFrame(2), T);
  s.accept(porchFrame(3, T, stranger), T);
  s.accept(porchFrame(4, T, porchNext), T);
  s.accept(porchFrame(5), T);
  s.accept(porchFrame(5, T, porchNext), T);
  s.deviceSetNextKey(3, porchNext.publicKey);
  s.deviceSetNextKey(32, porchNext.publicKey);
  return s.build();
}

function floors(): Scenario {
  const s = withDevices("frame floors: raised above the floor only, clamped at 2^32 - 1");
  s.accept(porchFrame(100), T);
  s.exportState(T);
  s.accept(porchFrame(101), T);
  s.accept(porchFrame(164), T);
  s.accept(porchFrame(165), T);
  s.exportState(T);
  s.accept(porchFrame(200), T);
  s.accept(porchFrame(4294967230), T);
  s.exportState(T);
  s.accept(porchFrame(4294967295), T);
  s.exportState(T);
  s.accept(porchFrame(4294967294), T);
  return s.build();
}

function restart(): Scenario {
  const s = new ScenarioBuilder("restart: export, restart, device_set, replay_import, then the floors refuse old seqs")
    .networkKey(network.publicKey)
    .networkId(NETWORK_ID)
    .selfSet(HOME_BASE_ID)
    .deviceSet(0, "porch-cam", porch.publicKey)
    .deviceSet(1, "hall_sensor-2", hall.publicKey)
    .batchConfigure(BATCH_KEY_ID, 60, 5);
  s.accept(porchFrame(100), T);
  s.accept(deviceFrame("hall_sensor-2", 7, hall), T);
  s.command(commandFrame("porch-cam", 20, "reboot"), T);
  s.command(deviceAdd(9), T);
  request(s, "restart a", T);
  s.batchSeal(T);
  s.batchSeal(T + 60);
  const state = s.exportState(T);

  s.restart()
    .networkKey(network.publicKey)
    .networkId(NETWORK_ID)
    .selfSet(HOME_BASE_ID)
    .deviceSet(0, "porch-cam", porch.publicKey)
    .deviceSet(1, "garden", garden.publicKey)
    .batchConfigure(BATCH_KEY_ID, 60, 1)
    .importState(state, T + 10);
  s.exportState(T + 10);
  s.precheck(porchFrame(164), T + 10);
  s.precheck(porchFrame(165), T + 10);
  s.accept(porchFrame(100), T + 10);
  s.accept(porchFrame(164), T + 10);
  s.accept(porchFrame(165), T + 10);
  s.accept(porchFrame(101), T + 10);
  s.accept(porchFrame(166), T + 10);
  s.accept(porchFrame(300), T + 10);
  s.accept(porchFrame(200), T + 10);
  s.accept(deviceFrame("garden", 1, garden), T + 10);
  s.command(commandFrame("porch-cam", 20, "reboot"), T + 10);
  s.command(commandFrame("porch-cam", 84, "reboot"), T + 10);
  s.command(commandFrame("porch-cam", 85, "reboot"), T + 10);
  s.command(deviceAdd(73), T + 10);
  s.command(deviceAdd(74), T + 10);
  request(s, "restart a", T, T + 10);
  request(s, "restart b", T + 10);
  s.batchSeal(T + 20);
  s.batchSeal(T + 80);
  s.exportState(T + 80);

  // A table without self_set skips the home base's command floor; a larger configured seq wins.
  s.restart().networkKey(network.publicKey).deviceSet(0, "porch-cam", porch.publicKey).batchConfigure(BATCH_KEY_ID, 60, 200);
  s.importState(state, T + 10);
  s.exportState(T + 10);
  s.batchSeal(T + 20);
  s.command(deviceAdd(10), T + 20);
  return s.build();
}

function importNeverLowers(): Scenario {
  const s = new ScenarioBuilder("replay_import: an older state imported after a newer one lowers no floor")
    .networkKey(network.publicKey)
    .deviceSet(0, "porch-cam", porch.publicKey)
    .batchConfigure(BATCH_KEY_ID, 60, 1);
  s.accept(porchFrame(10), T);
  s.batchSeal(T);
  const older = s.exportState(T);
  s.accept(porchFrame(500), T);
  s.batchSeal(T + 60);
  s.batchSeal(T + 120);
  const newer = s.exportState(T + 120);

  s.restart().networkKey(network.publicKey).deviceSet(0, "porch-cam", porch.publicKey).batchConfigure(BATCH_KEY_ID, 60, 1);
  s.importState(newer, T + 130);
  s.importState(older, T + 130);
  s.accept(porchFrame(300), T + 130);
  s.accept(porchFrame(565), T + 130);
  s.batchSeal(T + 140);
  s.exportState(T + 140);
  return s.build();
}

function commands(): Scenario {
  const s = new ScenarioBuilder("command_accept: targets, expiry, skew, repeats and windows")
    .networkKey(network.publicKey)
    .selfSet(HOME_BASE_ID)
    .deviceSet(0, "porch-cam", porch.publicKey);
  const reboot = commandFrame("porch-cam", 10, "reboot", T, network, [["delay_sec", 5]]);
  s.command(reboot, T);
  s.command(reboot, T + 60);
  s.exportState(T + 60);
  s.command(reboot, T + 120);
  s.command(flipBits(reboot, reboot.length - 20, 0x02), T + 120);

  // Config commands go to the home base itself, device commands to devices.
  s.command(deviceAdd(11), T);
  s.command(deviceAdd(11), T);
  s.command(commandFrame(HOME_BASE_ID, 12, "device_revoke", T, network, [["device", "garden"]]), T);
  s.command(commandFrame(HOME_BASE_ID, 13, "set_dashboard_token", T, network, [["sha256", base64(Buffer.alloc(32, 9))]]), T);
  s.command(commandFrame(HOME_BASE_ID, 14, "reboot"), T);
  s.command(deviceAdd(15, T, "porch-cam"), T);
  s.command(commandFrame("attic", 16, "reboot"), T);

  // Time limits: 86400 s behind and 300 s ahead are still accepted.
  s.command(commandFrame("porch-cam", 17, "identify", T - 86400), T);
  s.command(commandFrame("porch-cam", 18, "identify", T - 86401), T);
  s.command(commandFrame("porch-cam", 19, "identify", T + 300), T);
  s.command(commandFrame("porch-cam", 20, "identify", T + 301), T);

  s.command(porchFrame(21), T);
  s.command(encodeFrame({ type: FRAME_TYPE.command, deviceId: "porch-cam", timestamp: T, seq: 21 }, Buffer.from('{"id":21,"cmd":"reboot","force":true}'), network, network.publicKey), T, "COMMAND_BAD_SCHEMA");
  s.command(chunkFrame(), T);
  s.command(commandFrame("porch-cam", 22, "reboot", T, porch), T);
  const good = commandFrame("porch-cam", 23, "reboot");
  s.command(addGroupOrder(good, good.length - 64), T);
  s.command(good, T);

  // The command window: 64 below the highest is too old; the floor clamps at 2^32 - 1.
  s.command(commandFrame("porch-cam", 100, "reboot"), T);
  s.command(commandFrame("porch-cam", 36, "reboot"), T);
  s.command(commandFrame("porch-cam", 37, "reboot"), T);
  s.command(commandFrame("porch-cam", 4294967290, "reboot"), T);
  // Device frames and commands of one device keep separate windows.
  s.accept(porchFrame(10), T);
  return s.build();
}

function noTarget(): Scenario {
  const s = new ScenarioBuilder("command_accept without self_set: the home base's id is unknown")
    .networkKey(network.publicKey)
    .deviceSet(0, "porch-cam", porch.publicKey);
  s.command(deviceAdd(1), T);
  s.command(commandFrame("porch-cam", 2, "reboot"), T);
  return s.build();
}

function nonces(): Scenario {
  const s = new ScenarioBuilder("request_accept: the nonce cache of 64 live nonces").networkKey(network.publicKey).networkId(NETWORK_ID);

  // A request that fails its signature records no nonce, so the real "cache 0" below is still new.
  const first = commandRequest("cache 0", T);
  s.request(first.text, flipBits(first.signature, 10, 0x01), T);
  for (let i = 0; i < 64; i++) request(s, `cache ${i}`, T + i);
  request(s, "cache 0", T + 63);
  request(s, "cache full", T + 63);
  s.exportState(T + 63);
  request(s, "after the first expired", T + 301);
  request(s, "cache full again", T + 301);
  request(s, "cache 1", T + 302);
  request(s, "cache 2", T + 302);
  const state = s.exportState(T + 303);

  // After a restart the network id is unknown until it is set again.
  s.restart().importState(state, T + 303);
  request(s, "before the network id", T + 303);
  s.networkKey(network.publicKey).networkId(NETWORK_ID);
  s.exportState(T + 303);
  request(s, "cache 3", T + 3, T + 303);
  request(s, "cache 2", T + 303);
  request(s, "cache full after import", T + 303);

  s.restart().networkKey(network.publicKey).networkId(NETWORK_ID).importState(state, T + 310);
  s.exportState(T + 310);
  request(s, "cache 9", T + 310);
  return s.build();
}

function badState(): Scenario {
  const s = withDevices("replay_import: STATE_BAD_FORMAT changes nothing").networkId(NETWORK_ID);
  s.accept(porchFrame(100), T);
  request(s, "bad state", T);
  const state = s.exportState(T);

  s.restart().networkKey(network.publicKey).deviceSet(0, "porch-cam", porch.publicKey);
  s.exportState(T);
  const badMagic = Buffer.from(state);
  badMagic.write("HMR2", 0, "ascii");
  s.importState(badMagic, T);
  s.importState(state.subarray(0, state.length - 1), T);
  s.importState(state.subarray(0, 13), T);
  s.importState(Buffer.alloc(0), T);
  const tooManyDevices = Buffer.concat([state.subarray(0, 14), Buffer.alloc(24 * 33)]);
  tooManyDevices[12] = 33;
  tooManyDevices[13] = 0;
  s.importState(tooManyDevices, T);
  const tooManyNonces = Buffer.concat([state.subarray(0, 14), Buffer.alloc(36 * 65, 0x30)]);
  tooManyNonces[12] = 0;
  tooManyNonces[13] = 65;
  s.importState(tooManyNonces, T);
  const countAboveRecords = Buffer.from(state);
  countAboveRecords[12] = state[12]! + 1;
  s.importState(countAboveRecords, T);
  s.exportState(T);
  s.accept(porchFrame(100), T);
  s.exportState(T);

  s.importState(state, T);
  s.accept(porchFrame(101), T);
  s.accept(porchFrame(165), T);
  return s.build();
}

function batches(): Scenario {
  const s = new ScenarioBuilder("batch floors: sealing at or above the floor raises it; import raises the next seq")
    .batchConfigure(BATCH_KEY_ID, 60, 1);
  s.batchSeal(T);
  s.exportState(T);
  s.batchSeal(T + 60);
  const state = s.exportState(T + 60);

  s.restart().batchConfigure(BATCH_KEY_ID, 60, 3).importState(state, T + 70);
  s.exportState(T + 70);
  s.batchSeal(T + 70);
  s.batchSeal(T + 130);
  return s.build();
}

function tableEdges(): Scenario {
  return new ScenarioBuilder("device table: bad ids and slots")
    .networkKey(network.publicKey)
    .selfSet("home.base")
    .selfSet("")
    .deviceSet(32, "porch-cam", porch.publicKey)
    .deviceSet(0, "porch cam", porch.publicKey)
    .deviceSet(0, "abcdefghijklmnop", porch.publicKey)
    .deviceSet(31, "porch-cam", porch.publicKey)
    .deviceSetNextKey(0, porchNext.publicKey)
    .build();
}

export function buildScenarios(): Scenario[] {
  return [deviceFrames(), precheck(), keyRotation(), floors(), restart(), importNeverLowers(), commands(), noTarget(), nonces(), badState(), batches(), tableEdges()];
}
