/**
 * A small model of the home base's replay state, written from docs/protocol.md sections 1.3, 1.4,
 * 6.3, 10 and 11 and the "Device table" and "Replay state persistence" parts of docs/core-abi.md,
 * independent of the core. scenarios.ts drives it to get the status and getter values every step of
 * scenarios.json must give.
 *
 * NOTE: the model reads payloads only as far as the scenarios need (the command's `id` and `cmd`).
 * Scenarios feed it frames whose payloads are valid, or state the decode status themselves.
 */
import { createPublicKey, verify } from "node:crypto";
import { COMMAND_CODE, FRAME_CONTEXT, FRAME_TYPE, GROUP_ORDER, REQUEST_CONTEXT } from "./encode.ts";

export const DEVICE_CAPACITY = 32;
export const NONCE_CAPACITY = 64;
export const REPLAY_WINDOW = 64;
export const FLOOR_STEP = 64;
export const U32_MAX = 0xffffffff;
export const FRAME_MAX_SKEW_SEC = 300;
export const COMMAND_MAX_AGE_SEC = 86400;
export const REQUEST_MAX_SKEW_SEC = 300;
/** A nonce is live while `now` is at most its request's timestamp plus this. */
export const NONCE_LIVE_SEC = 300;

const STATE_MAGIC = Buffer.from("HMR1", "ascii");
const STATE_HEADER_LEN = 14;
const DEVICE_RECORD_LEN = 24;
const NONCE_RECORD_LEN = 36;
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,15}$/;

/** Returns the persisted floor for `seq`: min(seq + 64, 2^32 - 1) (docs/core-abi.md). */
export function floorFor(seq: number): number {
  return Math.min(seq + FLOOR_STEP, U32_MAX);
}

/** The 64-seq window of docs/protocol.md section 1.4, plus the floor restored by replay_import. */
class ReplayWindow {
  private highest = 0;
  private any = false;
  private readonly marked = new Set<number>();
  restoredFloor = 0;

  /** Returns the check-15 status for `seq`, which is "REPLAY_DUPLICATE" for a seq already marked. */
  check(seq: number): string {
    if (this.restoredFloor !== 0 && seq <= this.restoredFloor) return "REPLAY_BELOW_FLOOR";
    if (!this.any || seq > this.highest) return "OK";
    if (this.highest - seq >= REPLAY_WINDOW) return "REPLAY_TOO_OLD";
    return this.marked.has(seq) ? "REPLAY_DUPLICATE" : "OK";
  }

  mark(seq: number): void {
    if (!this.any || seq > this.highest) {
      this.highest = seq;
      this.any = true;
    }
    this.marked.add(seq);
    for (const old of this.marked) if (this.highest - old >= REPLAY_WINDOW) this.marked.delete(old);
  }

  get highestSeq(): number {
    return this.highest;
  }
}

interface Device {
  id: string;
  key: Buffer;
  nextKey: Buffer | null;
  frames: ReplayWindow;
  commands: ReplayWindow;
  frameFloor: number;
  commandFloor: number;
  online: boolean;
  lastSeen: number;
}

interface NonceEntry {
  nonce: string;
  timestamp: number;
}

/** The fields of a frame that the model reads; the caller built it, so no JSON parser is needed. */
interface Header {
  type: number;
  deviceId: string;
  timestamp: number;
  seq: number;
  payload: Buffer;
  signedPart: Buffer;
  signature: Buffer;
}

export interface FrameResult {
  status: string;
  slot?: number;
  came_online?: number;
  key_rotated?: number;
  frame_floor?: number;
  highest_seq?: number;
}

export interface CommandResult {
  status: string;
  slot?: number;
  command_id?: number;
  command_code?: number;
  command_floor?: number;
}

