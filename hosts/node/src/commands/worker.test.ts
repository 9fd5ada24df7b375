import { test } from "uvu";
import * as assert from "uvu/assert";
import nacl from "tweetnacl";
import { nowSec } from "../clock.ts";
import type { MeshEvent } from "../deps.ts";
import { startCommandMesh, type CommandMesh, type TestNetworkView } from "../testing/command-mesh.ts";

let mesh: CommandMesh;

test.before(async () => {
  mesh = await startCommandMesh();
});

test.after(async () => {
  await mesh.close();
});

const FRAME_CONTEXT = Buffer.concat([Buffer.from("homemesh/frame/v1", "ascii"), Buffer.from([0])]);

/** Reads a command frame by hand (docs/protocol.md section 1), without the core. */
function readFrame(frame: Buffer) {
  const payloadLen = frame[26]!;
  return {
    type: frame[1],
    deviceId: frame.subarray(2, 18).toString("ascii").replace(/\0+$/, ""),
    timestamp: frame.readUInt32LE(18),
    seq: frame.readUInt32LE(22),
    payload: frame.subarray(27, 27 + payloadLen).toString("utf8"),
    signed: frame.subarray(0, 27 + payloadLen),
    signature: frame.subarray(27 + payloadLen),
  };
}

async function sendReboot(network: TestNetworkView, deviceId = "porch") {
  const response = await mesh.call("POST", `/networks/${network.id}/command`, { device: deviceId, command: "reboot", args: { delay_sec: 5 } });
  assert.is(response.status, 202, JSON.stringify(response.body));
  return response.body;
}

async function commandState(network: TestNetworkView, commandId: string) {
  const response = await mesh.call("GET", `/networks/${network.id}/commands/${commandId}`);
  assert.is(response.status, 200, JSON.stringify(response.body));
  return response.body;
}

async function networkWithDevice(name: string): Promise<TestNetworkView> {
  const network = await mesh.createNetwork(name);
  await mesh.addDevice(network, "porch");
  await mesh.worker.tick();
  return network;
}

test("device_add reaches the home base's registry", async () => {
  const network = await mesh.createNetwork("registry");
  const porch = await mesh.addDevice(network, "porch");
  assert.is(network.server.registry().size, 0);

  const summary = await mesh.worker.tick();
  assert.is(summary.attempts, 1);
  assert.equal(network.server.registry().get("porch"), { publicKey: porch.publicKey.toString("hex"), nextKey: false });
  assert.is(network.server.deliveries[0]!.status, 200);
});

test("command delivery is signed by the network key", async () => {
  const network = await networkWithDevice("signed-delivery");
  const command = await sendReboot(network);
  assert.is(command.state, "queued");
  assert.is(command.seq, 1);

  await mesh.worker.tick();
  const delivery = network.server.deliveries.at(-1)!;
  assert.is(delivery.status, 202, JSON.stringify(delivery.answer));
  assert.equal(delivery.answer, { id: 1, state: "relayed" });
  assert.is(delivery.headers["x-mesh-key-id"], network.id);
  assert.is(delivery.headers["x-mesh-timestamp"], String(nowSec(mesh.app.clock)));

  const frame = readFrame(delivery.frame);
  assert.is(frame.type, 0x04);
  assert.is(frame.deviceId, "porch");
  assert.is(frame.seq, 1);
  assert.is(frame.payload, '{"id":1,"cmd":"reboot","delay_sec":5}');
  const message = Buffer.concat([FRAME_CONTEXT, network.publicKey, frame.signed]);
  assert.ok(nacl.sign.detached.verify(message, frame.signature, network.publicKey), "frame signature verifies under the network key");
  assert.is(delivery.frame.toString("hex"), command.frame);

  const state = await commandState(network, command.id);
  assert.is(state.state, "delivered");
  assert.is(state.attempts, 1);
});

test("retries back off while the home base is down", async () => {
  const network = await networkWithDevice("down");
  await network.server.stop();
  const command = await sendReboot(network);

  const delays: number[] = [];
  let last = nowSec(mesh.app.clock);
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    // Move one second at a time until the worker tries again, to measure the delay it chose.
    for (;;) {
      const summary = await mesh.worker.tick();
      if (summary.attempts > 0) break;
      mesh.app.clock.advanceSec(1);
    }
    delays.push(nowSec(mesh.app.clock) - last);
    last = nowSec(mesh.app.clock);
  }
  assert.equal(delays, [0, 5, 10, 20]);

  const state = await commandState(network, command.id);
  assert.is(state.state, "queued");
  assert.is(state.attempts, 4);
  assert.match(state.last_error, /home base unreachable/);

  await network.server.start();
  mesh.app.clock.advanceSec(40);
  await mesh.worker.tick();
  assert.is((await commandState(network, command.id)).state, "delivered");
});

