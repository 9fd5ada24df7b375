/**
 * Writes the NVS CSV of a home base from its provisioning file:
 *
 *   node --import tsx tools/nvs-provisioning/main.ts homebase.json homebase-nvs.csv
 *
 * The CSV contains the home base's private key, so it is written with mode 0600 and should be
 * deleted once the partition image is flashed (hosts/esp32p4/README.md, section "ESP-IDF app").
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { provisioningToNvsCsv } from "./nvs-csv.ts";

const USAGE = "usage: node --import tsx tools/nvs-provisioning/main.ts PROVISIONING.json OUTPUT.csv";

function main(args: string[]): number {
  if (args.length !== 2) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const [input, output] = args as [string, string];

  let result;
  try {
    result = provisioningToNvsCsv(JSON.parse(readFileSync(input, "utf8")));
  } catch (error) {
    process.stderr.write(`${input}: ${(error as Error).message}\n`);
    return 1;
  }
  if (result.ignoredFields.length > 0) {
    process.stderr.write(`${input}: not stored in NVS: ${result.ignoredFields.join(", ")} (the central server adds devices with device_add)\n`);
  }
  writeFileSync(output, result.csv, { mode: 0o600 });
  // The mode above applies only to a new file; an existing one keeps its own until this.
  chmodSync(output, 0o600);
  process.stderr.write(`wrote ${output}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