function isCanonicalS(signature: Buffer): boolean {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32, 64)).reverse().toString("hex")}`);
  return s < GROUP_ORDER;
}

function ed25519Verify(signature: Buffer, message: Buffer, key: Buffer): boolean {
  try {
    return verify(null, message, createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, key]), format: "der", type: "spki" }), signature);
  } catch {
    return false;
  }
}

function parseHeader(frame: Buffer): Header {
  const idField = frame.subarray(2, 18);
  const n = frame[26]!;
  return {
    type: frame[1]!,
    deviceId: idField.subarray(0, idField.indexOf(0)).toString("ascii"),
    timestamp: frame.readUInt32LE(18),
    seq: frame.readUInt32LE(22),
    payload: frame.subarray(27, 27 + n),
    signedPart: frame.subarray(0, 27 + n),
    signature: frame.subarray(27 + n, 27 + n + 64),
  };
}

/**
 * Checks 1 to 8 of docs/protocol.md section 1.3. Checks 9 and 10 (payload rules) are left to the
 * caller, which passes `decodeStatus` for a frame it built to fail them.
 */
function formStatus(frame: Buffer): string {
  if (frame.length < 27) return "FRAME_TOO_SHORT";
  if (frame.length > 250) return "FRAME_TOO_LONG";
  if (frame[0] !== 1) return "FRAME_BAD_VERSION";
  const type = frame[1]!;
  if (type < 1 || type > 8) return "FRAME_BAD_TYPE";
  const chunk = type === FRAME_TYPE.chunk;
  if (frame.length < (chunk ? 40 : 91)) return "FRAME_TOO_SHORT";
  const idField = frame.subarray(2, 18);
  const nul = idField.indexOf(0);
  const id = nul < 0 ? "" : idField.subarray(0, nul).toString("latin1");
  if (nul < 1 || !DEVICE_ID_PATTERN.test(id) || idField.subarray(nul).some((byte) => byte !== 0)) return "FRAME_BAD_DEVICE_ID";
  const n = frame[26]!;
  let limit = 159;
  if (chunk) limit = 223;
  if (type === FRAME_TYPE.beacon) limit = 6;
  if (n > limit) return "FRAME_PAYLOAD_TOO_LONG";
  if (frame.length !== (chunk ? 27 : 91) + n) return "FRAME_LENGTH_MISMATCH";
  return "OK";
}

export class HomeBaseModel {
  private networkKey = Buffer.alloc(32);
  private networkId: string | null = null;
  private selfId: string | null = null;
  private selfCommands = new ReplayWindow();
  private selfFloor = 0;
  private readonly slots: Array<Device | null> = new Array(DEVICE_CAPACITY).fill(null);
  private readonly nonces: Array<NonceEntry | null> = new Array(NONCE_CAPACITY).fill(null);
  private batchFloorValue = 0;
  private nextBatchSeq = 0;
  /** replay_floor_due(); null after replay_import, which docs/core-abi.md does not say sets or clears it. */
  floorDue: boolean | null = false;

  setNetworkKey(key: Buffer): void {
    this.networkKey = Buffer.from(key);
  }

  selfSet(id: string): string {
    if (!DEVICE_ID_PATTERN.test(id)) return "FRAME_BAD_DEVICE_ID";
    this.selfId = id;
    this.selfCommands = new ReplayWindow();
    this.selfFloor = 0;
    return "OK";
  }

  deviceSet(slot: number, id: string, key: Buffer): string {
    if (!DEVICE_ID_PATTERN.test(id)) return "FRAME_BAD_DEVICE_ID";
    if (slot < 0 || slot >= DEVICE_CAPACITY) return "DEVICE_BAD_SLOT";
    this.slots[slot] = {
      id, key: Buffer.from(key), nextKey: null, frames: new ReplayWindow(), commands: new ReplayWindow(),
      frameFloor: 0, commandFloor: 0, online: false, lastSeen: 0,
    };
    return "OK";
  }

  deviceSetNextKey(slot: number, key: Buffer): string {
    const device = this.slots[slot];
    if (slot < 0 || slot >= DEVICE_CAPACITY || !device) return "DEVICE_BAD_SLOT";
    device.nextKey = Buffer.from(key);
    return "OK";
  }

  deviceClear(slot: number): string {
    if (slot < 0 || slot >= DEVICE_CAPACITY) return "DEVICE_BAD_SLOT";
    this.slots[slot] = null;
    return "OK";
  }

  private findSlot(id: string): number {
    return this.slots.findIndex((device) => device !== null && device.id === id);
  }

  /** Checks 1 to 15 for a device frame, changing nothing. Returns the status and, on OK, the slot. */
  private precheck(frame: Buffer, now: number, decodeStatus: string): { status: string; slot: number; head?: Header } {
    const form = formStatus(frame);
    if (form !== "OK") return { status: form, slot: -1 };
    if (decodeStatus !== "OK") return { status: decodeStatus, slot: -1 };

    const head = parseHeader(frame);
    if (head.type === FRAME_TYPE.chunk) return { status: "FRAME_NOT_SIGNED", slot: -1 };
    if (head.type === FRAME_TYPE.command || head.type === FRAME_TYPE.beacon) return { status: "FRAME_WRONG_DIRECTION", slot: -1 };
    const slot = this.findSlot(head.deviceId);
    if (slot < 0) return { status: "FRAME_UNKNOWN_DEVICE", slot };
    if (Math.abs(head.timestamp - now) > FRAME_MAX_SKEW_SEC) return { status: "FRAME_TIMESTAMP_SKEW", slot };
    const replay = this.slots[slot]!.frames.check(head.seq);
    return { status: replay, slot, head };
  }

  framePrecheck(frame: Buffer, now: number, decodeStatus = "OK"): string {
    return this.precheck(frame, now, decodeStatus).status;
  }

  frameAccept(frame: Buffer, now: number, decodeStatus = "OK"): FrameResult {
    const checked = this.precheck(frame, now, decodeStatus);
    if (checked.status !== "OK") return { status: checked.status };
    const head = checked.head!;
    const device = this.slots[checked.slot]!;

    if (!isCanonicalS(head.signature)) return { status: "SIGNATURE_NONCANONICAL" };
    const message = Buffer.concat([FRAME_CONTEXT, this.networkKey, head.signedPart]);
    let rotated = false;
    if (!ed25519Verify(head.signature, message, device.key)) {
      if (device.nextKey === null || !ed25519Verify(head.signature, message, device.nextKey)) return { status: "SIGNATURE_INVALID" };
      rotated = true;
    }

    device.frames.mark(head.seq);
    if (head.seq > device.frameFloor) {
      device.frameFloor = floorFor(head.seq);
      this.floorDue = true;
    }
    if (rotated) {
      device.key = device.nextKey!;
      device.nextKey = null;
    }
    const cameOnline = !device.online;
    device.online = true;
    device.lastSeen = now;
    return {
      status: "OK", slot: checked.slot, came_online: cameOnline ? 1 : 0, key_rotated: rotated ? 1 : 0,
      frame_floor: device.frameFloor, highest_seq: device.frames.highestSeq,
    };
  }

  commandAccept(frame: Buffer, now: number, decodeStatus = "OK"): CommandResult {
    const form = formStatus(frame);
    if (form !== "OK") return { status: form };
    if (decodeStatus !== "OK") return { status: decodeStatus };
    const head = parseHeader(frame);
    if (head.type !== FRAME_TYPE.command) return { status: "FRAME_WRONG_DIRECTION" };

    const toSelf = this.selfId !== null && head.deviceId === this.selfId;
    const slot = toSelf ? -1 : this.findSlot(head.deviceId);
    if (!toSelf && slot < 0) return { status: "FRAME_UNKNOWN_DEVICE" };
    const body = JSON.parse(head.payload.toString("utf8")) as { id: number; cmd: string };
    const code = COMMAND_CODE[body.cmd]!;
    if (toSelf !== code >= 16) return { status: "COMMAND_WRONG_TARGET" };
    if (head.timestamp > now + FRAME_MAX_SKEW_SEC) return { status: "FRAME_TIMESTAMP_SKEW" };
    if (now - head.timestamp > COMMAND_MAX_AGE_SEC) return { status: "COMMAND_EXPIRED" };

    const window = toSelf ? this.selfCommands : this.slots[slot]!.commands;
    const replay = window.check(head.seq);
    if (replay !== "OK" && replay !== "REPLAY_DUPLICATE") return { status: replay };
    if (!isCanonicalS(head.signature)) return { status: "SIGNATURE_NONCANONICAL" };
    const message = Buffer.concat([FRAME_CONTEXT, this.networkKey, head.signedPart]);
    if (!ed25519Verify(head.signature, message, this.networkKey)) return { status: "SIGNATURE_INVALID" };

    if (replay === "OK") {
      window.mark(head.seq);
      const floor = toSelf ? this.selfFloor : this.slots[slot]!.commandFloor;
      if (head.seq > floor) {
        if (toSelf) this.selfFloor = floorFor(head.seq);
        else this.slots[slot]!.commandFloor = floorFor(head.seq);
        this.floorDue = true;
      }
    }
    return {
      status: replay === "OK" ? "OK" : "COMMAND_REPEATED", slot, command_id: body.id, command_code: code,
      command_floor: toSelf ? this.selfFloor : this.slots[slot]!.commandFloor,
    };
  }

  private isLive(entry: NonceEntry | null, now: number): entry is NonceEntry {
    return entry !== null && now <= entry.timestamp + NONCE_LIVE_SEC;
  }

  /** network_id_set: a UUID in lower-case hex with dashes, else REQUEST_BAD_FORM and no change. */
  setNetworkId(id: string): string {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)) return "REQUEST_BAD_FORM";
    this.networkId = id;
    return "OK";
  }

  /**
   * request_accept for a well-formed canonical text (docs/protocol.md section 2): only the network
   * id is a known key id, and its key is the network key.
   */
  requestAccept(text: string, signature: Buffer, now: number): string {
    const lines = text.split("\n");
    const timestamp = Number(lines[3]);
    const nonce = lines[4]!;
    if (this.networkId === null || lines[2] !== this.networkId) return "REQUEST_UNKNOWN_KEY";
    if (Math.abs(timestamp - now) > REQUEST_MAX_SKEW_SEC) return "REQUEST_TIMESTAMP_SKEW";
    if (!isCanonicalS(signature)) return "SIGNATURE_NONCANONICAL";
    if (!ed25519Verify(signature, Buffer.concat([REQUEST_CONTEXT, Buffer.from(text, "utf8")]), this.networkKey)) return "SIGNATURE_INVALID";

    if (this.nonces.some((entry) => this.isLive(entry, now) && entry.nonce === nonce)) return "NONCE_REUSED";
    const free = this.nonces.findIndex((entry) => !this.isLive(entry, now));
    if (free < 0) return "NONCE_CACHE_FULL";
    this.nonces[free] = { nonce, timestamp };
    this.floorDue = true;
    return "OK";
  }

  batchConfigure(nextSeq: number): string {
    this.nextBatchSeq = nextSeq;
    return "OK";
  }

  /** batch_seal: the sealed seq, and the floor rule "at or above the floor, or no floor yet". */
  batchSeal(): number {
    const seq = this.nextBatchSeq;
    this.nextBatchSeq = seq + 1;
    if (this.batchFloorValue === 0 || seq >= this.batchFloorValue) {
      this.batchFloorValue = floorFor(seq);
      this.floorDue = true;
    }
    return seq;
  }

  get batchFloor(): number {
    return this.batchFloorValue;
  }

  /** replay_export(now): the state format of docs/core-abi.md. */
  replayExport(now: number): Buffer {
    const head = Buffer.alloc(STATE_HEADER_LEN);
    STATE_MAGIC.copy(head, 0);
    head.writeUInt32LE(this.batchFloorValue, 4);
    head.writeUInt32LE(this.selfId === null ? 0 : this.selfFloor, 8);
    const devices = this.slots.filter((device): device is Device => device !== null);
    const live = this.nonces.filter((entry): entry is NonceEntry => this.isLive(entry, now));
    head[12] = devices.length;
    head[13] = live.length;

    const records = devices.map((device) => {
      const record = Buffer.alloc(DEVICE_RECORD_LEN);
      record.write(device.id, 0, 16, "ascii");
      record.writeUInt32LE(device.frameFloor, 16);
      record.writeUInt32LE(device.commandFloor, 20);
      return record;
    });
    const nonceRecords = live.map((entry) => {
      const record = Buffer.alloc(NONCE_RECORD_LEN);
      record.write(entry.nonce, 0, 32, "ascii");
      record.writeUInt32LE(entry.timestamp, 32);
      return record;
    });
    this.floorDue = false;
    return Buffer.concat([head, ...records, ...nonceRecords]);
  }

  /** replay_import(len, now): STATE_BAD_FORMAT, with no change, for bytes of another form. */
  replayImport(state: Buffer, now: number): string {
    if (state.length < STATE_HEADER_LEN || !state.subarray(0, 4).equals(STATE_MAGIC)) return "STATE_BAD_FORMAT";
    const deviceCount = state[12]!;
    const nonceCount = state[13]!;
    if (deviceCount > DEVICE_CAPACITY || nonceCount > NONCE_CAPACITY) return "STATE_BAD_FORMAT";
    if (state.length !== STATE_HEADER_LEN + DEVICE_RECORD_LEN * deviceCount + NONCE_RECORD_LEN * nonceCount) return "STATE_BAD_FORMAT";

    for (let i = 0; i < deviceCount; i++) {
      const record = state.subarray(STATE_HEADER_LEN + DEVICE_RECORD_LEN * i);
      const idField = record.subarray(0, 16);
      const nul = idField.indexOf(0);
      const slot = this.findSlot(idField.subarray(0, nul < 0 ? 16 : nul).toString("latin1"));
      if (slot < 0) continue;
      const device = this.slots[slot]!;
      // Floors only rise: an import never lowers one already in force.
      const frameFloor = record.readUInt32LE(16);
      const commandFloor = record.readUInt32LE(20);
      device.frameFloor = Math.max(device.frameFloor, frameFloor);
      device.commandFloor = Math.max(device.commandFloor, commandFloor);
      device.frames.restoredFloor = Math.max(device.frames.restoredFloor, frameFloor);
      device.commands.restoredFloor = Math.max(device.commands.restoredFloor, commandFloor);
    }
    if (this.selfId !== null) {
      const selfFloor = state.readUInt32LE(8);
      this.selfFloor = Math.max(this.selfFloor, selfFloor);
      this.selfCommands.restoredFloor = Math.max(this.selfCommands.restoredFloor, selfFloor);
    }
    const batchFloor = state.readUInt32LE(4);
    this.batchFloorValue = Math.max(this.batchFloorValue, batchFloor);
    this.nextBatchSeq = Math.max(this.nextBatchSeq, batchFloor);

    this.nonces.fill(null);
    let next = 0;
    const nonceBase = STATE_HEADER_LEN + DEVICE_RECORD_LEN * deviceCount;
    for (let i = 0; i < nonceCount; i++) {
      const record = state.subarray(nonceBase + NONCE_RECORD_LEN * i, nonceBase + NONCE_RECORD_LEN * (i + 1));
      const entry = { nonce: record.subarray(0, 32).toString("ascii"), timestamp: record.readUInt32LE(32) };
      if (this.isLive(entry, now)) this.nonces[next++] = entry;
    }
    this.floorDue = null;
    return "OK";
  }
}
