import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSession } from "../auth/sessions.ts";
import { deriveDeviceKey } from "../keys/derive.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { TEST_MASTER_SEED } from "../testing/app.ts";
import { startCommandMesh, type CommandMesh, type TestNetworkView } from "../testing/command-mesh.ts";
import { createUser } from "../users/users.ts";

let mesh: CommandMesh;
let network: TestNetworkView;

test.before(async () => {
  mesh = await startCommandMesh();
  network = await mesh.createNetwork("routes");
  await mesh.addDevice(network, "porch");
  await mesh.worker.tick();
});

test.after(async () => {
  await mesh.close();
});

const post = (body: unknown) => mesh.call("POST", `/networks/${network.id}/command`, body);

test("POST /networks/{id}/command rejects bad input with 4xx", async () => {
  const cases: [unknown, number, string][] = [
    [{ command: "reboot" }, 400, "VALIDATION_FAILED"],
    [{ device: "porch" }, 400, "VALIDATION_FAILED"],
    [{ device: 7, command: "reboot" }, 400, "VALIDATION_FAILED"],
    [{ device: "bad id", command: "reboot" }, 400, "VALIDATION_FAILED"],
    [{ device: "porch", command: "reboot", args: [] }, 400, "VALIDATION_FAILED"],
    [{ device: "porch", command: "reboot", args: "delay" }, 400, "VALIDATION_FAILED"],
    [{ device: "porch", command: "reboot", extra: 1 }, 400, "VALIDATION_FAILED"],
    [{ device: "porch", command: "x".repeat(33) }, 400, "VALIDATION_FAILED"],
    [{ device: "porch", command: "self_destruct" }, 400, "COMMAND_UNKNOWN"],
    [{ device: "porch", command: "reboot", args: { delay_sec: 3601 } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "reboot", args: { delay_sec: -1 } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "reboot", args: { delay_sec: "5" } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "reboot", args: { id: 5 } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "reboot", args: { cmd: "identify" } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "identify", args: { volume: 3 } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "ota_offer", args: { version: "1.0", size: 10 } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "ota_offer", args: { version: "1.0", size: 10, sha256: "not base64" } }, 400, "COMMAND_BAD_SCHEMA"],
    [{ device: "porch", command: "reboot", args: { padding: "x".repeat(200) } }, 400, "FRAME_PAYLOAD_TOO_LONG"],
    [{ device: "porch", command: "reboot", args: { padding: "x".repeat(130) } }, 400, "FRAME_PAYLOAD_TOO_LONG"],
    [{ device: "porch", command: "device_add", args: { device: "x", key: "" } }, 400, "COMMAND_NOT_ALLOWED"],
    [{ device: "porch", command: "device_revoke", args: { device: "porch" } }, 400, "COMMAND_NOT_ALLOWED"],
    [{ device: "porch", command: "set_config", args: { config: {} } }, 400, "COMMAND_NOT_ALLOWED"],
    [{ device: "porch", command: "rotate_key", args: { sealed: "AA==" } }, 400, "COMMAND_NOT_ALLOWED"],
    [{ device: "homebase", command: "reboot" }, 400, "COMMAND_WRONG_TARGET"],
    [{ device: "ghost", command: "reboot" }, 404, "DEVICE_NOT_FOUND"],
    [{ device: "porch", command: "reboot", args: { note: "a\u0000" } }, 400, "FRAME_BAD_JSON"],
    [{ device: "porch", command: "reboot", args: { note: "\udc00" } }, 400, "FRAME_BAD_JSON"],
    [{ device: "porch", command: "ota_offer", args: { version: "1", size: 1, sha256: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=" } }, 400, "COMMAND_BAD_SCHEMA"],
  ];
  for (const [body, status, code] of cases) {
    const response = await post(body);
    assert.is(response.status, status, JSON.stringify(body));
    assert.is(response.body.code, code, JSON.stringify(body));
  }

  const good = await post({ device: "porch", command: "ota_offer", args: { version: "1.2.0", size: 48213, sha256: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" } });
  assert.is(good.status, 202, JSON.stringify(good.body));
  assert.is(good.body.seq, 1, "rejected commands used no seq");
});

test("malformed bodies and unknown networks are 4xx", async () => {
  const raw = (text: string, type = "application/json") => mesh.app.request("POST", `/networks/${network.id}/command`, { rawBody: text, headers: { "content-type": type, authorization: "" } });
  assert.is((await raw("{")).status, 401);
  const token = (await createSession(mesh.app.deps, (await mesh.app.deps.db("users").where({ username: "commander" }).first()).id, null)).token;
  const sendRaw = (text: string, type = "application/json") => mesh.app.request("POST", `/networks/${network.id}/command`, { rawBody: text, token, headers: { "content-type": type } });
  assert.is((await sendRaw("{")).body.code, "BAD_JSON");
  assert.is((await sendRaw("[]")).body.code, "VALIDATION_FAILED");
  assert.is((await sendRaw('{"device":"porch","command":"reboot"}', "text/plain")).status, 415);
  assert.is((await sendRaw(JSON.stringify({ device: "porch", command: "reboot", args: { big: "x".repeat(5000) } }))).status, 413);
  for (const id of ["00000000-0000-4000-8000-000000000000", "nope"]) {
    const response = await mesh.call("POST", `/networks/${id}/command`, { device: "porch", command: "reboot" });
    assert.is(response.status, 404, id);
    assert.is(response.body.code, "NETWORK_NOT_FOUND");
  }
});

test("concurrent commands never share a seq", async () => {
  const target = await mesh.addDevice(network, "busy");
  assert.ok(target.seed.length === 32);
  const answers = await Promise.all(Array.from({ length: 12 }, () => post({ device: "busy", command: "identify", args: { duration_sec: 3 } })));
  for (const answer of answers) assert.is(answer.status, 202, JSON.stringify(answer.body));
  const seqs = answers.map((answer) => answer.body.seq).sort((a: number, b: number) => a - b);
  assert.equal(seqs, Array.from({ length: 12 }, (_, index) => index + 1));
  const counter = await mesh.app.deps.db("command_counters").where({ network_id: network.id, device_id: "busy" }).first();
  assert.is(counter.last_seq, "12");
});

test("GET /networks/{id}/commands/{cid} answers 404 for unknown ids", async () => {
  for (const id of ["00000000-0000-4000-8000-000000000000", "nope", "1"]) {
    const response = await mesh.call("GET", `/networks/${network.id}/commands/${id}`);
    assert.is(response.status, 404, id);
    assert.is(response.body.code, "COMMAND_NOT_FOUND", id);
  }
  const other = await mesh.createNetwork("routes-other");
  const command = await post({ device: "porch", command: "identify" });
  const elsewhere = await mesh.call("GET", `/networks/${other.id}/commands/${command.body.id}`);
  assert.is(elsewhere.status, 404, "a command is found only in its own network");
});

test("command routes need a session, changes need an admin", async () => {
  const command = await post({ device: "porch", command: "identify" });
  const paths: [string, string][] = [
    ["POST", `/networks/${network.id}/command`],
    ["GET", `/networks/${network.id}/commands/${command.body.id}`],
    ["POST", `/networks/${network.id}/devices/porch/rotate-key`],
    ["DELETE", `/networks/${network.id}/devices/porch`],
    ["PUT", `/networks/${network.id}/devices/porch/config`],
    ["POST", `/networks/${network.id}/dashboard-token`],
    ["PATCH", `/networks/${network.id}`],
  ];
  for (const [method, path] of paths) {
    const response = await mesh.app.request(method, path, method === "GET" ? {} : { body: {} });
    assert.is(response.status, 401, `${method} ${path}`);
  }

  const viewer = await createUser(mesh.app.deps.db, mesh.app.clock, createSecretBox(mesh.app.deps.masterSeed), { username: "viewer", password: "pw-viewer-correct horse", role: "user" });
  const token = (await createSession(mesh.app.deps, viewer.id, null)).token;
  for (const [method, path] of paths) {
    const response = await mesh.app.request(method, path, method === "GET" ? { token } : { token, body: { device: "porch", command: "identify" } });
    if (method === "GET") assert.is(response.status, 200, path);
    else assert.is(response.status, 403, `${method} ${path}`);
  }
});

test("no answer but the device's 201 contains a private key", async () => {
  // Drive every route that touches keys, collecting each answer's text.
  const answers: string[] = [];
  const record = async (method: string, path: string, body?: unknown) => {
    const response = await mesh.call(method, path, body);
    answers.push(JSON.stringify(response.body));
    return response;
  };
  const created = await mesh.call("POST", `/networks/${network.id}/devices`, { device_id: "walker", type: "camera" });
  assert.is(created.status, 201);
  await mesh.worker.tick();
  const rotation = await record("POST", `/networks/${network.id}/devices/walker/rotate-key`);
  await mesh.worker.tick();
  await record("GET", `/networks/${network.id}/commands/${rotation.body.commands[1].id}`);
  await record("PUT", `/networks/${network.id}/devices/walker/config`, { mode: "night" });
  await record("POST", `/networks/${network.id}/dashboard-token`);
  await record("POST", `/networks/${network.id}/command`, { device: "walker", command: "reboot" });
  await record("GET", `/networks/${network.id}`);
  await record("GET", `/networks/${network.id}/devices?limit=200`);
  await record("GET", `/networks/${network.id}/devices/walker`);
  await record("PATCH", `/networks/${network.id}`, { home_base: { host: "127.0.0.1", port: network.server.port } });
  await record("DELETE", `/networks/${network.id}/devices/walker`);
  const commands = await mesh.app.deps.db("commands").where({ network_id: network.id });
  for (const row of commands) await record("GET", `/networks/${network.id}/commands/${row.id}`);
  const events = await mesh.app.deps.db("events").where({ network_id: network.id });
  const deliveries = network.server.deliveries.map((delivery) => delivery.body);
  const text = [...answers, JSON.stringify(events), ...deliveries].join("\n");

  const row = await mesh.app.deps.db("networks").where("id", network.id).first();
  let checked = 0;
  for (let index = 1; index < row.next_device_key_index; index += 1) {
    const seed = deriveDeviceKey(TEST_MASTER_SEED, row.key_index, index).privateKey;
    for (const form of [seed.toString("hex"), seed.toString("base64"), seed.toString("base64url")]) {
      assert.not.ok(text.includes(form), `device key ${index} appears in an answer`);
      checked += 1;
    }
  }
  assert.ok(checked >= 12, `checked ${checked} key forms`);
  assert.not.ok(text.includes("private_key"));
  assert.ok(JSON.stringify(created.body).includes(deriveDeviceKey(TEST_MASTER_SEED, row.key_index, created.body.device.key_index).privateKey.toString("hex")));
});

test.run();
