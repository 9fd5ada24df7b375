/**
 * Test servers listen on 127.0.0.1 at a random port from 18000 to 18999, so parallel test runs on one
 * machine rarely collide. A port in use is retried with another.
 */
import type { Socket } from "node:dgram";
import type { Server } from "node:net";

function randomTestPort(): number {
  return 18000 + Math.floor(Math.random() * 1000);
}

export async function listenOnTestPort(server: Server): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = randomTestPort();
    const listening = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(false) : reject(error));
      server.once("error", onError);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", onError);
        resolve(true);
      });
    });
    if (listening) return port;
  }
  throw new Error("no free test port from 18000 to 18999 after 20 attempts");
}

/** Binds the UDP `socket` on 127.0.0.1 like listenOnTestPort and returns the port. */
export async function bindUdpOnTestPort(socket: Socket): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = randomTestPort();
    const bound = await new Promise<boolean>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(false) : reject(error));
      socket.once("error", onError);
      socket.bind(port, "127.0.0.1", () => {
        socket.off("error", onError);
        resolve(true);
      });
    });
    if (bound) return port;
  }
  throw new Error("no free udp test port from 18000 to 18999 after 20 attempts");
}
