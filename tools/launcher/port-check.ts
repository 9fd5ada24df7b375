/**
 * Checks, before `make run` starts anything, that the ports of the central server and the home base
 * are free on 127.0.0.1, by binding each one and releasing it at once. Another program on one of
 * these ports would otherwise respond to the launcher's readiness checks in place of the child.
 *
 * The check and the child's own bind are two steps, so a program that takes the port in between
 * still makes the child fail; the readiness checks then report that the child exited.
 */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import type { LauncherSettings } from "./settings.ts";

export const CHECK_HOST = "127.0.0.1";

export interface PortUse {
  port: number;
  protocol: "tcp" | "udp";
  /** The environment variable that sets this port. */
  variable: string;
  /** The part of homemesh on this port, for the error message. */
  purpose: string;
}

/** Lists the ports `make run` opens: the central server's HTTP port, the home base's HTTP port and the UDP port of the simulated air. */
export function launcherPorts(settings: LauncherSettings): PortUse[] {
  return [
    { port: settings.serverPort, protocol: "tcp", variable: "PORT", purpose: "the central server's HTTP API" },
    { port: settings.homeBaseHttpPort, protocol: "tcp", variable: "HOME_BASE_HTTP_PORT", purpose: "the home base's local HTTP API" },
    { port: settings.homeBaseUdpPort, protocol: "udp", variable: "HOME_BASE_UDP_PORT", purpose: "the simulated air, where radio-sim hears device frames" },
  ];
}

/** Binds TCP `port` on `host` and closes it. Resolves undefined when the bind worked, else the error code. */
function tryTcpBind(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Binds UDP `port` on `host` (without SO_REUSEADDR) and closes it; resolves like tryTcpBind. */
function tryUdpBind(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: "udp4", reuseAddr: false });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve(error.code ?? error.message);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(undefined)));
  });
}

function describeBusyPort(use: PortUse, host: string, code: string): string {
  const problem = code === "EADDRINUSE" ? "is already in use" : `cannot be opened (${code})`;
  const fix = `stop the program that uses it, or choose another port with ${use.variable}, e.g. ${use.variable}=${alternativePort(use.port)} make run`;
  return `${use.protocol} port ${use.port} on ${host} ${problem}; homemesh uses it for ${use.purpose} (${use.variable}); ${fix}`;
}

/** Suggests a port for the error message: ten above `port`, or ten below near the top of the range. */
function alternativePort(port: number): number {
  return port + 10 <= 65535 ? port + 10 : port - 10;
}

/**
 * Tries every port in `uses` on `host` and throws one Error that lists each port that could not be
 * bound, with its variable and how to choose another. Resolves when all are free.
 */
export async function assertPortsFree(uses: PortUse[], host: string = CHECK_HOST): Promise<void> {
  const problems: string[] = [];
  for (const use of uses) {
    const code = use.protocol === "tcp" ? await tryTcpBind(host, use.port) : await tryUdpBind(host, use.port);
    if (code !== undefined) problems.push(describeBusyPort(use, host, code));
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
}
