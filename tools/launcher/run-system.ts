/**
 * The entry point of `make run`. It starts the central server, the radio co-processor simulator, the home
 * base simulator and the device simulator in the foreground, with prefixed output. Frames go device → UDP
 * air → radio-sim → UART link on a pseudo-terminal → home base. Ctrl-C (SIGINT) or SIGTERM stops all four
 * and exits 0; a child that dies on its own stops the others and exits 1.
 *
 * The first start on an empty data folder also runs the key generation script and sets up the demo
 * network through the public API; later starts reuse both and print nothing secret.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { systemClock } from "../../hosts/node/src/clock.ts";
import { ApiClient, ApiError } from "./api-client.ts";
import { readSimConfig } from "../device-sim/config.ts";
import { credentialsPath, readCredentials } from "./credentials.ts";
import { dashboardTokenSha256, ensureDashboardToken } from "./dashboard-token.ts";
import { createDemoNetwork, demoFileOptions, demoPaths, isDemoSetUp, writeDemoFiles } from "./demo-setup.ts";
import { waitForHttpOk } from "./http-wait.ts";
import { waitForPath } from "./path-wait.ts";
import { isFirstStart, runKeygen } from "./keygen-step.ts";
import { assertPortsFree, launcherPorts } from "./port-check.ts";
import { refreshDemoFiles } from "./provisioning.ts";
import { waitForRegistry } from "./registry-wait.ts";
import { readSettings, type LauncherSettings } from "./settings.ts";
import { forwardTerminationSignals } from "./signals.ts";
import { summaryLines } from "./summary.ts";
import { Supervisor } from "./supervisor.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HOMEBASE_BINARY = "build/homebase/homebase-sim";
const RADIO_SIM_BINARY = "build/homebase/radio-sim";
/** The Makefile target that builds HOMEBASE_BINARY and RADIO_SIM_BINARY. */
const HOMEBASE_MAKE_TARGET = "homebase";
// The central server runs its migrations on the first start, which takes longer on PGlite.
const SERVER_READY_TIMEOUT_MS = 90_000;
const HOMEBASE_READY_TIMEOUT_MS = 30_000;
const RADIO_SIM_READY_TIMEOUT_MS = 10_000;
/**
 * The central server's first device_add attempts fail while the home base starts. Its worker retries
 * after 5, 10, 20 and 40 s, so this covers the attempt about 75 s after the devices' registration.
 */
const REGISTRY_READY_TIMEOUT_MS = 90_000;

function say(line: string): void {
  process.stdout.write(`[launcher] ${line}\n`);
}

function startCentralServer(supervisor: Supervisor, settings: LauncherSettings): void {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(settings.serverPort), DATA_DIR: settings.dataDir };
  if (settings.databaseUrl) env.DATABASE_URL = settings.databaseUrl;
  else delete env.DATABASE_URL;
  supervisor.start("server", process.execPath, ["--import", "tsx", "hosts/node/src/server.ts"], { env, cwd: REPO_ROOT });
}

/** Returns the path of the symbolic link that radio-sim points at its pseudo-terminal and the home base opens. */
function radioLinkPath(settings: LauncherSettings): string {
  return join(settings.dataDir, "radio-link");
}

function requireBinary(path: string, what: string): string {
  const binary = join(REPO_ROOT, path);
  if (!existsSync(binary)) throw new Error(`${what} ${path} not found; build it with \`make ${HOMEBASE_MAKE_TARGET}\``);
  return binary;
}

/** Starts the radio co-processor simulator, which hears the devices on the UDP air port. */
function startRadioSim(supervisor: Supervisor, settings: LauncherSettings): void {
  const binary = requireBinary(RADIO_SIM_BINARY, "radio co-processor simulator");
  const args = ["--udp-port", String(settings.homeBaseUdpPort), "--pty-link", radioLinkPath(settings)];
  supervisor.start("radio-sim", binary, args, { cwd: REPO_ROOT });
}

function startHomeBase(supervisor: Supervisor, settings: LauncherSettings): void {
  const binary = requireBinary(HOMEBASE_BINARY, "home base simulator");

  const args = [
    "--config", demoPaths(settings.dataDir).homeBase,
    "--http-port", String(settings.homeBaseHttpPort),
    "--link", radioLinkPath(settings),
    // The SD card (docs/sd-layout.md): media, and the spool in its spool folder.
    "--data", join(settings.dataDir, "homebase-sd"),
    "--batch-interval", String(settings.batchIntervalSec),
    "--dashboard-token-sha256", dashboardTokenSha256(ensureDashboardToken(settings.dataDir)),
  ];
  supervisor.start("homebase", binary, args, { cwd: REPO_ROOT });
}

function startDeviceSimulator(supervisor: Supervisor, settings: LauncherSettings): void {
  const args = ["--import", "tsx", "tools/device-sim/main.ts", "--config", demoPaths(settings.dataDir).devices, "--state-dir", join(settings.dataDir, "device-sim"), "--camera-media"];
  supervisor.start("device-sim", process.execPath, args, { cwd: REPO_ROOT });
}

