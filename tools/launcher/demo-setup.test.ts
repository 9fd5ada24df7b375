import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ManualClock } from "../../hosts/node/src/clock.ts";
import { parseSimConfig } from "../device-sim/config.ts";
import { nodePublicKeyFromSeed } from "../device-sim/node-ed25519.ts";
import { ApiClient, ApiError } from "./api-client.ts";
import { createDemoNetwork, isDemoSetUp, writeDemoFiles } from "./demo-setup.ts";
import { listenOnTestPort } from "./testdata/test-port.ts";

const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const NOW_SEC = 1764871200;
const credentials = { username: "admin", password: "correct horse", otpauth_uri: `otpauth://totp/homemesh:admin?secret=${SECRET}&issuer=homemesh` };
const networkPublicKey = nodePublicKeyFromSeed(Buffer.alloc(32, 0x70)).toString("hex");

interface FakeOptions {
  /** Returns a public key that does not match the private key. */
  wrongPublicKey?: boolean;
  networkExists?: boolean;
}

/** Starts a stand-in for the central server's public API (openapi.yaml), which checks the TOTP code with oathtool. */
function fakeCentralServer(options: FakeOptions = {}) {
  const requests: Array<{ method: string; url: string; body: Record<string, unknown>; authorization?: string }> = [];
  let nextSeed = 0x71;

  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": status >= 400 ? "application/problem+json" : "application/json" });
    response.end(JSON.stringify(body));
  };

  const handle = (request: IncomingMessage, body: Record<string, unknown>, response: ServerResponse) => {
    requests.push({ method: request.method!, url: request.url!, body, authorization: request.headers.authorization });
    if (request.url === "/auth/session") {
      const expected = execFileSync("oathtool", ["--totp", "-b", "-N", `@${NOW_SEC}`, SECRET], { encoding: "utf8" }).trim();
      if (body.totp !== expected || body.password !== credentials.password) return send(response, 401, { code: "AUTH_FAILED", title: "invalid credentials" });
      return send(response, 200, { token: "session-token-1", expires_at: "2026-01-01T00:15:00Z" });
    }
    if (request.headers.authorization !== "Bearer session-token-1") return send(response, 401, { code: "AUTH_REQUIRED", title: "authentication required" });
    if (request.url === "/networks") {
      if (options.networkExists) return send(response, 409, { code: "NETWORK_EXISTS", title: "a network with this name already exists" });
      return send(response, 201, { id: "6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11", name: body.name, public_key: networkPublicKey });
    }
    const seed = Buffer.alloc(32, nextSeed);
    nextSeed += 1;
    const publicKey = nodePublicKeyFromSeed(options.wrongPublicKey ? Buffer.alloc(32, 0x01) : seed).toString("hex");
    return send(response, 201, {
      device: { device_id: body.device_id, type: body.type, public_key: publicKey },
      bundle: { device_id: body.device_id, private_key: seed.toString("hex"), public_key: publicKey, network_public_key: networkPublicKey },
      command_id: null,
    });
  };

  const server = createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => handle(request, JSON.parse(text || "{}"), response));
  });
  return { server, requests };
}

async function withFake<T>(options: FakeOptions, run: (api: ApiClient, requests: ReturnType<typeof fakeCentralServer>["requests"]) => Promise<T>): Promise<T> {
  const fake = fakeCentralServer(options);
  const port = await listenOnTestPort(fake.server);
  try {
    return await run(new ApiClient(`http://127.0.0.1:${port}`), fake.requests);
  } finally {
    fake.server.close();
  }
}

test("demo setup registers the network, home base and three devices", async () => {
  await withFake({}, async (api, requests) => {
    const network = await createDemoNetwork(api, credentials, new ManualClock(NOW_SEC * 1000), 18081);

    assert.equal(requests.map((entry) => `${entry.method} ${entry.url}`), [
      "POST /auth/session",
      "POST /networks",
      ...Array(4).fill("POST /networks/6f1c2d0a-8a55-4c3e-9d1b-2f7f0c4b9e11/devices"),
    ]);
    assert.equal(requests[1]!.body, { name: "demo", home_base: { host: "127.0.0.1", port: 18081 } });
    assert.equal(requests.slice(2).map((entry) => entry.body), [
      { device_id: "homebase", type: "home_base" },
      { device_id: "porch-cam", type: "camera" },
      { device_id: "hall-motion", type: "motion" },
      { device_id: "garage-switch", type: "switch" },
    ]);
    assert.is(network.homeBase.privateKey, Buffer.alloc(32, 0x71).toString("hex"));
    assert.is(network.devices[0]!.publicKey, nodePublicKeyFromSeed(Buffer.alloc(32, 0x72)).toString("hex"));
  });
});

test("demo files are written in the provisioning formats with mode 0600", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "launcher-demo-"));
  await withFake({}, async (api) => {
    const network = await createDemoNetwork(api, credentials, new ManualClock(NOW_SEC * 1000), 18081);
    assert.not.ok(isDemoSetUp(dataDir));

    const paths = writeDemoFiles(dataDir, network, { serverPort: 18080, homeBaseUdpPort: 18082, batchIntervalSec: 60 });
    const homeBase = JSON.parse(readFileSync(paths.homeBase, "utf8"));
    const devices = parseSimConfig(readFileSync(paths.devices, "utf8"));

    assert.ok(isDemoSetUp(dataDir));
    assert.is(statSync(paths.homeBase).mode & 0o777, 0o600);
    assert.is(statSync(paths.devices).mode & 0o777, 0o600);
    assert.is(homeBase.home_base_id, "homebase");
    assert.is(homeBase.central_url, "http://127.0.0.1:18080");
    // The home base's registry comes from device_add commands, not from its file.
    assert.is(homeBase.devices, undefined);
    assert.equal(devices.devices.map((entry) => entry.deviceId), ["porch-cam", "hall-motion", "garage-switch"]);
    assert.equal({ host: devices.homeBase.host, udpPort: devices.homeBase.udpPort }, { host: "127.0.0.1", udpPort: 18082 });
    assert.is(devices.homeBase.publicKey?.length, 32);
    assert.equal(devices.devices.map((entry) => entry.type), ["camera", "motion", "switch"]);
  });
  rmSync(dataDir, { recursive: true });
});

test("demo setup fails on a wrong TOTP time", async () => {
  await withFake({}, async (api) => {
    const error = await createDemoNetwork(api, credentials, new ManualClock((NOW_SEC + 120) * 1000), 18081).catch((caught: unknown) => caught);

    assert.instance(error, ApiError);
    assert.is((error as ApiError).status, 401);
    assert.match((error as Error).message, "POST /auth/session failed with status 401 AUTH_FAILED: invalid credentials");
  });
});

test("demo setup reports an existing network", async () => {
  await withFake({ networkExists: true }, async (api) => {
    const error = await createDemoNetwork(api, credentials, new ManualClock(NOW_SEC * 1000), 18081).catch((caught: unknown) => caught);

    assert.is((error as ApiError).code, "NETWORK_EXISTS");
  });
});

test("demo setup rejects a public key that does not match", async () => {
  await withFake({ wrongPublicKey: true }, async (api) => {
    const error = await createDemoNetwork(api, credentials, new ManualClock(NOW_SEC * 1000), 18081).catch((caught: unknown) => caught);

    assert.match((error as Error).message, /device homebase: public_key .* does not belong to the returned private_key/);
  });
});

test.run();
