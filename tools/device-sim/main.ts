/**
 * The device simulator: sends the frames of every device in devices.json over UDP to the home base,
 * on the schedule of sim.ts, until SIGINT or SIGTERM.
 */
import { createSocket } from "node:dgram";
import { systemClock } from "../../hosts/node/src/clock.ts";
import { createLogger } from "../../hosts/node/src/logger.ts";
import { parseCliOptions, USAGE } from "./cli-options.ts";
import { readSimConfig } from "./config.ts";
import { DeviceSimulator } from "./sim.ts";

// Timers fire at most this late after a frame is due; it also bounds the wait after a clock jump.
const MAX_TIMER_WAIT_MS = 1000;

function main(): void {
  // No name in the lines: the launcher already prefixes them with [device-sim].
  const log = createLogger();

  let options;
  try {
    options = parseCliOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === null) {
    process.stdout.write(USAGE + "\n");
    return;
  }

  const config = readSimConfig(options.configPath);
  const sim = new DeviceSimulator(config, { ...options, clock: systemClock });
  const socket = createSocket("udp4");
  socket.on("error", (error) => log.error("udp socket failed", { error }));
  log.info("device simulator started", {
    devices: config.devices.length,
    target: `${config.homeBase.host}:${config.homeBase.udpPort}`,
    seed: options.seed,
  });

  // Beacons and commands relayed by the home base arrive on the same socket. Each simulated device
  // answers the commands addressed to it.
  socket.on("message", (message) => {
    if (sim.takeBeacon(message)) return;
    const ack = sim.acknowledge(message);
    if (ack === null) return;
    socket.send(ack.bytes, config.homeBase.udpPort, config.homeBase.host, (error) => {
      if (error) log.warn("acknowledgement send failed", { device: ack.deviceId, seq: ack.seq, error });
    });
    log.info("command acknowledged", { device: ack.deviceId, seq: ack.seq });
  });

  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    for (const frame of sim.tick()) {
      socket.send(frame.bytes, config.homeBase.udpPort, config.homeBase.host, (error) => {
        if (error) log.warn("frame send failed", { type: frame.type, device: frame.deviceId, seq: frame.seq, error });
      });
      // Chunks are many and carry no event of their own; the manifest's line names the whole still.
      if (frame.type === "chunk") continue;
      if (frame.media) log.info("media sent", { device: frame.deviceId, content: frame.media.contentId, size: frame.media.size, sha256: frame.media.sha256 });
      log.info("frame sent", { type: frame.type, device: frame.deviceId, seq: frame.seq, timestamp: frame.timestamp });
    }
    const waitMs = Math.min(MAX_TIMER_WAIT_MS, Math.max(0, sim.nextDueMs() - systemClock.nowMs()));
    timer = setTimeout(step, waitMs);
  };
  step();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearTimeout(timer);
    socket.close(() => log.info("device simulator stopped", { signal }));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

try {
  main();
} catch (error) {
  process.stderr.write(`device simulator failed: ${(error as Error).message}\n`);
  process.exit(1);
}
