import { test } from "uvu";
import * as assert from "uvu/assert";
import nacl from "tweetnacl";
import { deriveDeviceKey, deriveNetworkKey } from "../keys/derive.ts";
import { bodyOf } from "../testing/api-types.ts";
import { createTestUser, loginAs, startTestApp, TEST_MASTER_SEED, type TestApp } from "../testing/app.ts";

let app: TestApp;
let token: string;
const privateKeys: string[] = [];

test.before(async () => {
  app = await startTestApp();
  token = await loginAs(app, await createTestUser(app, "operator"));
});

test.after(async () => {
  await app.close();
});

/** Sends an authenticated request and collects every private key it receives, to check later responses. */
async function call(method: string, path: string, body?: unknown) {
  const response = await app.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
  if (response.body?.private_key) privateKeys.push(response.body.private_key);
  return response;
}

async function newNetwork(name: string) {
  const response = await call("POST", "/networks", { name, home_base: { host: "192.168.1.20", port: 8081 } });
  return bodyOf(response, "createNetwork", 201);
}

test("POST /networks creates a network with a derived key", async () => {
  const network = await newNetwork("home");
  assert.match(network.id, /^[0-9a-f-]{36}$/);
  assert.is(network.name, "home");
  assert.ok(Number.isInteger(network.key_index), "key_index is an integer");
  assert.ok(network.key_index >= 1, "key_index starts at 1");
  assert.is(network.public_key, deriveNetworkKey(TEST_MASTER_SEED, network.key_index).publicKey.toString("hex"));
  assert.equal(network.home_base, { host: "192.168.1.20", port: 8081, device_id: null });
  assert.is(network.created_at, new Date(app.clock.nowMs()).toISOString());
  assert.not.ok("private_key" in network);
});

test("POST /networks gives each network the next key index", async () => {
  const first = await newNetwork("index-a");
  const second = await newNetwork("index-b");
  assert.is(second.key_index, first.key_index + 1);
});

test("POST /networks rejects a taken name", async () => {
  await newNetwork("taken");
  const response = await call("POST", "/networks", { name: "taken", home_base: { host: "h", port: 1 } });
  assert.is(response.status, 409);
  assert.is(response.body.code, "NETWORK_EXISTS");
});

test("POST /networks validates the body", async () => {
  const good = { host: "10.0.0.2", port: 80 };
  const cases: [unknown, string][] = [
    [{ home_base: good }, "name"],
    [{ name: "", home_base: good }, "name"],
    [{ name: "x".repeat(65), home_base: good }, "name"],
    [{ name: "tab\tname", home_base: good }, "name"],
    [{ name: 5, home_base: good }, "name"],
    [{ name: "n" }, "home_base"],
    [{ name: "n", home_base: "10.0.0.2:80" }, "home_base"],
    [{ name: "n", home_base: { port: 80 } }, "home_base.host"],
    [{ name: "n", home_base: { host: "bad host", port: 80 } }, "home_base.host"],
    [{ name: "n", home_base: { host: "h" } }, "home_base.port"],
    [{ name: "n", home_base: { host: "h", port: 0 } }, "home_base.port"],
    [{ name: "n", home_base: { host: "h", port: 65536 } }, "home_base.port"],
    [{ name: "n", home_base: { host: "h", port: 80.5 } }, "home_base.port"],
    [{ name: "n", home_base: { host: "h", port: "80" } }, "home_base.port"],
    [{ name: "n", home_base: { host: "h", port: 80, tls: true } }, "home_base.tls"],
    [{ name: "n", home_base: good, owner: "me" }, "owner"],
  ];
  for (const [body, field] of cases) {
    const response = await call("POST", "/networks", body);
    assert.is(response.status, 400, JSON.stringify(body));
    const problem = bodyOf(response, "createNetwork", 400);
    assert.is(problem.code, "VALIDATION_FAILED", JSON.stringify(body));
    assert.is(problem.field, field, JSON.stringify(body));
  }
});

