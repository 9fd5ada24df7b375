/**
 * Test servers listen on 127.0.0.1 at a random port from 18000 to 18999, so parallel test runs on one
 * machine rarely collide. A port in use is retried with another.
 */
import type { Server } from "node:http";

export async function listenOnTestPort(server: Server): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = 18000 + Math.floor(Math.random() * 1000);
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
