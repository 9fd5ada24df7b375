/**
 * Records the steps of one scenario of scenarios.json while running them on the replay model, so
 * every expected status and getter value comes from replay-model.ts and never from the core.
 */
import { HomeBaseModel } from "./replay-model.ts";
import type { Scenario, ScenarioStep } from "./types.ts";

function hex(data: Buffer): string {
  return data.toString("hex");
}

export class ScenarioBuilder {
  private model = new HomeBaseModel();
  readonly steps: ScenarioStep[] = [];

  constructor(readonly name: string) {}

  /** floor_due for a step, left out while the model does not know it (after replay_import). */
  private floorDue(): { floor_due?: number } {
    return this.model.floorDue === null ? {} : { floor_due: this.model.floorDue ? 1 : 0 };
  }

  networkKey(key: Buffer): this {
    this.model.setNetworkKey(key);
    this.steps.push({ op: "network_key", public_key: hex(key) });
    return this;
  }

  selfSet(id: string): this {
    this.steps.push({ op: "self_set", device_id: id, status: this.model.selfSet(id) });
    return this;
  }

  deviceSet(slot: number, id: string, key: Buffer): this {
    this.steps.push({ op: "device_set", slot, device_id: id, public_key: hex(key), status: this.model.deviceSet(slot, id, key) });
    return this;
  }

  deviceSetNextKey(slot: number, key: Buffer): this {
    this.steps.push({ op: "device_set_next_key", slot, public_key: hex(key), status: this.model.deviceSetNextKey(slot, key) });
    return this;
  }

  deviceClear(slot: number): this {
    this.steps.push({ op: "device_clear", slot, status: this.model.deviceClear(slot) });
    return this;
  }

  precheck(frame: Buffer, now: number, decodeStatus = "OK"): this {
    this.steps.push({ op: "frame_precheck", frame: hex(frame), now, status: this.model.framePrecheck(frame, now, decodeStatus) });
    return this;
  }

  accept(frame: Buffer, now: number, decodeStatus = "OK"): this {
    const result = this.model.frameAccept(frame, now, decodeStatus);
    const { status, ...fields } = result;
    this.steps.push({ op: "frame_accept", frame: hex(frame), now, status, ...(status === "OK" ? fields : {}), ...this.floorDue() });
    return this;
  }

  command(frame: Buffer, now: number, decodeStatus = "OK"): this {
    const result = this.model.commandAccept(frame, now, decodeStatus);
    const { status, ...fields } = result;
    const accepted = status === "OK" || status === "COMMAND_REPEATED";
    this.steps.push({ op: "command_accept", frame: hex(frame), now, status, ...(accepted ? fields : {}), ...this.floorDue() });
    return this;
  }

  networkId(id: string): this {
    this.steps.push({ op: "network_id", network_id: id, status: this.model.setNetworkId(id) });
    return this;
  }

  request(text: string, signature: Buffer, now: number): this {
    const status = this.model.requestAccept(text, signature, now);
    this.steps.push({ op: "request_accept", text, signature: hex(signature), now, status, ...this.floorDue() });
    return this;
  }

  batchConfigure(keyId: string, intervalSec: number, nextSeq: number): this {
    this.steps.push({ op: "batch_configure", key_id: keyId, interval_sec: intervalSec, next_seq: nextSeq, status: this.model.batchConfigure(nextSeq) });
    return this;
  }

  batchSeal(now: number): this {
    const seq = this.model.batchSeal();
    if (this.model.floorDue === null) throw new Error(`scenario ${this.name}: batch_seal after replay_import needs an export first, floor_due is unknown`);
    this.steps.push({ op: "batch_seal", now, seq, floor_due: this.model.floorDue ? 1 : 0, batch_floor: this.model.batchFloor });
    return this;
  }

  /** Exports the state and returns its bytes, for a later import. */
  exportState(now: number): Buffer {
    const state = this.model.replayExport(now);
    this.steps.push({ op: "replay_export", now, state: hex(state) });
    return state;
  }

  importState(state: Buffer, now: number): this {
    this.steps.push({ op: "replay_import", state: hex(state), now, status: this.model.replayImport(state, now) });
    return this;
  }

  restart(): this {
    this.model = new HomeBaseModel();
    this.steps.push({ op: "restart" });
    return this;
  }

  build(): Scenario {
    return { name: this.name, steps: this.steps };
  }
}
