/**
 * Turns the home base's provisioning file (docs/provisioning.md, homebase.json) into the CSV that
 * ESP-IDF's nvs_partition_gen.py makes an NVS partition image from. The keys, types and namespace
 * are the layout that hosts/esp32p4/main/hb_nvs_identity.h reads, and the checks are those of the
 * home base's registry.c, so a file that this accepts is one the device accepts too.
 */

/** The NVS namespace of hb_nvs_identity.h (HB_NVS_NAMESPACE). */
export const NVS_NAMESPACE = "homebase";

/** Fields that would carry the network's private key, which a home base must never hold. */
const FORBIDDEN_FIELDS = ["network_private_key", "network_seed", "network_secret_key", "master_seed"];

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DEVICE_ID = /^[A-Za-z0-9_-]{1,15}$/;
const KEY_HEX = /^[0-9a-fA-F]{64}$/;
const URL_MAX_LEN = 255;
const BATCH_INTERVAL_MAX_SEC = 3600;
const OFFLINE_AFTER_MAX_SEC = 86400;

/** One NVS entry: its key (at most 15 characters), nvs_partition_gen.py's encoding, and the value. */
interface NvsEntry {
  key: string;
  encoding: "string" | "hex2bin" | "u32";
  value: string;
}

export interface NvsCsv {
  csv: string;
  /** Fields of the file that NVS does not hold, for the caller to report (e.g. `devices`). */
  ignoredFields: string[];
}

function requireString(file: Record<string, unknown>, field: string, pattern: RegExp, rule: string): string {
  const value = file[field];
  if (typeof value !== "string" || !pattern.test(value)) throw new Error(`${field} is missing or not ${rule}`);
  return value;
}

function requireSeconds(file: Record<string, unknown>, field: string, max: number): string {
  const value = file[field];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${field} is missing or not a whole number from 1 to ${max}`);
  }
  return String(value);
}

function requireUrl(file: Record<string, unknown>): string {
  const value = file.central_url;
  if (typeof value !== "string" || value.length === 0 || value.length > URL_MAX_LEN) {
    throw new Error(`central_url is missing, empty or longer than ${URL_MAX_LEN} characters`);
  }
  // The value becomes one CSV cell, and a line break would end the record early.
  if (/[\r\n]/.test(value)) throw new Error("central_url contains a line break");
  return value;
}

function entriesOf(file: Record<string, unknown>): NvsEntry[] {
  return [
    { key: "network_id", encoding: "string", value: requireString(file, "network_id", UUID, "a UUID") },
    {
      key: "home_base_id",
      encoding: "string",
      value: requireString(file, "home_base_id", DEVICE_ID, "1 to 15 characters of A-Z a-z 0-9 _ -"),
    },
    { key: "private_key", encoding: "hex2bin", value: requireString(file, "private_key", KEY_HEX, "64 hex characters") },
    {
      key: "net_public_key",
      encoding: "hex2bin",
      value: requireString(file, "network_public_key", KEY_HEX, "64 hex characters"),
    },
    { key: "central_url", encoding: "string", value: requireUrl(file) },
    { key: "batch_interval", encoding: "u32", value: requireSeconds(file, "batch_interval_sec", BATCH_INTERVAL_MAX_SEC) },
    { key: "offline_after", encoding: "u32", value: requireSeconds(file, "offline_after_sec", OFFLINE_AFTER_MAX_SEC) },
  ];
}

/** Quotes a CSV cell when it contains a comma or a double quote (RFC 4180, as Python's csv reads it). */
function csvCell(value: string): string {
  return /[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const KNOWN_FIELDS = new Set([
  "network_id",
  "home_base_id",
  "private_key",
  "network_public_key",
  "central_url",
  "batch_interval_sec",
  "offline_after_sec",
]);

/**
 * Builds the NVS CSV from a parsed provisioning file. Throws an Error naming the field when the file
 * is not an object, carries the network's private key, or breaks a field's rule.
 */
export function provisioningToNvsCsv(file: unknown): NvsCsv {
  if (typeof file !== "object" || file === null || Array.isArray(file)) {
    throw new Error("provisioning file is not a JSON object");
  }
  const fields = file as Record<string, unknown>;
  for (const forbidden of FORBIDDEN_FIELDS) {
    if (forbidden in fields) {
      throw new Error(`provisioning file carries ${forbidden}; a home base must never hold the network's private key, remove it`);
    }
  }

  const lines = ["key,type,encoding,value", `${NVS_NAMESPACE},namespace,,`];
  for (const entry of entriesOf(fields)) {
    lines.push(`${entry.key},data,${entry.encoding},${csvCell(entry.value)}`);
  }
  return { csv: lines.join("\n") + "\n", ignoredFields: Object.keys(fields).filter((name) => !KNOWN_FIELDS.has(name)) };
}
