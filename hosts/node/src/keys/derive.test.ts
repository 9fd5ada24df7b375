import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveDeviceKey, deriveNetworkKey, deviceKeyPath, networkKeyPath } from "./derive.ts";

const vectorFile = JSON.parse(readFileSync(new URL("../../../../core/vectors/slip10-ed25519.json", import.meta.url), "utf8")) as {
  testVectors: { seed: string; chains: { path: string; privateKey: string; publicKey: string }[] }[];
};
const vector1 = vectorFile.testVectors[0]!;
const chain = (chainPath: string) => vector1.chains.find((candidate) => candidate.path === chainPath)!;

test("network key is the m/N' node", () => {
  const key = deriveNetworkKey(Buffer.from(vector1.seed, "hex"), 0);
  assert.is(key.privateKey.toString("hex"), chain("m/0'").privateKey);
  assert.is("00" + key.publicKey.toString("hex"), chain("m/0'").publicKey);
});

test("device key is the m/N'/D' node", () => {
  const key = deriveDeviceKey(Buffer.from(vector1.seed, "hex"), 0, 1);
  assert.is(key.privateKey.toString("hex"), chain("m/0'/1'").privateKey);
  assert.is("00" + key.publicKey.toString("hex"), chain("m/0'/1'").publicKey);
});

test("paths use hardened indexes", () => {
  assert.is(networkKeyPath(3), "m/3'");
  assert.is(deviceKeyPath(3, 7), "m/3'/7'");
});

test.run();
