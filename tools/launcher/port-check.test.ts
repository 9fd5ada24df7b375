import { spawn } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertPortsFree, launcherPorts, type PortUse } from "./port-check.ts";
import type { LauncherSettings } from "./settings.ts";
import { bindUdpOnTestPort, listenOnTestPort } from "./testdata/test-port.ts";

const LAUNCHER = new URL("./run-system.ts", import.meta.url).pathname;

/** Three ports that were free a moment ago: two TCP, one UDP. */
async function freePorts(): Promise<{ server: number; http: number; udp: number }> {
  const serverHolder = createServer();
  const httpHolder = createServer();
  const udpHolder = createSocket("udp4");
  const server = await listenOnTestPort(serverHolder);
  const http = await listenOnTestPort(httpHolder);
  const udp = await bindUdpOnTestPort(udpHolder);
  await Promise.all([release(serverHolder), release(httpHolder), release(udpHolder)]);
  return { server, http, udp };
}

/** The three ports of `make run` in launcherPorts order: PORT, HOME_BASE_HTTP_PORT, HOME_BASE_UDP_PORT. */
function usesFor(ports: { server: number; http: number; udp: number }): [PortUse, PortUse, PortUse] {
  const [server, http, udp] = launcherPorts(settingsFor(ports));
  if (!server || !http || !udp) throw new Error("launcherPorts must list three ports");
  return [server, http, udp];
}

function settingsFor(ports: { server: number; http: number; udp: number }): LauncherSettings {
  return { serverPort: ports.server, homeBaseHttpPort: ports.http, homeBaseUdpPort: ports.udp, dataDir: "/nonexistent", databaseUrl: undefined, batchIntervalSec: 60 };
}

async function occupy(use: PortUse): Promise<Server | Socket> {
  if (use.protocol === "tcp") {
    const server = createServer();
    server.listen(use.port, "127.0.0.1");
    await once(server, "listening");
    return server;
  }
  const socket = createSocket("udp4");
  socket.bind(use.port, "127.0.0.1");
  await once(socket, "listening");
  return socket;
}

async function release(holder: Server | Socket): Promise<void> {
  await new Promise<void>((resolve) => holder.close(() => resolve()));
}

async function portError(uses: PortUse[]): Promise<Error | undefined> {
  return assertPortsFree(uses).then(
    () => undefined,
    (error: unknown) => error as Error,
  );
}

test("port check passes when every port is free", async () => {
  const uses = usesFor(await freePorts());

  const error = await portError(uses);

  assert.is(error, undefined);
});

test("port check releases the ports it tried", async () => {
  const uses = usesFor(await freePorts());
  await assertPortsFree(uses);

  const holders = await Promise.all(uses.map(occupy));
  await Promise.all(holders.map(release));

  assert.is(holders.length, 3);
});

for (const [index, variable, protocol, purpose] of [
  [0, "PORT", "tcp", "the central server's HTTP API"],
  [1, "HOME_BASE_HTTP_PORT", "tcp", "the home base's local HTTP API"],
  [2, "HOME_BASE_UDP_PORT", "udp", "the simulated air, where radio-sim hears device frames"],
] as const) {
  test(`port check names a taken ${variable}`, async () => {
    const uses = usesFor(await freePorts());
    const taken = uses[index];
    const holder = await occupy(taken);

    const error = await portError(uses);
    await release(holder);

    assert.instance(error, Error);
    const message = (error as Error).message;
    assert.ok(message.startsWith(`${protocol} port ${taken.port} on 127.0.0.1 is already in use`), message);
    assert.ok(message.includes(`homemesh uses it for ${purpose} (${variable})`), message);
    assert.ok(message.includes(`choose another port with ${variable}, e.g. ${variable}=${taken.port + 10} make run`), message);
    assert.is(message.split("\n").length, 1, message);
  });
}

test("port check lists every taken port", async () => {
  const uses = usesFor(await freePorts());
  const holders = await Promise.all(uses.map(occupy));

  const error = await portError(uses);
  await Promise.all(holders.map(release));

  const [first, second, third, ...rest] = (error as Error).message.split("\n");
  assert.ok(first?.includes("(PORT)"), first);
  assert.ok(second?.includes("(HOME_BASE_HTTP_PORT)"), second);
  assert.ok(third?.includes("(HOME_BASE_UDP_PORT)"), third);
  assert.equal(rest, []);
});

test("port check tells a UDP holder from a TCP one", async () => {
  const ports = await freePorts();
  const uses = usesFor(ports);
  // A UDP socket on the central server's number leaves its TCP port free.
  const holder = await occupy({ ...uses[0], protocol: "udp" });

  const error = await portError(uses);
  await release(holder);

  assert.is(error, undefined);
});

test("launcher stops on a taken port before starting anything", async () => {
  const ports = await freePorts();
  const dataDir = join(mkdtempSync(join(tmpdir(), "port-check-")), "data");
  const holder = await occupy(usesFor(ports)[1]);
  const env = { ...process.env, PORT: String(ports.server), HOME_BASE_HTTP_PORT: String(ports.http), HOME_BASE_UDP_PORT: String(ports.udp), DATA_DIR: dataDir };
  const launcher = spawn(process.execPath, ["--import", "tsx", LAUNCHER], { env, stdio: ["ignore", "pipe", "pipe"] });
  const killer = setTimeout(() => launcher.kill("SIGKILL"), 20_000);
  let output = "";
  launcher.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const [code] = await once(launcher, "exit");
  clearTimeout(killer);
  await release(holder);
  const created = existsSync(dataDir);
  rmSync(join(dataDir, ".."), { recursive: true, force: true });

  assert.is(code, 2, output);
  assert.ok(output.includes(`[launcher] tcp port ${ports.http} on 127.0.0.1 is already in use`), output);
  assert.ok(output.includes("(HOME_BASE_HTTP_PORT)"), output);
  assert.not.ok(created, "the data folder was created, so the launcher started a step");
});

test.run();
