import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { nodePublicKeyFromSeed, nodeVerify } from "./node-ed25519.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

test("simulator sends signed frames over UDP and exits cleanly on SIGTERM", async () => {
  const dir = mkdtempSync(join(tmpdir(), "device-sim-main-"));
  const receiver = createSocket("udp4");
  receiver.bind(0, "127.0.0.1");
  await once(receiver, "listening");
  const port = receiver.address().port;
  const networkPublicKey = nodePublicKeyFromSeed(Buffer.alloc(32, 0x50));
  const deviceSeed = Buffer.alloc(32, 0x51);
  writeFileSync(
    join(dir, "devices.json"),
    JSON.stringify({
      network_public_key: networkPublicKey.toString("hex"),
      home_base: { host: "127.0.0.1", udp_port: port },
      devices: [{ device_id: "porch-cam", type: "camera", private_key: deviceSeed.toString("hex") }],
    }),
  );

  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--config", join(dir, "devices.json"), "--state-dir", join(dir, "state"), "--seed", "3"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk) => (output += chunk));
  const [frame] = (await once(receiver, "message")) as [Buffer];
  await new Promise((resolve) => setTimeout(resolve, 200));
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  receiver.close();

  const message = Buffer.concat([Buffer.from("homemesh/frame/v1\0", "ascii"), networkPublicKey, frame.subarray(0, frame.length - 64)]);
  assert.ok(nodeVerify(message, frame.subarray(frame.length - 64), nodePublicKeyFromSeed(deviceSeed)), "received frame verifies");
  assert.is(frame[1], 0x01, "the first frame is a heartbeat");
  assert.is(code, 0, output);
  assert.match(output, /frame sent type=heartbeat device=porch-cam seq=1/);
  assert.match(output, /device simulator stopped signal=SIGTERM/);
  assert.is(JSON.parse(readFileSync(join(dir, "state", "porch-cam.seq.json"), "utf8")).reserved_end, 100);
  rmSync(dir, { recursive: true });
});

test("simulator exits with status 2 and usage on a bad option", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--config", "x.json", "--state-dir", "s", "--heartbeat-sec", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk) => (output += chunk));
  const [code] = await once(child, "exit");

  assert.is(code, 2);
  assert.match(output, /--heartbeat-sec "0" must be a positive number of seconds/);
  assert.match(output, /usage:/);
});

test("simulator reports a missing devices file", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, "--config", "/nonexistent/devices.json", "--state-dir", "s"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk) => (output += chunk));
  const [code] = await once(child, "exit");

  assert.is(code, 1);
  assert.match(output, /cannot read devices file \/nonexistent\/devices.json/);
});

test.run();
