import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import sodium from "libsodium-wrappers";
import nacl from "tweetnacl";
import { nowSec } from "../clock.ts";
import { deriveDeviceKey } from "../keys/derive.ts";
import { TEST_MASTER_SEED } from "../testing/app.ts";
import { ackFrame, startCommandMesh, type CommandMesh, type RegisteredDevice, type TestNetworkView } from "../testing/command-mesh.ts";
import { encodeFrame } from "../testing/frames.ts";
import { signTestRequest } from "../testing/requests.ts";

let mesh: CommandMesh;
let network: TestNetworkView;
let porch: RegisteredDevice;
let frameSeq = 0;
let batchSeq = 0;

test.before(async () => {
  mesh = await startCommandMesh();
  await sodium.ready;
});

test.before.each(async () => {
  network = await mesh.createNetwork(`life-${Math.random().toString(36).slice(2)}`);
  porch = await mesh.addDevice(network, "porch");
  await mesh.worker.tick();
});

test.after(async () => {
  await mesh.close();
});

/** Sends one log frame of `deviceId` signed with `seed` in an ingest batch; returns the rejection code or null. */
async function ingestLog(deviceId: string, seed: Uint8Array): Promise<string | null> {
  frameSeq += 1;
  batchSeq += 1;
  const frame = encodeFrame({ type: 0x03, deviceId, timestamp: nowSec(mesh.app.clock), seq: frameSeq, payload: { level: "info", category: "test", message: `line ${frameSeq}` }, signerSeed: seed, networkPublicKey: network.publicKey });
  const keyId = `${network.id}/homebase`;
  const body = JSON.stringify({ key_id: keyId, batch_seq: batchSeq, interval_sec: 60, sealed_at: nowSec(mesh.app.clock), entries: [{ kind: "log", device_id: deviceId, received_at: nowSec(mesh.app.clock), rssi: -40, frame: frame.toString("hex") }] });
  const headers = signTestRequest({ method: "POST", path: "/logs/ingest", keyId, seed: network.homeBase.seed, body: Buffer.from(body), timestampSec: nowSec(mesh.app.clock) });
  const response = await mesh.app.request("POST", "/logs/ingest", { rawBody: body, headers: { ...headers, "content-type": "application/json" } });
  assert.is(response.status, 200, JSON.stringify(response.body));
  return response.body.rejected[0]?.code ?? null;
}

/** Opens a rotate_key's sealed seed with the device's current key, as docs/protocol.md section 7 describes for the firmware. */
function openSealed(sealedBase64: string, current: RegisteredDevice): Buffer {
  const pair = sodium.crypto_sign_seed_keypair(current.seed);
  const publicKey = sodium.crypto_sign_ed25519_pk_to_curve25519(pair.publicKey);
  const secretKey = sodium.crypto_sign_ed25519_sk_to_curve25519(pair.privateKey);
  return Buffer.from(sodium.crypto_box_seal_open(Buffer.from(sealedBase64, "base64"), publicKey, secretKey));
}

function relayedPayload(index: number): Record<string, any> {
  const frame = network.server.relayed[index]!.frame;
  return JSON.parse(frame.subarray(27, 27 + frame[26]!).toString("utf8"));
}

async function device(deviceId: string) {
  return (await mesh.call("GET", `/networks/${network.id}/devices/${deviceId}`)).body;
}

