/**
 * The master seed: 32 random bytes from which every network and device key derives (SLIP-0010).
 * It is stored as 64 lowercase hex characters and a newline in `<dataDir>/master-seed`, mode 0600.
 * Losing the file loses every key; anyone who reads it can sign as any network or device.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const MASTER_SEED_BYTES = 32;
export const MASTER_SEED_FILE = "master-seed";

/** A missing, unreadable or malformed seed file; the message names the file and the fix. */
export class MasterSeedError extends Error {
  override name = "MasterSeedError";
}

export function masterSeedPath(dataDir: string): string {
  return path.join(dataDir, MASTER_SEED_FILE);
}

/**
 * Creates a new random seed, writes it and returns it. Throws MasterSeedError when the file
 * exists, unless `overwrite` is set; the data folder is created when missing.
 */
export function createMasterSeed(dataDir: string, overwrite = false): Buffer {
  const seed = randomBytes(MASTER_SEED_BYTES);
  writeMasterSeed(dataDir, seed, overwrite);
  return seed;
}

/** Writes `seed` as the seed file, with the same rules as createMasterSeed. */
export function writeMasterSeed(dataDir: string, seed: Buffer, overwrite = false): void {
  if (seed.length !== MASTER_SEED_BYTES) throw new RangeError(`master seed length ${seed.length} is not ${MASTER_SEED_BYTES} bytes`);
  const file = masterSeedPath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  try {
    // "wx" fails on an existing file, so two concurrent runs cannot both write a seed.
    writeFileSync(file, seed.toString("hex") + "\n", { mode: 0o600, flag: overwrite ? "w" : "wx" });
    // The mode option applies only when the file is created, so an overwritten file is fixed here.
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new MasterSeedError(`master seed file ${file} already exists; pass --force to replace it (every existing key becomes invalid)`);
    }
    throw error;
  }
}

/** Reads the seed file; throws MasterSeedError when it is missing or is not 64 hex characters. */
export function readMasterSeed(dataDir: string): Buffer {
  const file = masterSeedPath(dataDir);

  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new MasterSeedError(`master seed file ${file} not found; run the key generation script first (npm run keygen -- --data-dir ${dataDir})`);
    }
    throw new MasterSeedError(`master seed file ${file} could not be read: ${(error as Error).message}`);
  }

  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new MasterSeedError(`master seed file ${file} must contain ${MASTER_SEED_BYTES * 2} lowercase hex characters, found ${hex.length} characters that do not match`);
  }
  return Buffer.from(hex, "hex");
}