/** Makes sure the demo network exists and its files match the current settings. */
async function prepareDemo(settings: LauncherSettings, signal: AbortSignal): Promise<void> {
  if (isDemoSetUp(settings.dataDir)) {
    const options = demoFileOptions(settings);
    const paths = demoPaths(settings.dataDir);
    refreshDemoFiles(paths.homeBase, paths.devices, options.homeBase, options.devices);
    return;
  }

  say("setting up the demo network through the API");
  const credentials = readCredentials(settings.dataDir);
  const api = new ApiClient(`http://127.0.0.1:${settings.serverPort}`);
  const network = await createDemoNetwork(api, credentials, systemClock, settings.homeBaseHttpPort).catch((error: unknown) => {
    // An earlier first start that failed after creating the network leaves it without demo files.
    if (error instanceof ApiError && error.code === "NETWORK_EXISTS") {
      throw new Error(`${error.message}; the demo files in ${demoPaths(settings.dataDir).dir} are missing, so empty ${settings.dataDir} to start over`);
    }
    throw error;
  });
  signal.throwIfAborted();
  const paths = writeDemoFiles(settings.dataDir, network, settings);
  say(`demo network ${network.networkId} created; provisioning files in ${paths.dir}`);
}

/**
 * Waits until the central server's device_add commands have filled the home base's registry with the
 * demo devices. The launcher sends no command of its own (registry-wait.ts).
 */
async function awaitDemoRegistry(supervisor: Supervisor, settings: LauncherSettings): Promise<void> {
  const deviceIds = readSimConfig(demoPaths(settings.dataDir).devices).devices.map((device) => device.deviceId);
  await waitForRegistry({
    homeBaseUrl: `http://127.0.0.1:${settings.homeBaseHttpPort}`,
    dashboardToken: ensureDashboardToken(settings.dataDir),
    deviceIds,
    timeoutMs: REGISTRY_READY_TIMEOUT_MS,
    signal: supervisor.stopSignal,
    isRunning: () => supervisor.isRunning("homebase"),
  });
  say(`home base registry: ${deviceIds.length} devices added by the central server's device_add commands`);
}

/** Runs the start-up steps in order; throws on the first that fails or when a stop is requested. */
async function startSystem(supervisor: Supervisor, settings: LauncherSettings): Promise<boolean> {
  const signal = supervisor.stopSignal;
  const firstStart = isFirstStart(settings.dataDir);
  if (firstStart) {
    say(`first start: generating keys and the admin account in ${settings.dataDir}`);
    await runKeygen(REPO_ROOT, settings.dataDir, signal);
  }
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });

  startCentralServer(supervisor, settings);
  await waitForHttpOk(`http://127.0.0.1:${settings.serverPort}/healthz`, {
    timeoutMs: SERVER_READY_TIMEOUT_MS,
    signal,
    isRunning: () => supervisor.isRunning("server"),
  });
  say(`central server ready on port ${settings.serverPort}`);

  await prepareDemo(settings, signal);

  // A link left by an earlier run that was killed would point at a terminal that no longer exists.
  rmSync(radioLinkPath(settings), { force: true });
  startRadioSim(supervisor, settings);
  await waitForPath(radioLinkPath(settings), {
    timeoutMs: RADIO_SIM_READY_TIMEOUT_MS,
    signal,
    isRunning: () => supervisor.isRunning("radio-sim"),
  });
  say(`radio co-processor simulator ready: air on UDP port ${settings.homeBaseUdpPort}, link ${radioLinkPath(settings)}`);

  startHomeBase(supervisor, settings);
  // /healthz needs no token; the status page needs the dashboard token.
  await waitForHttpOk(`http://127.0.0.1:${settings.homeBaseHttpPort}/healthz`, {
    timeoutMs: HOMEBASE_READY_TIMEOUT_MS,
    signal,
    isRunning: () => supervisor.isRunning("homebase"),
  });
  say(`home base ready on port ${settings.homeBaseHttpPort}`);

  await awaitDemoRegistry(supervisor, settings);

  startDeviceSimulator(supervisor, settings);
  return firstStart;
}

async function main(): Promise<number> {
  let settings: LauncherSettings;
  try {
    settings = readSettings(process.env, process.cwd());
  } catch (error) {
    say(`invalid setting: ${(error as Error).message}`);
    return 2;
  }

  // Before anything starts, because another program on these ports would respond to the readiness checks.
  try {
    await assertPortsFree(launcherPorts(settings));
  } catch (error) {
    for (const line of (error as Error).message.split("\n")) say(line);
    return 2;
  }

  const supervisor = new Supervisor();
  forwardTerminationSignals(supervisor);
  // A crash of the launcher itself must not leave the children running in their own process groups.
  process.on("exit", () => supervisor.killAllNow());

  try {
    const firstStart = await startSystem(supervisor, settings);
    const paths = { credentials: credentialsPath(settings.dataDir), devices: demoPaths(settings.dataDir).devices };
    for (const line of summaryLines(settings, paths, firstStart)) say(line);
  } catch (error) {
    if (supervisor.stopping && !supervisor.failure) {
      await supervisor.finished();
      say("stopped during start-up");
      return 0;
    }
    const failure = supervisor.failure;
    const reason = failure ? `${failure.name} exited (code ${failure.code}, signal ${failure.signal})` : (error as Error).message;
    say(`start-up failed: ${reason}`);
    await supervisor.stop("SIGTERM");
    return 1;
  }

  const failure = await supervisor.finished();
  if (failure) {
    say(`stopped because ${failure.name} exited (code ${failure.code}, signal ${failure.signal})`);
    return 1;
  }
  say("all processes stopped");
  return 0;
}

process.exit(await main());
