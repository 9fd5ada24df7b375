/**
 * Per-device sequence numbers that survive restarts, as protocol section 1.4 requires. Seqs are reserved
 * in blocks, and the end of a block is written to the state file (and synced) before the first seq of
 * the block is used. After a restart the device continues after the stored end, so it never repeats a
 * seq. It may skip up to one block, which the receiver accepts because seqs only need to increase.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { checkDeviceId } from "./encoder.ts";

export const SEQ_BLOCK_COUNT = 100;
const SEQ_MAX = 0xffffffff;

interface SeqState {
  /** The highest seq that may have been used: the end of the last reserved block. */
  reserved_end: number;
}

/** Writes the file through a temporary name and fsync, so a crash leaves the old or the new end. */
function writeFileDurable(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

/** Returns the stored end for one device, 0 when the device has no state file yet. */
function readReservedEnd(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }

  let state: SeqState;
  try {
    state = JSON.parse(text) as SeqState;
  } catch {
    throw new Error(`seq state file ${path} is not valid JSON; delete it only if the receiver may see seqs restart`);
  }
  const end = state?.reserved_end;
  if (!Number.isInteger(end) || end < 0 || end > SEQ_MAX) {
    throw new Error(`seq state file ${path} has invalid reserved_end ${JSON.stringify(end)}`);
  }
  return end;
}

/** The seq counter of one device, backed by `<stateDir>/<deviceId>.seq.json`. */
export class DeviceSeq {
  readonly path: string;
  #next: number;
  #reservedEnd: number;
  readonly #blockCount: number;

  constructor(stateDir: string, deviceId: string, blockCount: number = SEQ_BLOCK_COUNT) {
    checkDeviceId(deviceId);
    if (!Number.isInteger(blockCount) || blockCount < 1) throw new Error(`seq block count ${blockCount} must be a positive integer`);
    mkdirSync(stateDir, { recursive: true });

    this.path = join(stateDir, `${deviceId}.seq.json`);
    this.#reservedEnd = readReservedEnd(this.path);
    this.#next = this.#reservedEnd + 1;
    this.#blockCount = blockCount;
  }

  /** Returns the next seq, reserving and storing a new block first when the current one is used up. */
  next(): number {
    if (this.#next > this.#reservedEnd) {
      if (this.#next > SEQ_MAX) throw new Error(`seq space exhausted for ${this.path}: reached ${SEQ_MAX}`);
      const end = Math.min(Math.max(this.#reservedEnd, this.#next - 1) + this.#blockCount, SEQ_MAX);
      writeFileDurable(this.path, JSON.stringify({ reserved_end: end } satisfies SeqState) + "\n");
      this.#reservedEnd = end;
    }
    return this.#next++;
  }

  /**
   * Leaves `count` seqs unused, as a device does when the home base's boot counter changes (protocol
   * section 10.3): the restarted home base rejects the seqs up to its restored floor.
   */
  skip(count: number): void {
    this.#next = Math.min(this.#next + count, SEQ_MAX + 1);
  }

  /** The end of the block stored in the state file. */
  get reservedEnd(): number {
    return this.#reservedEnd;
  }
}
