import { test } from "uvu";
import * as assert from "uvu/assert";
import nacl from "tweetnacl";
import { nowSec } from "../clock.ts";
import { signTestRequest } from "../testing/requests.ts";
import { ackFrame, startCommandMesh, type CommandMesh, type RegisteredDevice, type TestNetworkView } from "../testing/command-mesh.ts";
import { encodeFrame } from "../testing/frames.ts";

let mesh: CommandMesh;
let network: TestNetworkView;
let porch: RegisteredDevice;
let ackSeq = 0;

test.before(async () => {
  mesh = await startCommandMesh();
});

// Each test works in a network of its own, with a device `porch` already in the home base's registry.
test.before.each(async () => {
  network = await mesh.createNetwork(`results-${Math.random().toString(36).slice(2)}`);
  porch = await mesh.addDevice(network, "porch");
  await mesh.worker.tick();
});

test.after(async () => {
  await mesh.close();
});

async function sendIdentify() {
  const response = await mesh.call("POST", `/networks/${network.id}/command`, { device: "porch", command: "identify" });
  assert.is(response.status, 202, JSON.stringify(response.body));
  await mesh.worker.tick();
  return response.body as { id: string; seq: number };
}

function ack(payload: Record<string, unknown> | string, device: Pick<RegisteredDevice, "deviceId" | "seed"> = porch): string {
  ackSeq += 1;
  return ackFrame({ device, network, seq: ackSeq, timestamp: nowSec(mesh.app.clock), payload });
}

async function state(commandId: string) {
  return (await mesh.call("GET", `/networks/${network.id}/commands/${commandId}`)).body;
}

test("verified ok acknowledges the command", async () => {
  const command = await sendIdentify();
  const response = await mesh.postResults(network, [{ device_id: "porch", id: command.seq, result: "ok", ack: ack({ id: command.seq, result: "ok" }) }]);
  assert.is(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body, { accepted: 1, rejected: [] });

  const after = await state(command.id);
  assert.is(after.state, "acknowledged");
  assert.is(after.result, "ok");
});

test("id, result and reason come from the ack frame", async () => {
  const command = await sendIdentify();
  const frame = ack({ id: command.seq, result: "error", reason: "sensor busy" });
  const response = await mesh.postResults(network, [{ device_id: "porch", id: 999, result: "ok", reason: "all good", ack: frame }]);
  assert.equal(response.body, { accepted: 1, rejected: [] });

  const after = await state(command.id);
  assert.is(after.state, "failed");
  assert.is(after.result, "error");
  assert.is(after.reason, "sensor busy");
});

test("unsupported fails and in_progress keeps it delivered", async () => {
  const first = await sendIdentify();
  const second = await sendIdentify();
  await mesh.postResults(network, [
    { device_id: "porch", id: first.seq, result: "unsupported", ack: ack({ id: first.seq, result: "unsupported" }) },
    { device_id: "porch", id: second.seq, result: "in_progress", ack: ack({ id: second.seq, result: "in_progress" }) },
  ]);
  assert.is((await state(first.id)).state, "failed");
  const running = await state(second.id);
  assert.is(running.state, "delivered");
  assert.is(running.result, "in_progress");
});

test("results are rejected one by one with a code", async () => {
  const command = await sendIdentify();
  const stranger = { deviceId: "porch", seed: Buffer.from(nacl.randomBytes(32)) };
  const logFrame = encodeFrame({ type: 0x03, deviceId: "porch", timestamp: nowSec(mesh.app.clock), seq: 77, payload: { level: "info", category: "x", message: "m" }, signerSeed: porch.seed, networkPublicKey: network.publicKey }).toString("hex");
  const cases: [Record<string, unknown>, string][] = [
    [{ device_id: "porch", id: command.seq, result: "ok", ack: ack({ id: command.seq, result: "ok" }, stranger) }, "SIGNATURE_INVALID"],
    [{ device_id: "porch", id: command.seq, result: "ok" }, "ACK_REQUIRED"],
    [{ device_id: "porch", id: command.seq, result: "ok", ack: logFrame }, "FRAME_WRONG_DIRECTION"],
    [{ device_id: "porch", id: command.seq, result: "ok", ack: "0105" }, "FRAME_TOO_SHORT"],
    [{ device_id: "porch", id: command.seq, result: "ok", ack: ack({ result: "ok" }) }, "ACK_BAD_PAYLOAD"],
    [{ device_id: "porch", id: 4000, result: "ok", ack: ack({ id: 4000, result: "ok" }) }, "COMMAND_NOT_FOUND"],
    [{ device_id: "ghost", id: command.seq, result: "ok", ack: ack({ id: command.seq, result: "ok" }) }, "FRAME_UNKNOWN_DEVICE"],
    [{ device_id: "homebase", id: 4000, result: "ok" }, "COMMAND_NOT_FOUND"],
  ];
  const other = await mesh.addDevice(network, "other");
  cases.push([{ device_id: "other", id: command.seq, result: "ok", ack: ack({ id: command.seq, result: "ok" }) }, "DEVICE_ID_MISMATCH"]);
  cases.push([{ device_id: "porch", id: command.seq, result: "ok", ack: ackFrame({ device: porch, network, seq: 5000, timestamp: nowSec(mesh.app.clock) + 601, payload: { id: command.seq, result: "ok" } }) }, "FRAME_TIMESTAMP_SKEW"]);
  assert.ok(other.seed.length === 32);

  const response = await mesh.postResults(network, cases.map(([entry]) => entry));
  assert.is(response.status, 200, JSON.stringify(response.body));
  assert.is(response.body.accepted, 0);
  assert.equal(response.body.rejected, cases.map(([, code], index) => ({ index, code })));
  assert.is((await state(command.id)).state, "delivered");
});