test("every retry sends identical frame bytes with a fresh nonce", async () => {
  const network = await networkWithDevice("identical");
  network.server.failWith({ status: 503, body: { status: 503, code: "NONCE_CACHE_FULL" } });
  const command = await sendReboot(network);
  const before = network.server.deliveries.length;

  for (let attempt = 0; attempt < 3; attempt += 1) {
    await mesh.worker.tick();
    mesh.app.clock.advanceSec(30);
  }
  network.server.failWith(null);
  await mesh.worker.tick();

  const attempts = network.server.deliveries.slice(before);
  assert.is(attempts.length, 4);
  for (const attempt of attempts) assert.is(attempt.frame.toString("hex"), command.frame);
  assert.is(new Set(attempts.map((attempt) => attempt.body)).size, 1, "the request body is the same on every attempt");
  assert.is(new Set(attempts.map((attempt) => attempt.headers["x-mesh-nonce"])).size, 4);
  assert.is(new Set(attempts.map((attempt) => attempt.headers["x-mesh-timestamp"])).size, 4);
  assert.is(attempts.at(-1)!.status, 202);
  assert.is((await commandState(network, command.id)).state, "delivered");
});

test("a relayed command is sent again until a result arrives", async () => {
  const network = await networkWithDevice("relayed-again");
  const command = await sendReboot(network);
  await mesh.worker.tick();
  mesh.app.clock.advanceSec(5);
  await mesh.worker.tick();

  const last = network.server.deliveries.at(-1)!;
  assert.is(last.status, 202);
  assert.equal(last.answer, { id: command.seq, state: "in_progress" });
  const state = await commandState(network, command.id);
  assert.is(state.state, "delivered");
  assert.is(state.attempts, 2);
});

test("command expires 86400 s after its frame timestamp", async () => {
  const network = await networkWithDevice("expiry");
  await network.server.stop();
  const command = await sendReboot(network);

  mesh.app.clock.advanceSec(86_399);
  await mesh.worker.tick();
  assert.is((await commandState(network, command.id)).state, "queued");

  mesh.app.clock.advanceSec(1);
  const late = await mesh.worker.tick();
  assert.ok(late.expired >= 1);
  const state = await commandState(network, command.id);
  assert.is(state.state, "expired");
  assert.is(state.expires_at, new Date(mesh.app.clock.nowMs()).toISOString());
  await network.server.start();
});

test("home base answers map to command states", async () => {
  const cases: [number, Record<string, unknown>, string, string | null][] = [
    [409, { status: 409, code: "COMMAND_EXPIRED" }, "failed", "COMMAND_EXPIRED"],
    [409, { status: 409, code: "COMMAND_WRONG_TARGET" }, "failed", "COMMAND_WRONG_TARGET"],
    [409, { status: 409, code: "FRAME_TIMESTAMP_SKEW" }, "queued", null],
    [400, { status: 400, code: "SIGNATURE_INVALID" }, "failed", "SIGNATURE_INVALID"],
    [400, { status: 400, code: "COMMAND_BAD_SCHEMA" }, "failed", "COMMAND_BAD_SCHEMA"],
    [401, { status: 401, code: "NONCE_REUSED" }, "queued", null],
    [404, { status: 404, code: "FRAME_UNKNOWN_DEVICE" }, "queued", null],
    [500, { status: 500, code: "INTERNAL" }, "queued", null],
    [503, { status: 503, code: "TIME_NOT_SET" }, "queued", null],
    [200, { id: 1, state: "done", result: "ok" }, "delivered", null],
    [202, { id: 1, state: "relayed" }, "delivered", null],
  ];
  const network = await networkWithDevice("answer-map");
  for (const [status, body, expected, reason] of cases) {
    network.server.failWith({ status, body });
    const command = await sendReboot(network);
    mesh.app.clock.advanceSec(1000);
    await mesh.worker.tick();
    const state = await commandState(network, command.id);
    assert.is(state.state, expected, `${status} ${JSON.stringify(body)}`);
    assert.is(state.reason, reason, `${status} ${JSON.stringify(body)}`);
  }
  network.server.failWith(null);
});