test("key rotation runs end to end", async () => {
  const rotation = await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`);
  assert.is(rotation.status, 202, JSON.stringify(rotation.body));
  assert.is(rotation.body.device.rotation_pending, true);
  assert.equal(rotation.body.commands.map((command: { cmd: string; device_id: string }) => [command.cmd, command.device_id]), [["device_rotate_key", "homebase"], ["rotate_key", "porch"]]);

  await mesh.worker.tick();
  const registry = network.server.registry().get("porch")!;
  assert.is(registry.nextKey, true, "the home base accepts the next key");
  const rotate = network.server.relayed.at(-1)!;
  assert.is(rotate.cmd, "rotate_key");
  const payload = relayedPayload(network.server.relayed.length - 1);

  // The device opens the box with its current key and derives the new public key from the seed.
  const newSeed = openSealed(payload.sealed, porch);
  const newPublicKey = Buffer.from(nacl.sign.keyPair.fromSeed(newSeed).publicKey);
  const rotateKeyArgs = rotation.body.commands[0].args;
  assert.is(rotateKeyArgs.key, newPublicKey.toString("base64"));
  assert.equal(newSeed, deriveDeviceKey(TEST_MASTER_SEED, (await mesh.call("GET", `/networks/${network.id}`)).body.key_index, 3).privateKey);

  // While the rotation runs, ingest takes frames under either key.
  assert.is(await ingestLog("porch", porch.seed), null);
  assert.is(await ingestLog("porch", newSeed), null);

  const ack = ackFrame({ device: { deviceId: "porch", seed: newSeed }, network, seq: 900, timestamp: nowSec(mesh.app.clock), payload: { id: rotate.id, result: "ok" } });
  const results = await mesh.postResults(network, [{ device_id: "porch", id: rotate.id, result: "ok", ack }]);
  assert.equal(results.body, { accepted: 1, rejected: [] });

  const after = await device("porch");
  assert.is(after.public_key, newPublicKey.toString("hex"));
  assert.is(after.key_index, 3);
  assert.is(after.rotation_pending, false);
  assert.is((await mesh.call("GET", `/networks/${network.id}/commands/${rotation.body.commands[1].id}`)).body.state, "acknowledged");
  assert.is(await ingestLog("porch", porch.seed), "SIGNATURE_INVALID");
  assert.is(await ingestLog("porch", newSeed), null);
});

test("rotate_key ok signed by the old key is rejected", async () => {
  const rotation = await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`);
  await mesh.worker.tick();
  const seq = rotation.body.commands[1].seq;
  const ack = ackFrame({ device: porch, network, seq: 901, timestamp: nowSec(mesh.app.clock), payload: { id: seq, result: "ok" } });
  const results = await mesh.postResults(network, [{ device_id: "porch", id: seq, result: "ok", ack }]);
  assert.equal(results.body.rejected, [{ index: 0, code: "SIGNATURE_INVALID" }]);
  assert.is((await device("porch")).rotation_pending, true);
});

test("failed rotation keeps the old key", async () => {
  const before = await device("porch");
  const rotation = await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`);
  await mesh.worker.tick();
  const seq = rotation.body.commands[1].seq;
  const ack = ackFrame({ device: porch, network, seq: 902, timestamp: nowSec(mesh.app.clock), payload: { id: seq, result: "error", reason: "sealed_box_invalid" } });
  assert.equal((await mesh.postResults(network, [{ device_id: "porch", id: seq, result: "error", ack }])).body, { accepted: 1, rejected: [] });

  const after = await device("porch");
  assert.is(after.public_key, before.public_key);
  assert.is(after.rotation_pending, false);
  assert.is((await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`)).status, 202, "a new rotation may start");
});

test("rotate_key waits for the home base", async () => {
  network.server.failWith({ status: 503, body: { status: 503, code: "TIME_NOT_SET" } });
  const rotation = await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`);
  await mesh.worker.tick();
  assert.is(network.server.relayed.length, 0);
  const rotate = (await mesh.call("GET", `/networks/${network.id}/commands/${rotation.body.commands[1].id}`)).body;
  assert.is(rotate.state, "queued");
  assert.is(rotate.attempts, 0);
  network.server.failWith(null);

  mesh.app.clock.advanceSec(5);
  await mesh.worker.tick();
  assert.equal(network.server.relayed.map((entry) => entry.cmd), ["rotate_key"]);
});

test("rotation is refused while one runs and for the home base", async () => {
  assert.is((await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`)).status, 202);
  const again = await mesh.call("POST", `/networks/${network.id}/devices/porch/rotate-key`);
  assert.is(again.status, 409);
  assert.is(again.body.code, "ROTATION_IN_PROGRESS");
  const homeBase = await mesh.call("POST", `/networks/${network.id}/devices/homebase/rotate-key`);
  assert.is(homeBase.status, 409);
  assert.is(homeBase.body.code, "TARGET_IS_HOME_BASE");
  const missing = await mesh.call("POST", `/networks/${network.id}/devices/nobody/rotate-key`);
  assert.is(missing.status, 404);
  assert.is(missing.body.code, "DEVICE_NOT_FOUND");
});