test("config result counts without an ack", async () => {
  network.server.failWith({ status: 503, body: { status: 503, code: "TIME_NOT_SET" } });
  const token = await mesh.call("POST", `/networks/${network.id}/dashboard-token`);
  await mesh.worker.tick();
  network.server.failWith(null);
  const queued = await state(token.body.command.id);
  assert.is(queued.state, "queued");

  const response = await mesh.postResults(network, [{ device_id: "homebase", id: queued.seq, result: "error", reason: "flash full" }]);
  assert.equal(response.body, { accepted: 1, rejected: [] });
  const after = await state(queued.id);
  assert.is(after.state, "failed");
  assert.is(after.reason, "flash full");
});

test("a repeated result changes nothing", async () => {
  const command = await sendIdentify();
  const entry = { device_id: "porch", id: command.seq, result: "ok", ack: ack({ id: command.seq, result: "ok" }) };
  assert.equal((await mesh.postResults(network, [entry])).body, { accepted: 1, rejected: [] });
  const first = await state(command.id);
  const events = await mesh.app.deps.db("events").where({ type: "command_status" }).count({ total: "*" }).first();

  const later = { ...entry, ack: ack({ id: command.seq, result: "error", reason: "late" }) };
  assert.equal((await mesh.postResults(network, [entry, later])).body, { accepted: 2, rejected: [] });
  assert.equal(await state(command.id), first);
  const eventsAfter = await mesh.app.deps.db("events").where({ type: "command_status" }).count({ total: "*" }).first();
  assert.is(eventsAfter?.total, events?.total);
});

test("POST /commands/results checks the signed request", async () => {
  const body = JSON.stringify({ key_id: `${network.id}/homebase`, results: [] });
  const path = "/commands/results";
  const send = (headers: Record<string, string>, sent = body) => mesh.app.request("POST", path, { rawBody: sent, headers: { ...headers, "content-type": "application/json" } });
  const sign = (overrides: Partial<Parameters<typeof signTestRequest>[0]> = {}) =>
    signTestRequest({ method: "POST", path, keyId: `${network.id}/homebase`, seed: network.homeBase.seed, body: Buffer.from(body), timestampSec: nowSec(mesh.app.clock), ...overrides });

  assert.equal((await send(sign())).body, { accepted: 0, rejected: [] });
  assert.is((await send({})).body.code, "SIGNATURE_REQUIRED");
  assert.is((await send(sign({ seed: porch.seed }))).body.code, "SIGNATURE_INVALID");
  assert.is((await send(sign({ keyId: `${network.id}/porch`, seed: porch.seed }))).body.code, "UNKNOWN_KEY");
  assert.is((await send(sign({ timestampSec: nowSec(mesh.app.clock) - 301 }))).body.code, "REQUEST_TIMESTAMP_SKEW");
  const replayed = sign({ nonce: "ab".repeat(16) });
  assert.is((await send(replayed)).status, 200);
  assert.is((await send(replayed)).body.code, "NONCE_REUSED");
  assert.is((await send(sign(), body.replace("[]", "[ ]"))).body.code, "SIGNATURE_INVALID");
});

test("POST /commands/results validates the body", async () => {
  const entry = { device_id: "porch", id: 1, result: "ok" };
  const cases: [unknown, number, string][] = [
    [{ key_id: `${network.id}/other`, results: [] }, 400, "KEY_ID_MISMATCH"],
    [{ key_id: `${network.id}/homebase` }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: {} }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: Array(65).fill(entry) }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [{ ...entry, id: 0 }] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [{ ...entry, id: 4294967296 }] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [{ ...entry, result: "done" }] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [{ ...entry, ack: "XYZ" }] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [{ ...entry, ack: "abc" }] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [{ ...entry, extra: 1 }] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [null] }, 400, "VALIDATION_FAILED"],
    [{ key_id: `${network.id}/homebase`, results: [], padding: "x".repeat(70_000) }, 413, "BODY_TOO_LARGE"],
  ];
  for (const [body, status, code] of cases) {
    const text = JSON.stringify(body);
    const path = "/commands/results";
    const headers = signTestRequest({ method: "POST", path, keyId: `${network.id}/homebase`, seed: network.homeBase.seed, body: Buffer.from(text), timestampSec: nowSec(mesh.app.clock) });
    const response = await mesh.app.request("POST", path, { rawBody: text, headers: { ...headers, "content-type": "application/json" } });
    assert.is(response.status, status, text.slice(0, 120));
    assert.is(response.body.code, code, text.slice(0, 120));
  }
});

test.run();
