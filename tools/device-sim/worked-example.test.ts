import { readFileSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nodePublicKeyFromSeed, nodeVerify } from "./node-ed25519.ts";
import { computeWorkedExample, EXAMPLE_DEVICE_SEED, EXAMPLE_FIELDS, EXAMPLE_NETWORK_SEED } from "./worked-example.ts";

const PROTOCOL_DOC = new URL("../../docs/protocol.md", import.meta.url);

/** Returns the text of section 5 of docs/protocol.md, up to the next `## ` heading or the end. */
function workedExampleSection(): string {
  const doc = readFileSync(PROTOCOL_DOC, "utf8");
  const start = doc.indexOf("\n## 5. Worked example\n");
  assert.ok(start >= 0, "docs/protocol.md has a section 5. Worked example");
  const rest = doc.slice(start + 1);
  const next = rest.indexOf("\n## ", 3);
  return next < 0 ? rest : rest.slice(0, next);
}

/** Returns the bodies of the fenced code blocks of a given info string, in order. */
function codeBlocks(section: string, info: string): string[] {
  const pattern = new RegExp("```" + info + "\\n([\\s\\S]*?)```", "g");
  return [...section.matchAll(pattern)].map((match) => match[1]!);
}

function hexBlock(body: string): Buffer {
  const hex = body.replace(/\s+/g, "");
  assert.match(hex, /^([0-9a-f]{2})+$/, "a hex block holds lower-case hex bytes only");
  return Buffer.from(hex, "hex");
}

function namedHexValues(body: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of body.trim().split("\n")) {
    const match = /^(.+?)\s{2,}([0-9a-f]+)$/.exec(line.trim());
    assert.ok(match, `key line is "name  hex": ${line}`);
    values.set(match[1]!, match[2]!);
  }
  return values;
}

function fieldRows(section: string): Array<{ offset: number; size: number; field: string; hex: string }> {
  const rows = [...section.matchAll(/^\| (\d+) \| (\d+) \| ([a-z ]+) \| .* \| `([0-9a-f]+)` \|$/gm)];
  return rows.map((row) => ({ offset: Number(row[1]), size: Number(row[2]), field: row[3]!, hex: row[4]! }));
}

const section = workedExampleSection();
const example = computeWorkedExample();
const textBlocks = codeBlocks(section, "text");

test("worked example keys match the document", () => {
  const keys = namedHexValues(textBlocks[0]!);

  assert.is(keys.get("device seed"), EXAMPLE_DEVICE_SEED.toString("hex"));
  assert.is(keys.get("device public key"), example.devicePublicKey.toString("hex"));
  assert.is(keys.get("network seed"), EXAMPLE_NETWORK_SEED.toString("hex"));
  assert.is(keys.get("network public key"), example.networkPublicKey.toString("hex"));
});

test("worked example public keys agree with node:crypto", () => {
  const keys = namedHexValues(textBlocks[0]!);

  assert.is(keys.get("device public key"), nodePublicKeyFromSeed(Buffer.from(keys.get("device seed")!, "hex")).toString("hex"));
  assert.is(keys.get("network public key"), nodePublicKeyFromSeed(Buffer.from(keys.get("network seed")!, "hex")).toString("hex"));
});

test("worked example payload matches the document", () => {
  assert.equal(codeBlocks(section, "json"), [`${EXAMPLE_FIELDS.payload as string}\n`]);
});

test("worked example signed message matches the document", () => {
  assert.is(hexBlock(textBlocks[1]!).toString("hex"), example.signedMessage.toString("hex"));
});

test("worked example frame matches the document", () => {
  assert.is(hexBlock(textBlocks[2]!).toString("hex"), example.frame.toString("hex"));
});

test("worked example field table matches the frame", () => {
  const rows = fieldRows(section);
  const frame = hexBlock(textBlocks[2]!);

  assert.equal(rows, example.fields);
  assert.is(rows.map((row) => row.hex).join(""), frame.toString("hex"), "the rows concatenate to the frame");
  for (const row of rows) {
    assert.is(frame.subarray(row.offset, row.offset + row.size).toString("hex"), row.hex, row.field);
  }
});

test("worked example signature verifies with node:crypto", () => {
  const keys = namedHexValues(textBlocks[0]!);
  const frame = hexBlock(textBlocks[2]!);
  const signedMessage = hexBlock(textBlocks[1]!);

  assert.ok(signedMessage.subarray(50).equals(frame.subarray(0, frame.length - 64)), "signed message ends with the frame body");
  assert.ok(nodeVerify(signedMessage, frame.subarray(frame.length - 64), Buffer.from(keys.get("device public key")!, "hex")));
});

test.run();