test("config command is final on 200 done", async () => {
  const network = await mesh.createNetwork("config-done");
  network.server.failWith({ status: 200, body: { id: 1, state: "done", result: "error", reason: "registry full" } });
  const answer = await mesh.call("POST", `/networks/${network.id}/devices`, { device_id: "cam", type: "camera" });
  await mesh.worker.tick();
  network.server.failWith(null);

  const state = await commandState(network, answer.body.command_id);
  assert.is(state.cmd, "device_add");
  assert.is(state.state, "failed");
  assert.is(state.result, "error");
  assert.is(state.reason, "registry full");
});

test("config command below the home base's floor is sent again", async () => {
  const network = await mesh.createNetwork("reissue");
  network.server.failWith({ status: 409, body: { status: 409, code: "REPLAY_BELOW_FLOOR" } });
  const answer = await mesh.call("POST", `/networks/${network.id}/devices`, { device_id: "cam", type: "camera" });
  await mesh.worker.tick();
  network.server.failWith(null);
  assert.is((await commandState(network, answer.body.command_id)).state, "failed");

  mesh.app.clock.advanceSec(5);
  await mesh.worker.tick();
  const copies = await mesh.app.deps.db("commands").where({ network_id: network.id, cmd: "device_add" }).orderBy("seq");
  assert.is(copies.length, 2);
  assert.equal(copies[1].args, copies[0].args);
  assert.is(copies[1].seq, "66", "the new seq is above any floor the first one could have raised");
  assert.is(copies[1].state, "acknowledged");
  assert.ok(network.server.registry().has("cam"));
});

test("config commands reach the home base in seq order", async () => {
  const network = await mesh.createNetwork("ordered");
  await network.server.stop();
  await mesh.addDevice(network, "first");
  await mesh.addDevice(network, "second");
  const revoked = await mesh.call("DELETE", `/networks/${network.id}/devices/first`);
  assert.is(revoked.status, 200, JSON.stringify(revoked.body));
  await mesh.worker.tick();

  await network.server.start();
  mesh.app.clock.advanceSec(60);
  await mesh.worker.tick();
  const order = network.server.deliveries.map((delivery) => readFrame(delivery.frame));
  assert.equal(order.map((frame) => frame.seq), [1, 2, 3]);
  assert.equal(order.map((frame) => JSON.parse(frame.payload).cmd), ["device_add", "device_add", "device_revoke"]);
  assert.equal([...network.server.registry().keys()], ["second"]);
});

test("each state change is published as command_status", async () => {
  const network = await networkWithDevice("events");
  network.server.failWith({ status: 409, body: { status: 409, code: "REPLAY_TOO_OLD" } });
  const command = await sendReboot(network);
  await mesh.worker.tick();
  network.server.failWith(null);

  const rows = await mesh.app.deps.db("events").where({ network_id: network.id, type: "command_status" }).orderBy("id");
  const mine = rows.filter((row) => row.data.command_id === command.id);
  assert.equal(mine.map((row) => row.data.state), ["queued", "failed"]);
  assert.equal(Object.keys(mine[1].data).sort(), ["attempts", "cmd", "command_id", "device_id", "reason", "result", "seq", "state"]);
  assert.is(mine[1].data.reason, "REPLAY_TOO_OLD");
});

test("command_status reaches bus subscribers", async () => {
  const network = await networkWithDevice("bus");
  const received: MeshEvent[] = [];
  const unsubscribe = mesh.app.deps.events.subscribe((event) => received.push(event));
  try {
    const command = await sendReboot(network);
    await mesh.worker.tick();

    // The bus delivers after PostgreSQL's notification, so wait for it a little.
    const deadline = Date.now() + 3000;
    while (received.filter((event) => event.data.command_id === command.id).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const mine = received.filter((event) => event.data.command_id === command.id);
    assert.equal(mine.map((event) => event.data.state), ["queued", "delivered"]);
    assert.equal(Object.keys(mine[0]!).sort(), ["data", "id", "network_id", "time", "type"]);
    assert.is(mine[0]!.type, "command_status");
    assert.is(mine[0]!.network_id, network.id);
  } finally {
    unsubscribe();
  }
});

test("tick with nothing due does nothing", async () => {
  mesh.app.clock.advanceSec(1);
  await mesh.worker.tick();
  assert.equal(await mesh.worker.tick(), { attempts: 0, expired: 0, failed: 0 });
});

test.run();
