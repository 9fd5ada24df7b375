/**
 * Prints section 5 of docs/protocol.md (the worked example) as Markdown, from the encoder's output.
 * Run: node --import tsx tools/device-sim/render-worked-example.ts
 */
import { computeWorkedExample, EXAMPLE_DEVICE_SEED, EXAMPLE_FIELDS, EXAMPLE_NETWORK_SEED } from "./worked-example.ts";

const LINE_BYTES = 32;

/** Writes bytes as hex, 32 bytes to a line. */
function hexLines(bytes: Buffer): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += LINE_BYTES) {
    lines.push(bytes.subarray(at, at + LINE_BYTES).toString("hex"));
  }
  return lines.join("\n");
}

function describeField(field: string): string {
  const notes: Record<string, string> = {
    version: "1",
    type: "0x03 log",
    "device id": `\`${EXAMPLE_FIELDS.deviceId}\` and NUL bytes up to 16`,
    timestamp: `${EXAMPLE_FIELDS.timestamp}, little-endian`,
    seq: `${EXAMPLE_FIELDS.seq}, little-endian`,
    "payload length": `${Buffer.byteLength(EXAMPLE_FIELDS.payload as string)}`,
    payload: "the JSON text above, UTF-8",
    signature: "Ed25519 signature of the signed message",
  };
  return notes[field] ?? "";
}

function render(): string {
  const example = computeWorkedExample();
  const payload = EXAMPLE_FIELDS.payload as string;
  const payloadLen = Buffer.byteLength(payload);
  const rows = example.fields.map(
    (row) => `| ${row.offset} | ${row.size} | ${row.field} | ${describeField(row.field)} | \`${row.hex}\` |`,
  );

  return [
    "## 5. Worked example",
    "",
    "One log frame, computed by the device simulator's encoder (tools/device-sim/encoder.ts) and checked",
    "with a second Ed25519 implementation (node:crypto). The test tools/device-sim/worked-example.test.ts",
    "reads the hex below from this file and recomputes it, so the example cannot drift from the encoder.",
    "",
    "Keys (Ed25519 seeds and their public keys):",
    "",
    "```text",
    `device seed          ${EXAMPLE_DEVICE_SEED.toString("hex")}`,
    `device public key    ${example.devicePublicKey.toString("hex")}`,
    `network seed         ${EXAMPLE_NETWORK_SEED.toString("hex")}`,
    `network public key   ${example.networkPublicKey.toString("hex")}`,
    "```",
    "",
    `The frame: type 0x03 (log), device id \`${EXAMPLE_FIELDS.deviceId}\`, timestamp ${EXAMPLE_FIELDS.timestamp}`,
    `(2025-12-04 18:00:00 UTC), seq ${EXAMPLE_FIELDS.seq}, and this ${payloadLen}-byte payload:`,
    "",
    "```json",
    payload,
    "```",
    "",
    `Signed message, ${example.signedMessage.length} bytes (18 of context, 32 of network public key,`,
    `${27 + payloadLen} of frame before the signature), 32 bytes to a line:`,
    "",
    "```text",
    hexLines(example.signedMessage),
    "```",
    "",
    `Frame, ${example.frame.length} bytes (91 + ${payloadLen}), field by field:`,
    "",
    "| offset | size | field | value | hex |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "The whole frame, 32 bytes to a line:",
    "",
    "```text",
    hexLines(example.frame),
    "```",
    "",
  ].join("\n");
}

process.stdout.write(render());