test("revocation removes the device everywhere", async () => {
  const open = await mesh.call("POST", `/networks/${network.id}/command`, { device: "porch", command: "identify" });
  const revoked = await mesh.call("DELETE", `/networks/${network.id}/devices/porch`);
  assert.is(revoked.status, 200, JSON.stringify(revoked.body));
  assert.is(revoked.body.device.revoked_at, new Date(mesh.app.clock.nowMs()).toISOString());
  assert.equal(revoked.body.commands.map((command: { cmd: string; args: unknown }) => [command.cmd, command.args]), [["device_revoke", { device: "porch" }]]);

  const failed = (await mesh.call("GET", `/networks/${network.id}/commands/${open.body.id}`)).body;
  assert.is(failed.state, "failed");
  assert.is(failed.reason, "device_revoked");

  await mesh.worker.tick();
  assert.not.ok(network.server.registry().has("porch"));
  assert.is(await ingestLog("porch", porch.seed), "FRAME_UNKNOWN_DEVICE");

  const command = await mesh.call("POST", `/networks/${network.id}/command`, { device: "porch", command: "reboot" });
  assert.is(command.status, 409);
  assert.is(command.body.code, "DEVICE_REVOKED");
  const again = await mesh.call("DELETE", `/networks/${network.id}/devices/porch`);
  assert.is(again.status, 409);
  assert.is(again.body.code, "DEVICE_REVOKED");
  assert.is((await mesh.call("DELETE", `/networks/${network.id}/devices/homebase`)).body.code, "TARGET_IS_HOME_BASE");
  assert.is((await device("porch")).revoked_at, revoked.body.device.revoked_at);
});

test("dashboard token reaches the home base as its SHA-256", async () => {
  const answer = await mesh.call("POST", `/networks/${network.id}/dashboard-token`);
  assert.is(answer.status, 201, JSON.stringify(answer.body));
  assert.match(answer.body.token, /^[A-Za-z0-9_-]{43}$/);
  const digest = createHash("sha256").update(answer.body.token).digest();
  assert.equal(answer.body.command.args, { sha256: digest.toString("base64") });

  await mesh.worker.tick();
  assert.is(network.server.dashboardTokenSha256(), digest.toString("base64"));
  assert.is((await mesh.call("GET", `/networks/${network.id}/commands/${answer.body.command.id}`)).body.state, "acknowledged");
  const row = await mesh.app.deps.db("networks").where("id", network.id).first();
  assert.is(row.dashboard_token_sha256, digest.toString("hex"));
  assert.not.ok(JSON.stringify(await mesh.call("GET", `/networks/${network.id}`)).includes(answer.body.token));
});

test("PUT config stores it and sends set_config", async () => {
  const config = { sensitivity: 7, zones: ["porch", "drive"] };
  const answer = await mesh.call("PUT", `/networks/${network.id}/devices/porch/config`, config);
  assert.is(answer.status, 202, JSON.stringify(answer.body));
  assert.equal(answer.body.config, config);
  assert.equal(answer.body.command.args, { config });

  await mesh.worker.tick();
  assert.equal(relayedPayload(network.server.relayed.length - 1), { id: answer.body.command.seq, cmd: "set_config", config });
  const row = await mesh.app.deps.db("devices").where({ network_id: network.id, device_id: "porch" }).first();
  assert.equal(row.config, config);
});

test("config larger than one payload is 413", async () => {
  const fits = { note: "x".repeat(100) };
  assert.is((await mesh.call("PUT", `/networks/${network.id}/devices/porch/config`, fits)).status, 202);
  const tooLarge = { note: "x".repeat(120) };
  const answer = await mesh.call("PUT", `/networks/${network.id}/devices/porch/config`, tooLarge);
  assert.is(answer.status, 413);
  assert.is(answer.body.code, "CONFIG_TOO_LARGE");

  const row = await mesh.app.deps.db("devices").where({ network_id: network.id, device_id: "porch" }).first();
  assert.equal(row.config, fits);
  const seqs = (await mesh.app.deps.db("commands").where({ network_id: network.id, device_id: "porch" })).map((command) => command.seq);
  assert.equal(seqs, ["1"], "the refused config used no seq");
});

