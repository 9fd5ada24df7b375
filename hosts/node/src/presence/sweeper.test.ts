import { test } from "uvu";
import * as assert from "uvu/assert";
import { nowSec } from "../clock.ts";
import type { MeshEvent } from "../deps.ts";
import { batchBody, frameEntry, statusEntry } from "../testing/batches.ts";
import { insertNetwork, sendSigned, startTestServer, type TestNetwork, type TestServer } from "../testing/mesh.ts";
import { sweepPresence } from "./sweeper.ts";

let server: TestServer;
let network: TestNetwork;

test.before(async () => {
  server = await startTestServer();
});

test.before.each(async () => {
  network = await insertNetwork(server.deps.db, server.clock);
});

test.after(async () => {
  await server.close();
});

/** Sends an empty or small batch with `intervalSec`, as the home base's heartbeat. */
async function heartbeat(batchSeq: number, intervalSec: number, entries: Record<string, unknown>[] = []): Promise<void> {
  const body = JSON.parse(batchBody(network, batchSeq, entries)) as Record<string, unknown>;
  body.interval_sec = intervalSec;
  const response = await sendSigned(server, network, JSON.stringify(body));
  assert.is(response.status, 200, await response.text());
}

/** Sweeps and returns what changed in this test's network: the database is shared by every test of the file. */
async function sweepOwn(): Promise<{ homeBases: string[]; devices: string[] }> {
  const sweep = await sweepPresence(server.deps);
  const own = (keys: string[]) => keys.filter((key) => key.startsWith(`${network.id}/`));
  return { homeBases: own(sweep.homeBases), devices: own(sweep.devices) };
}

async function onlineOf(deviceId: string): Promise<boolean> {
  const row = await server.deps.db("devices").where({ network_id: network.id, device_id: deviceId }).first("online");
  return row.online;
}

async function statusEvents(): Promise<MeshEvent["data"][]> {
  const rows = await server.deps.db("events").where({ network_id: network.id, type: "device_status" }).orderBy("id");
  return rows.map((row) => row.data);
}

test("home base stays online within three intervals", async () => {
  await heartbeat(1, 60);
  server.clock.advanceSec(180);
  const sweep = await sweepOwn();
  assert.equal(sweep.homeBases, []);
  assert.is(await onlineOf("homebase"), true);
});

test("home base missing three intervals goes offline with its devices", async () => {
  const now = nowSec(server.clock);
  const motion = frameEntry(network, { kind: "motion", deviceId: "porch-cam", seq: 1, timestamp: now - 5, payload: { zone: "porch" } });
  await heartbeat(1, 60, [motion, statusEntry("hall", now - 5, false)]);
  assert.is(await onlineOf("porch-cam"), true);

  server.clock.advanceSec(181);
  const sweep = await sweepOwn();
  assert.equal(sweep.homeBases, [`${network.id}/homebase`]);
  assert.equal(sweep.devices, [`${network.id}/porch-cam`]);
  assert.is(await onlineOf("homebase"), false);
  assert.is(await onlineOf("porch-cam"), false);

  const offline = (await statusEvents()).filter((data) => data.online === false && data.cause !== "status_entry");
  const at = new Date(server.clock.nowMs()).toISOString();
  assert.equal(offline, [
    { device_id: "homebase", home_base_id: "homebase", online: false, timestamp: at, cause: "batches_missed" },
    { device_id: "porch-cam", home_base_id: "homebase", online: false, timestamp: at, cause: "home_base_offline" },
  ]);
});

test("interval comes from the latest batch", async () => {
  await heartbeat(1, 60);
  server.clock.advanceSec(10);
  await heartbeat(2, 600);
  server.clock.advanceSec(1000);
  assert.equal((await sweepOwn()).homeBases, []);
  server.clock.advanceSec(801);
  assert.equal((await sweepOwn()).homeBases, [`${network.id}/homebase`]);
});

test("second sweep changes and publishes nothing", async () => {
  await heartbeat(1, 30);
  server.clock.advanceSec(91);
  assert.is((await sweepOwn()).homeBases.length, 1);
  const before = (await statusEvents()).length;
  assert.equal(await sweepOwn(), { homeBases: [], devices: [] });
  assert.is((await statusEvents()).length, before);
});

test("next batch brings the home base back online", async () => {
  await heartbeat(1, 30);
  server.clock.advanceSec(91);
  await sweepOwn();
  assert.is(await onlineOf("homebase"), false);

  await heartbeat(2, 30);
  assert.is(await onlineOf("homebase"), true);
  const last = (await statusEvents()).at(-1)!;
  assert.equal([last.device_id, last.online, last.cause], ["homebase", true, "batch"]);
});

test("frame after a sweep brings the device back online", async () => {
  await heartbeat(1, 30, [frameEntry(network, { kind: "log", deviceId: "hall", seq: 1, timestamp: nowSec(server.clock), payload: { level: "info", category: "a", message: "b" } })]);
  server.clock.advanceSec(91);
  await sweepOwn();
  assert.is(await onlineOf("hall"), false);

  await heartbeat(2, 30, [frameEntry(network, { kind: "log", deviceId: "hall", seq: 2, timestamp: nowSec(server.clock), payload: { level: "info", category: "a", message: "c" } })]);
  assert.is(await onlineOf("hall"), true);
  const last = (await statusEvents()).at(-1)!;
  assert.equal([last.device_id, last.online, last.cause], ["hall", true, "frame"]);
});

test("other networks are left alone", async () => {
  const quiet = await insertNetwork(server.deps.db, server.clock);
  await server.deps.db("devices").where({ network_id: quiet.id }).update({ online: true, last_seen: new Date(server.clock.nowMs()).toISOString(), batch_interval_sec: 3600 });
  await heartbeat(1, 30);
  server.clock.advanceSec(91);
  const sweep = await sweepPresence(server.deps);
  assert.ok(sweep.homeBases.includes(`${network.id}/homebase`));
  assert.not.ok(sweep.homeBases.some((key) => key.startsWith(quiet.id)));
  const quietRows = await server.deps.db("devices").where({ network_id: quiet.id }).select("online");
  assert.ok(quietRows.every((row) => row.online === true));
});

test.run();
