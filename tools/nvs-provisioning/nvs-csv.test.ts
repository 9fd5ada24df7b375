import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { provisioningToNvsCsv } from "./nvs-csv.ts";

const SEED_HEX = "61".repeat(32);
const NETWORK_KEY_HEX = "a0".repeat(32);

function provisioningFile(): Record<string, unknown> {
  return {
    network_id: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11",
    home_base_id: "homebase",
    private_key: SEED_HEX,
    network_public_key: NETWORK_KEY_HEX,
    central_url: "https://central.example:8443/mesh",
    batch_interval_sec: 60,
    offline_after_sec: 90,
  };
}

test("csv lists every field under the homebase namespace", () => {
  // Written by hand from hb_nvs_identity.h's layout and nvs_partition_gen.py's CSV format.
  const expected = [
    "key,type,encoding,value",
    "homebase,namespace,,",
    "network_id,data,string,6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11",
    "home_base_id,data,string,homebase",
    `private_key,data,hex2bin,${SEED_HEX}`,
    `net_public_key,data,hex2bin,${NETWORK_KEY_HEX}`,
    "central_url,data,string,https://central.example:8443/mesh",
    "batch_interval,data,u32,60",
    "offline_after,data,u32,90",
    "",
  ].join("\n");

  const result = provisioningToNvsCsv(provisioningFile());

  assert.is(result.csv, expected);
  assert.equal(result.ignoredFields, []);
});

test("csv keys fit nvs's 15 characters", () => {
  const keys = provisioningToNvsCsv(provisioningFile()).csv.trim().split("\n").slice(1).map((line) => line.split(",")[0]);

  for (const key of keys) assert.ok(key !== undefined && key.length <= 15, `key ${key} is longer than 15 characters`);
});

test("url with a comma or quote is quoted", () => {
  const file = { ...provisioningFile(), central_url: 'http://h/a,b"c' };

  const line = provisioningToNvsCsv(file).csv.split("\n").find((row) => row.startsWith("central_url,"));

  assert.is(line, 'central_url,data,string,"http://h/a,b""c"');
});

test("devices are reported as ignored", () => {
  const file = { ...provisioningFile(), devices: [{ device_id: "porch-cam", public_key: "11".repeat(32) }] };

  const result = provisioningToNvsCsv(file);

  assert.equal(result.ignoredFields, ["devices"]);
  assert.not.match(result.csv, "porch-cam");
});

test("network private key is rejected", () => {
  for (const field of ["network_private_key", "network_seed", "network_secret_key", "master_seed"]) {
    const file = { ...provisioningFile(), [field]: "22".repeat(32) };

    assert.throws(() => provisioningToNvsCsv(file), new RegExp(`carries ${field}`));
  }
});

test("invalid fields are rejected by name", () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ["network_id", "not-a-uuid", /network_id is missing or not a UUID/],
    ["home_base_id", "sixteen-chars-xx", /home_base_id is missing/],
    ["home_base_id", "home base", /home_base_id is missing/],
    ["private_key", "61".repeat(31), /private_key is missing or not 64 hex/],
    ["network_public_key", undefined, /network_public_key is missing/],
    ["central_url", "", /central_url is missing, empty/],
    ["central_url", `http://${"a".repeat(249)}`, /longer than 255/],
    ["central_url", "http://h/\nx", /line break/],
    ["batch_interval_sec", 0, /batch_interval_sec is missing or not a whole number from 1 to 3600/],
    ["batch_interval_sec", 3601, /from 1 to 3600/],
    ["offline_after_sec", 1.5, /offline_after_sec is missing or not a whole number from 1 to 86400/],
    ["offline_after_sec", "90", /offline_after_sec/],
  ];

  for (const [field, value, message] of cases) {
    const file = provisioningFile();
    if (value === undefined) delete file[field];
    else file[field] = value;

    assert.throws(() => provisioningToNvsCsv(file), message, `${field}=${JSON.stringify(value)}`);
  }
});

test("non-object file is rejected", () => {
  for (const file of [null, [], "homebase", 7]) {
    assert.throws(() => provisioningToNvsCsv(file), /not a JSON object/);
  }
});

test("cli writes the csv with mode 0600", () => {
  const dir = mkdtempSync(join(tmpdir(), "nvs-csv-"));
  try {
    const input = join(dir, "homebase.json");
    const output = join(dir, "homebase-nvs.csv");
    writeFileSync(input, JSON.stringify(provisioningFile()));
    writeFileSync(output, "old", { mode: 0o644 });

    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/nvs-provisioning/main.ts", input, output], { encoding: "utf8" });

    assert.is(run.status, 0, run.stderr);
    assert.is(readFileSync(output, "utf8"), provisioningToNvsCsv(provisioningFile()).csv);
    assert.is(statSync(output).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("cli rejects a bad file with exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "nvs-csv-"));
  try {
    const input = join(dir, "homebase.json");
    writeFileSync(input, JSON.stringify({ ...provisioningFile(), master_seed: "00" }));

    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/nvs-provisioning/main.ts", input, join(dir, "out.csv")], {
      encoding: "utf8",
    });

    assert.is(run.status, 1);
    assert.match(run.stderr, "carries master_seed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
