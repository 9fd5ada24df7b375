/**
 * The client's address for logs, session records and login throttling. X-Forwarded-For is trusted
 * only when the direct peer is a trusted proxy (TRUSTED_PROXIES). Each proxy appends the address it
 * received the request from, so the right-most address that is not a trusted proxy is the client.
 */
import { isIP, isIPv6 } from "node:net";
import type { Context } from "koa";

function normalise(address: string): string {
  return address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
}

/**
 * Returns the client address of a request. When the peer is a trusted proxy, the right-most
 * X-Forwarded-For entry that is not a trusted proxy is returned. An entry there that is not an IP
 * address cannot have come from a proper proxy, so the peer's own address is returned instead.
 */
export function clientAddress(ctx: Context, trustedProxies: readonly string[]): string | null {
  const trusted = trustedProxies.map(normalise);
  const peer = ctx.req.socket.remoteAddress ? normalise(ctx.req.socket.remoteAddress) : null;
  if (peer === null || !trusted.includes(peer)) return peer;

  const forwarded = ctx.get("x-forwarded-for").split(",").map(normalise).filter((address) => address.length > 0);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = forwarded[i]!;
    if (trusted.includes(address)) continue;
    return isIP(address) === 0 ? peer : address;
  }
  return peer;
}

/** Expands an IPv6 address into its eight 16-bit groups; returns null when it is not IPv6. */
export function ipv6Groups(address: string): number[] | null {
  const bare = address.split("%")[0]!;
  if (!isIPv6(bare)) return null;

  // A trailing dotted IPv4 part (::ffff:1.2.3.4) stands for the last two groups.
  let text = bare;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, dotted.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }

  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * Returns the key that login throttling counts failures under for a client address. An IPv6
 * client is counted by its /64 prefix, because one home or host usually gets a whole /64 and could
 * otherwise change address for every attempt. Any other value is used as it is.
 */
export function throttleAddress(address: string): string {
  const groups = ipv6Groups(address);
  if (groups === null) return address;
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(":")}::/64`;
}