test("name of 64 characters is accepted", async () => {
  const network = await newNetwork("n".repeat(64));
  assert.is(network.name.length, 64);
});

test("GET /networks/{id} returns the network", async () => {
  const network = await newNetwork("lookup");
  const response = await call("GET", `/networks/${network.id}`);
  assert.is(response.status, 200);
  assert.equal(response.body, network);
});

test("GET /networks/{id} answers 404 for unknown and malformed ids", async () => {
  for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "1", "00000000-0000-4000-8000-00000000000g"]) {
    const response = await call("GET", `/networks/${id}`);
    assert.is(response.status, 404, id);
    assert.is(response.body.code, "NETWORK_NOT_FOUND", id);
  }
});

test("POST /networks/{id}/devices returns the private key once", async () => {
  const network = await newNetwork("devices");
  const response = await call("POST", `/networks/${network.id}/devices`, { device_id: "porch-cam", type: "camera" });
  const created = bodyOf(response, "createDevice", 201);

  const expected = deriveDeviceKey(TEST_MASTER_SEED, network.key_index, 1);
  assert.equal(created.device, {
    network_id: network.id,
    device_id: "porch-cam",
    type: "camera",
    public_key: expected.publicKey.toString("hex"),
    key_index: 1,
    online: false,
    last_seen: null,
    created_at: new Date(app.clock.nowMs()).toISOString(),
  });
  assert.is(created.private_key, expected.privateKey.toString("hex"));
  assert.is(created.network_public_key, network.public_key);
  assert.is(created.home_base_id, null);
});

test("device private key matches its public key", async () => {
  const network = await newNetwork("keypair");
  const { body } = await call("POST", `/networks/${network.id}/devices`, { device_id: "hall", type: "motion" });
  const pair = nacl.sign.keyPair.fromSeed(Buffer.from(body.private_key, "hex"));
  assert.is(Buffer.from(pair.publicKey).toString("hex"), body.device.public_key);
});

test("device key indexes advance per network", async () => {
  const network = await newNetwork("indexes");
  const indexes: number[] = [];
  for (const deviceId of ["a", "b", "c"]) indexes.push((await call("POST", `/networks/${network.id}/devices`, { device_id: deviceId, type: "switch" })).body.device.key_index);
  assert.equal(indexes, [1, 2, 3]);

  const row = await app.deps.db("networks").where("id", network.id).first();
  assert.is(row.next_device_key_index, 4);
});

test("concurrent registrations get distinct key indexes", async () => {
  const network = await newNetwork("concurrent");
  const responses = await Promise.all(["c1", "c2", "c3", "c4", "c5"].map((deviceId) => call("POST", `/networks/${network.id}/devices`, { device_id: deviceId, type: "motion" })));
  assert.ok(responses.every((response) => response.status === 201));
  const indexes = responses.map((response) => response.body.device.key_index).sort();
  assert.equal(indexes, [1, 2, 3, 4, 5]);
});

test("home base is reported on the network and later devices", async () => {
  const network = await newNetwork("with-home-base");
  const homeBase = await call("POST", `/networks/${network.id}/devices`, { device_id: "homebase", type: "home_base" });
  assert.is(homeBase.body.home_base_id, "homebase");

  const sensor = await call("POST", `/networks/${network.id}/devices`, { device_id: "door", type: "motion" });
  assert.is(sensor.body.home_base_id, "homebase");

  const fetched = await call("GET", `/networks/${network.id}`);
  assert.is(fetched.body.home_base.device_id, "homebase");
});

