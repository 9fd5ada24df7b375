import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveNetworkKey } from "../../hosts/node/src/keys/derive.ts";
import { nodePublicKeyFromSeed, nodeVerify } from "../device-sim/node-ed25519.ts";
import { deliverDeviceAdds, findNetworkKey, takeCommandSeq } from "./device-commands.ts";

const masterSeed = Buffer.alloc(32, 0x5a);
const networkId = "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11";

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => resolve(text));
  });
}

test("network key found by its public key", () => {
  const wanted = deriveNetworkKey(masterSeed, 7);
  assert.ok(findNetworkKey(masterSeed, wanted.publicKey.toString("hex")).privateKey.equals(wanted.privateKey));
  assert.throws(() => findNetworkKey(masterSeed, "00".repeat(32)), /no network key index/);
});

test("command seqs continue across calls and skip on request", () => {
  const dir = mkdtempSync(join(tmpdir(), "launcher-seq-"));
  const path = join(dir, "seq.json");
  assert.is(takeCommandSeq(path), 1);
  assert.is(takeCommandSeq(path), 2);
  assert.is(takeCommandSeq(path, 64), 67);
  assert.is(takeCommandSeq(path), 68);
  rmSync(dir, { recursive: true });
});

test("device_add request and frame verify under the network key", async () => {
  const network = deriveNetworkKey(masterSeed, 3);
  const dir = mkdtempSync(join(tmpdir(), "launcher-device-add-"));
  const seen: { headers: IncomingMessage["headers"]; body: string }[] = [];
  const server = createServer(async (request, response) => {
    seen.push({ headers: request.headers, body: await readBody(request) });
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ id: 1, state: "done", result: "ok" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  try {
    await deliverDeviceAdds({
      homeBaseUrl: `http://127.0.0.1:${port}`, networkId, network, homeBaseId: "homebase",
      devices: [{ deviceId: "porch-cam", privateKey: Buffer.alloc(32, 0x62) }],
      seqPath: join(dir, "seq.json"), nowSec: () => 1767225600,
    });
  } finally {
    server.close();
  }

  assert.is(seen.length, 1);
  const { headers, body } = seen[0]!;
  assert.is(headers["x-mesh-key-id"], networkId);
  const bodyHash = (await import("node:crypto")).createHash("sha256").update(body).digest("hex");
  const text = ["POST", "/api/v1/command", networkId, "1767225600", headers["x-mesh-nonce"], bodyHash].join("\n");
  const message = Buffer.concat([Buffer.from("homemesh/request/v1\0", "ascii"), Buffer.from(text)]);
  assert.ok(nodeVerify(message, Buffer.from(String(headers["x-mesh-signature"]), "hex"), network.publicKey), "request signature");

  const frame = Buffer.from(JSON.parse(body).frame, "hex");
  const payloadLen = frame[26] ?? 0;
  assert.is(frame[1], 0x04);
  assert.is(frame.subarray(2, 10).toString("ascii"), "homebase");
  const payload = JSON.parse(frame.subarray(27, 27 + payloadLen).toString("utf8"));
  // The first seq after a start skips the home base's floor step of 64.
  assert.is(frame.readUInt32LE(22), 65);
  assert.equal(payload, { id: 65, cmd: "device_add", device: "porch-cam", key: nodePublicKeyFromSeed(Buffer.alloc(32, 0x62)).toString("base64") });
  const frameMessage = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), network.publicKey, frame.subarray(0, 27 + payloadLen)]);
  assert.ok(nodeVerify(frameMessage, frame.subarray(27 + payloadLen), network.publicKey), "frame signature");
  rmSync(dir, { recursive: true });
});

test.run();