test("config is refused for the home base and bad bodies", async () => {
  assert.is((await mesh.call("PUT", `/networks/${network.id}/devices/homebase/config`, { a: 1 })).body.code, "TARGET_IS_HOME_BASE");
  const list = await mesh.app.request("PUT", `/networks/${network.id}/devices/porch/config`, { rawBody: "[1]", headers: { "content-type": "application/json" } });
  assert.is(list.status, 401);
  for (const body of ["[1]", "7", "{"]) {
    const response = await mesh.call("PUT", `/networks/${network.id}/devices/porch/config`, JSON.parse(body === "{" ? '"{"' : body));
    assert.is(response.status, 400, body);
  }
  for (const config of [{ note: "a\u0000b" }, { "k\u0000": 1 }, { deep: { list: ["\ud800"] } }]) {
    const response = await mesh.call("PUT", `/networks/${network.id}/devices/porch/config`, config);
    assert.is(response.status, 400, JSON.stringify(config));
    assert.is(response.body.code, "FRAME_BAD_JSON", JSON.stringify(config));
  }
  const nested = await mesh.call("PUT", `/networks/${network.id}/devices/porch/config`, { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } });
  assert.is(nested.status, 400);
  assert.is(nested.body.code, "FRAME_BAD_JSON", "the core takes JSON nested at most 8 deep");
});

test("PATCH /networks/{id} moves deliveries to the new address", async () => {
  const other = await mesh.createNetwork(`spare-${Math.random().toString(36).slice(2)}`);
  const patched = await mesh.call("PATCH", `/networks/${network.id}`, { home_base: { host: "127.0.0.1", port: other.server.port } });
  assert.is(patched.status, 200, JSON.stringify(patched.body));
  assert.equal(patched.body.home_base, { host: "127.0.0.1", port: other.server.port, device_id: "homebase" });

  const before = other.server.deliveries.length;
  await mesh.call("POST", `/networks/${network.id}/command`, { device: "porch", command: "identify" });
  await mesh.worker.tick();
  const delivery = other.server.deliveries.at(-1)!;
  assert.is(other.server.deliveries.length, before + 1);
  assert.is(delivery.headers["x-mesh-key-id"], network.id);
  assert.is(delivery.status, 401, "the other home base knows another network");
});

test("PATCH /networks/{id} validates host and port", async () => {
  const cases: [unknown, string][] = [
    [{}, "home_base"],
    [{ home_base: { host: "10.0.0.300", port: 80 } }, "home_base.host"],
    [{ home_base: { host: "bad host", port: 80 } }, "home_base.host"],
    [{ home_base: { host: "-lead.example", port: 80 } }, "home_base.host"],
    [{ home_base: { host: "a".repeat(64) + ".example", port: 80 } }, "home_base.host"],
    [{ home_base: { host: "h", port: 0 } }, "home_base.port"],
    [{ home_base: { host: "h", port: 65536 } }, "home_base.port"],
    [{ home_base: { host: "h", port: "80" } }, "home_base.port"],
    [{ home_base: { host: "h", port: 80 }, name: "x" }, "name"],
  ];
  for (const [body, field] of cases) {
    const response = await mesh.call("PATCH", `/networks/${network.id}`, body);
    assert.is(response.status, 400, JSON.stringify(body));
    assert.is(response.body.field, field, JSON.stringify(body));
  }
  for (const host of ["fe80::1", "homebase.lan", "192.168.1.20", "hb_1"]) {
    assert.is((await mesh.call("PATCH", `/networks/${network.id}`, { home_base: { host, port: 8081 } })).status, 200, host);
  }
  const missing = await mesh.call("PATCH", "/networks/00000000-0000-4000-8000-000000000000", { home_base: { host: "h", port: 1 } });
  assert.is(missing.status, 404);
  assert.is(missing.body.code, "NETWORK_NOT_FOUND");
});

test.run();
