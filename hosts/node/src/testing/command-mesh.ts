/**
 * Networks set up through the API for tests of commands. The mesh runs the whole app
 * (testing/app.ts) with an admin session and the command worker whose tick the test drives. Each
 * network gets a test home base of its own (testing/home-base.ts) at its recorded address. Devices are registered with POST
 * /networks/{id}/devices, so their keys and bundles are the real ones; their device_add commands
 * reach the test home base on the next tick.
 */
import nacl from "tweetnacl";
import { nowSec } from "../clock.ts";
import { createCommandWorker, type CommandWorker } from "../commands/worker.ts";
import { createSession } from "../auth/sessions.ts";
import { createSecretBox } from "../keys/secret-box.ts";
import { createUser } from "../users/users.ts";
import { startTestApp, type TestApp, type TestResponse } from "./app.ts";
import { encodeFrame } from "./frames.ts";
import { startTestHomeBase, type TestHomeBase } from "./home-base.ts";
import { signTestRequest } from "./requests.ts";

export const FRAME_TYPE_ACK = 0x05;

export interface RegisteredDevice {
  deviceId: string;
  seed: Buffer;
  publicKey: Buffer;
  bundle: Record<string, any>;
}

export interface CommandMesh {
  app: TestApp;
  worker: CommandWorker;
  /** Creates a network and its home base `homebase`, with a test home base of its own. */
  createNetwork(name: string): Promise<TestNetworkView>;
  /** Registers a device and returns its keys from the bundle. */
  addDevice(network: TestNetworkView, deviceId: string, type?: string): Promise<RegisteredDevice>;
  /**
   * Sends an authenticated request as the admin. Tests move the clock by a day, past the session's
   * lifetime, so a request rejected with SESSION_INVALID is sent once more in a new session.
   */
  call(method: string, path: string, body?: unknown): Promise<TestResponse>;
  /** Posts command results signed by the network's home base. */
  postResults(network: TestNetworkView, results: unknown[], options?: { keyId?: string; seed?: Uint8Array }): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestNetworkView {
  id: string;
  publicKey: Buffer;
  /** The home base's registration: its keys and bundle. */
  homeBase: RegisteredDevice;
  /** The test home base that receives this network's commands. */
  server: TestHomeBase;
}

export interface AckInput {
  device: Pick<RegisteredDevice, "deviceId" | "seed">;
  network: TestNetworkView;
  /** The acknowledgement frame's own seq (the device counter). */
  seq: number;
  timestamp: number;
  payload: Record<string, unknown> | string;
}

/** Builds an acknowledgement frame with the test encoder (not the core), hex. */
export function ackFrame(input: AckInput): string {
  return encodeFrame({
    type: FRAME_TYPE_ACK,
    deviceId: input.device.deviceId,
    timestamp: input.timestamp,
    seq: input.seq,
    payload: input.payload,
    signerSeed: input.device.seed,
    networkPublicKey: input.network.publicKey,
  }).toString("hex");
}

function registered(deviceId: string, bundle: Record<string, any>): RegisteredDevice {
  const seed = Buffer.from(bundle.private_key, "hex");
  return { deviceId, seed, publicKey: Buffer.from(nacl.sign.keyPair.fromSeed(seed).publicKey), bundle };
}

export async function startCommandMesh(): Promise<CommandMesh> {
  const app = await startTestApp();
  // Sessions are created directly: the login steps are covered by the auth tests.
  const user = await createUser(app.deps.db, app.clock, createSecretBox(app.deps.masterSeed), { username: "commander", password: "pw-commander-correct horse", role: "admin" });
  let token = (await createSession(app.deps, user.id, null)).token;
  const worker = createCommandWorker(app.deps);
  const homeBases: TestHomeBase[] = [];

  const call = async (method: string, path: string, body?: unknown) => {
    const send = () => app.request(method, path, { token, ...(body !== undefined ? { body } : {}) });
    const response = await send();
    if (response.status !== 401 || response.body?.code !== "SESSION_INVALID") return response;
    token = (await createSession(app.deps, user.id, null)).token;
    return send();
  };

  return {
    app,
    worker,
    call,
    async createNetwork(name) {
      const homeBase = await startTestHomeBase(app.clock);
      homeBases.push(homeBase);
      const created = await call("POST", "/networks", { name, home_base: { host: "127.0.0.1", port: homeBase.port } });
      if (created.status !== 201) throw new Error(`POST /networks responded ${created.status}: ${JSON.stringify(created.body)}`);
      const answer = await call("POST", `/networks/${created.body.id}/devices`, { device_id: "homebase", type: "home_base" });
      if (answer.status !== 201) throw new Error(`POST devices responded ${answer.status}: ${JSON.stringify(answer.body)}`);

      const network = { id: created.body.id as string, publicKey: Buffer.from(created.body.public_key, "hex"), homeBase: registered("homebase", answer.body.bundle), server: homeBase };
      homeBase.configure({ networkId: network.id, networkPublicKey: network.publicKey, deviceId: "homebase" });
      return network;
    },
    async addDevice(network, deviceId, type = "motion") {
      const answer = await call("POST", `/networks/${network.id}/devices`, { device_id: deviceId, type });
      if (answer.status !== 201) throw new Error(`POST devices responded ${answer.status}: ${JSON.stringify(answer.body)}`);
      return registered(deviceId, answer.body.bundle);
    },
    async postResults(network, results, options = {}) {
      const path = "/commands/results";
      const keyId = options.keyId ?? `${network.id}/homebase`;
      const body = JSON.stringify({ key_id: keyId, results });
      const headers = signTestRequest({ method: "POST", path, keyId, seed: options.seed ?? network.homeBase.seed, body: Buffer.from(body), timestampSec: nowSec(app.clock) });
      return app.request("POST", path, { rawBody: body, headers: { ...headers, "content-type": "application/json" } });
    },
    async close() {
      for (const homeBase of homeBases) await homeBase.close();
      await app.close();
    },
  };
}