test("second home base is rejected", async () => {
  const network = await newNetwork("two-home-bases");
  await call("POST", `/networks/${network.id}/devices`, { device_id: "hb1", type: "home_base" });
  const response = await call("POST", `/networks/${network.id}/devices`, { device_id: "hb2", type: "home_base" });
  assert.is(response.status, 409);
  assert.is(response.body.code, "HOME_BASE_EXISTS");

  const row = await app.deps.db("networks").where("id", network.id).first();
  assert.is(row.next_device_key_index, 2, "the failed registration used no key index");
});

test("duplicate device id is rejected", async () => {
  const network = await newNetwork("duplicates");
  await call("POST", `/networks/${network.id}/devices`, { device_id: "dup", type: "motion" });
  const response = await call("POST", `/networks/${network.id}/devices`, { device_id: "dup", type: "camera" });
  assert.is(response.status, 409);
  assert.is(response.body.code, "DEVICE_EXISTS");
});

test("same device id is allowed in two networks", async () => {
  const first = await newNetwork("shared-id-a");
  const second = await newNetwork("shared-id-b");
  assert.is((await call("POST", `/networks/${first.id}/devices`, { device_id: "cam", type: "camera" })).status, 201);
  assert.is((await call("POST", `/networks/${second.id}/devices`, { device_id: "cam", type: "camera" })).status, 201);
});

test("device id rule is enforced, never truncated", async () => {
  const network = await newNetwork("device-ids");
  for (const deviceId of ["", "a".repeat(16), "has space", "dot.ted", "ümlaut", "slash/id"]) {
    const response = await call("POST", `/networks/${network.id}/devices`, { device_id: deviceId, type: "motion" });
    assert.is(response.status, 400, JSON.stringify(deviceId));
    assert.is(response.body.field, "device_id", JSON.stringify(deviceId));
  }
  const longest = await call("POST", `/networks/${network.id}/devices`, { device_id: "A-z_0123456789x", type: "motion" });
  assert.is(longest.status, 201);
  assert.is(longest.body.device.device_id, "A-z_0123456789x");
});

test("device type must be known", async () => {
  const network = await newNetwork("device-types");
  for (const type of ["sensor", "", 3, null]) {
    const response = await call("POST", `/networks/${network.id}/devices`, { device_id: "x", type });
    assert.is(response.status, 400, JSON.stringify(type));
    assert.is(response.body.field, "type");
  }
});

test("devices of unknown networks are 404", async () => {
  for (const id of ["00000000-0000-4000-8000-000000000000", "nope"]) {
    const post = await call("POST", `/networks/${id}/devices`, { device_id: "x", type: "motion" });
    assert.is(post.status, 404, id);
    assert.is(post.body.code, "NETWORK_NOT_FOUND");
    const list = await call("GET", `/networks/${id}/devices`);
    assert.is(list.status, 404, id);
  }
});

test("GET /networks/{id}/devices/{device_id} returns one device", async () => {
  const network = await newNetwork("single-device");
  const created = await call("POST", `/networks/${network.id}/devices`, { device_id: "cam", type: "camera" });
  const response = await call("GET", `/networks/${network.id}/devices/cam`);
  assert.is(response.status, 200);
  assert.equal(response.body, created.body.device);

  const missing = await call("GET", `/networks/${network.id}/devices/none`);
  assert.is(missing.status, 404);
  assert.is(missing.body.code, "DEVICE_NOT_FOUND");
});

test("GET /networks/{id}/devices pages through every device", async () => {
  const network = await newNetwork("paging");
  const created: string[] = [];
  for (let i = 0; i < 7; i++) {
    app.clock.advanceMs(i % 2 === 0 ? 0 : 1000);
    const deviceId = `dev-${i}`;
    await call("POST", `/networks/${network.id}/devices`, { device_id: deviceId, type: "motion" });
    created.push(deviceId);
  }

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor ? `?limit=3&cursor=${cursor}` : "?limit=3";
    const page = bodyOf(await call("GET", `/networks/${network.id}/devices${query}`), "listDevices", 200);
    assert.ok(page.items.length <= 3);
    seen.push(...page.items.map((item) => item.device_id));
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor !== null);

  assert.equal(seen, created);
  assert.is(pages, 3);
});

