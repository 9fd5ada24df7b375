import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveNode, hardenedChild, masterNode, parsePath, publicKeyOf } from "./slip10.ts";

interface Chain {
  path: string;
  chainCode: string;
  privateKey: string;
  publicKey: string;
}

const vectorFile = JSON.parse(readFileSync(new URL("../../../../core/vectors/slip10-ed25519.json", import.meta.url), "utf8")) as {
  testVectors: { name: string; seed: string; chains: Chain[] }[];
};

test("vector file has both published sets", () => {
  assert.is(vectorFile.testVectors.length, 2);
  assert.ok(vectorFile.testVectors.every((set) => set.chains.length === 6));
});

for (const set of vectorFile.testVectors) {
  for (const chain of set.chains) {
    test(`${set.name} derives ${chain.path}`, () => {
      const node = deriveNode(Buffer.from(set.seed, "hex"), chain.path);
      assert.is(node.privateKey.toString("hex"), chain.privateKey);
      assert.is(node.chainCode.toString("hex"), chain.chainCode);
      assert.is("00" + publicKeyOf(node.privateKey).toString("hex"), chain.publicKey);
    });
  }
}

test("path m gives the master node", () => {
  const seed = Buffer.alloc(32, 7);
  assert.equal(deriveNode(seed, "m"), masterNode(seed));
});

test("unhardened path segment is rejected", () => {
  assert.throws(() => parsePath("m/0'/1"), /path segment "1" is not a hardened index/);
});

test("path without m is rejected", () => {
  assert.throws(() => parsePath("0'/1'"), /does not start with "m"/);
});

test("index 2^31 is rejected", () => {
  assert.throws(() => parsePath("m/2147483648'"), /not a hardened index/);
  assert.throws(() => hardenedChild(masterNode(Buffer.alloc(32)), 2 ** 31), /index 2147483648 is not an integer/);
});

test("largest index is accepted", () => {
  assert.equal(parsePath("m/2147483647'"), [2147483647]);
});

test("seed outside 16 to 64 bytes is rejected", () => {
  assert.throws(() => masterNode(Buffer.alloc(15)), /seed length 15 is outside 16 to 64 bytes/);
  assert.throws(() => masterNode(Buffer.alloc(65)), /seed length 65 is outside/);
});

test.run();
