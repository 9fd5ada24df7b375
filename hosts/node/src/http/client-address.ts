/**
 * The client's address for logs and session records. X-Forwarded-For is trusted only when the
 * direct peer is a trusted proxy (TRUSTED_PROXIES). Each proxy appends the address it received
 * the request from, so the right-most address that is not a trusted proxy is the client.
 */
import type { Context } from "koa";

function normalise(address: string): string {
  return address.trim().replace(/^::ffff:/, "");
}

export function clientAddress(ctx: Context, trustedProxies: readonly string[]): string | null {
  const peer = ctx.req.socket.remoteAddress ? normalise(ctx.req.socket.remoteAddress) : null;
  if (peer === null || !trustedProxies.includes(peer)) return peer;

  const forwarded = ctx.get("x-forwarded-for").split(",").map(normalise).filter((address) => address.length > 0);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = forwarded[i]!;
    if (!trustedProxies.includes(address)) return address;
  }
  return peer;
}