test("GET /networks pages in creation order", async () => {
  const all: string[] = [];
  let cursor: string | null = null;
  do {
    const path: string = `/networks?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
    const page = bodyOf(await call("GET", path), "listNetworks", 200);
    all.push(...page.items.map((item) => item.name));
    cursor = page.next_cursor;
  } while (cursor !== null);

  const rows = await app.deps.db("networks").orderBy([{ column: "created_at" }, { column: "id" }]).select("name");
  assert.equal(all, rows.map((row: { name: string }) => row.name));
  assert.ok(all.includes("home"));
});

test("list default page is 50 with next_cursor null at the end", async () => {
  const response = await call("GET", "/networks");
  assert.is(response.status, 200);
  assert.ok(response.body.items.length <= 50);
  assert.equal(Object.keys(response.body).sort(), ["items", "next_cursor"]);
});

test("bad limit and cursor are 400", async () => {
  const forged = Buffer.from(JSON.stringify(["yesterday", "x"])).toString("base64url");
  for (const query of ["limit=0", "limit=05", "limit=201", "limit=abc", "limit=-1", "limit=1.5", "cursor=***", `cursor=${forged}`, "cursor=bm90IGpzb24", "limit=1&limit=2"]) {
    const response = await call("GET", `/networks?${query}`);
    assert.is(response.status, 400, query);
    assert.is(response.body.code, "VALIDATION_FAILED", query);
  }
});

test("limit of 200 is accepted", async () => {
  assert.is((await call("GET", "/networks?limit=200")).status, 200);
});

test("no answer but the 201 contains a private key", async () => {
  assert.ok(privateKeys.length > 10, `collected ${privateKeys.length} private keys`);
  const answers = [await call("GET", "/networks?limit=200")];
  for (const network of answers[0]!.body.items) {
    answers.push(await call("GET", `/networks/${network.id}`));
    answers.push(await call("GET", `/networks/${network.id}/devices?limit=200`));
  }
  const text = answers.map((answer) => JSON.stringify(answer.body)).join("\n");
  for (const key of privateKeys) assert.not.ok(text.includes(key), `private key ${key.slice(0, 8)}... appears in a later answer`);
  assert.not.ok(text.includes("private_key"));
});

test("private keys are not stored", async () => {
  const dump = JSON.stringify(await app.deps.db("devices").select()) + JSON.stringify(await app.deps.db("networks").select());
  for (const key of privateKeys) assert.not.ok(dump.includes(key));
});

test("creating needs the admin role", async () => {
  const network = await newNetwork("role-check");
  const userToken = await loginAs(app, await createTestUser(app, "viewer", "user"));

  const createNetwork = await app.request("POST", "/networks", { token: userToken, body: { name: "viewer-net", home_base: { host: "h", port: 1 } } });
  assert.is(createNetwork.status, 403);
  assert.is(createNetwork.body.code, "FORBIDDEN");

  const createDevice = await app.request("POST", `/networks/${network.id}/devices`, { token: userToken, body: { device_id: "x", type: "motion" } });
  assert.is(createDevice.status, 403);
  assert.is(createDevice.body.code, "FORBIDDEN");

  assert.is((await app.request("GET", "/networks", { token: userToken })).status, 200);
  assert.is((await app.request("GET", `/networks/${network.id}/devices`, { token: userToken })).status, 200);
});

test("network routes need a session", async () => {
  for (const [method, path] of [["GET", "/networks"], ["POST", "/networks"], ["GET", "/networks/x"], ["GET", "/networks/x/devices"], ["POST", "/networks/x/devices"]] as const) {
    const response = await app.request(method, path);
    assert.is(response.status, 401, `${method} ${path}`);
    assert.is(response.body.code, "AUTH_REQUIRED");
  }
});

test.run();
