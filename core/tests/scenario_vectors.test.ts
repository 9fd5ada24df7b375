/**
 * Runs scenarios.json through the raw exports of docs/core-abi.md: one fresh instance per scenario
 * and per `restart` step, each step's status and getters checked in order.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { freshCore, fromHex, readVectors } from "./helpers.ts";
import { call, expectedCode, nameOf, readBuffer, writeBuffer, writeDeviceIdField } from "./vector_abi.ts";
import type { Scenario, ScenarioStep } from "../vectors/types.ts";
import type { CoreHandle } from "../../hosts/node/src/core/index.ts";

const data = readVectors<{ source: string; scenarios: Scenario[] }>("scenarios.json");

function putFrame(core: CoreHandle, hex: string): number {
  const frame = fromHex(hex);
  writeBuffer(core, "frame", frame.subarray(0, 256));
  return frame.length;
}

function expectStatus(actual: number, expected: string, where: string): boolean {
  assert.is(nameOf(actual), expected, where);
  assert.is(actual, expectedCode(expected), where);
  return expected === "OK" || expected === "COMMAND_REPEATED";
}

function expectValue(core: CoreHandle, expected: number | undefined, getter: string, where: string, ...args: number[]): void {
  if (expected === undefined) return;
  assert.is(call(core, getter, ...args) >>> 0, expected >>> 0, `${where}: ${getter}`);
}

function expectFloorDue(core: CoreHandle, expected: number | undefined, where: string): void {
  expectValue(core, expected, "replay_floor_due", where);
}

/** Runs one step; returns the instance to use for the next step (a new one after `restart`). */
async function runStep(core: CoreHandle, step: ScenarioStep, where: string): Promise<CoreHandle> {
  switch (step.op) {
    case "restart":
      return freshCore();
    case "network_key":
      writeBuffer(core, "network_key", fromHex(step.public_key));
      break;
    case "self_set":
      writeDeviceIdField(core, step.device_id);
      expectStatus(call(core, "self_set"), step.status, where);
      break;
    case "device_set":
      writeDeviceIdField(core, step.device_id);
      writeBuffer(core, "key", fromHex(step.public_key));
      expectStatus(call(core, "device_set", step.slot), step.status, where);
      break;
    case "device_set_next_key":
      writeBuffer(core, "key", fromHex(step.public_key));
      expectStatus(call(core, "device_set_next_key", step.slot), step.status, where);
      break;
    case "device_clear":
      expectStatus(call(core, "device_clear", step.slot), step.status, where);
      break;
    case "frame_precheck":
      expectStatus(call(core, "frame_precheck", putFrame(core, step.frame), step.now), step.status, where);
      break;
    case "frame_accept": {
      const accepted = expectStatus(call(core, "frame_accept", putFrame(core, step.frame), step.now), step.status, where);
      expectFloorDue(core, step.floor_due, where);
      if (!accepted) break;
      expectValue(core, step.slot, "frame_slot", where);
      expectValue(core, step.came_online, "frame_came_online", where);
      expectValue(core, step.key_rotated, "frame_key_rotated", where);
      const slot = call(core, "frame_slot");
      expectValue(core, step.frame_floor, "device_frame_floor", where, slot);
      expectValue(core, step.highest_seq, "device_highest_seq", where, slot);
      break;
    }
    case "command_accept": {
      const accepted = expectStatus(call(core, "command_accept", putFrame(core, step.frame), step.now), step.status, where);
      expectFloorDue(core, step.floor_due, where);
      if (!accepted) break;
      if (step.slot !== undefined) assert.is(call(core, "command_slot"), step.slot, `${where}: command_slot`);
      expectValue(core, step.command_id, "command_id", where);
      expectValue(core, step.command_code, "command_code", where);
      const slot = call(core, "command_slot");
      if (slot < 0) expectValue(core, step.command_floor, "self_command_floor", where);
      else expectValue(core, step.command_floor, "device_command_floor", where, slot);
      break;
    }
    case "network_id": {
      const id = Buffer.from(step.network_id, "ascii");
      writeBuffer(core, "key_id", id);
      expectStatus(call(core, "network_id_set", id.length), step.status, where);
      break;
    }
    case "request_accept": {
      const text = Buffer.from(step.text, "utf8");
      writeBuffer(core, "request", text);
      writeBuffer(core, "signature", fromHex(step.signature));
      expectStatus(call(core, "request_accept", text.length, step.now), step.status, where);
      expectFloorDue(core, step.floor_due, where);
      break;
    }
    case "batch_configure": {
      const keyId = Buffer.from(step.key_id, "ascii");
      writeBuffer(core, "key_id", keyId);
      expectStatus(call(core, "batch_configure", keyId.length, step.interval_sec, step.next_seq), step.status, where);
      break;
    }
    case "batch_seal": {
      const len = call(core, "batch_seal", step.now);
      assert.ok(len > 0, `${where}: batch_seal returned ${nameOf(len)}`);
      expectValue(core, step.seq, "batch_sealed_seq", where);
      expectFloorDue(core, step.floor_due, where);
      expectValue(core, step.batch_floor, "batch_floor", where);
      break;
    }
    case "replay_export": {
      const len = call(core, "replay_export", step.now);
      assert.is(readBuffer(core, "state", len).toString("hex"), step.state, `${where}: state bytes`);
      expectFloorDue(core, 0, where);
      break;
    }
    case "replay_import": {
      const state = fromHex(step.state);
      writeBuffer(core, "state", state);
      expectStatus(call(core, "replay_import", state.length, step.now), step.status, where);
      break;
    }
  }
  return core;
}

test("scenarios.json names its source", () => {
  assert.ok(data.source.length > 0);
  assert.ok(data.scenarios.length >= 10);
});

for (const scenario of data.scenarios) {
  test(`scenario: ${scenario.name}`, async () => {
    let core = await freshCore();
    for (const [index, step] of scenario.steps.entries()) {
      core = await runStep(core, step, `${scenario.name}, step ${index} (${step.op})`);
    }
  });
}

test.run();
