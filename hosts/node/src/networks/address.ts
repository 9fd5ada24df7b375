/**
 * The home base's address as a network records it: an IPv4 or IPv6 literal, or a DNS host name of
 * RFC 1123 labels of 1 to 63 characters, at most 253 in all. Underscores are allowed because some
 * LAN resolvers hand them out. The server builds the delivery URL from it, so anything else is
 * rejected before it is stored.
 */
import { isIP } from "node:net";
import { invalid, rejectUnknownFields, requireInteger, requireString } from "../http/validate.ts";

/** A DNS name is at most 253 characters (RFC 1035); an IP address literal is shorter. */
export const HOST_MAX_CHARS = 253;
const LABEL = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

export interface HomeBaseAddress {
  host: string;
  port: number;
}

/** Tells whether `host` is an IP literal or a host name whose last label is not all digits. */
export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  if (host.length > HOST_MAX_CHARS) return false;

  const labels = host.split(".");
  if (!labels.every((label) => LABEL.test(label))) return false;
  // "10.0.0.300" is neither an IPv4 address nor a host name.
  return !/^[0-9]+$/.test(labels[labels.length - 1]!);
}

/** Reads `home_base` {host, port} from `body`; throws VALIDATION_FAILED naming the field. */
export function parseHomeBaseAddress(homeBase: Record<string, unknown>, prefix = "home_base."): HomeBaseAddress {
  rejectUnknownFields(homeBase, ["host", "port"], prefix);
  const host = requireString(homeBase, "host", 1, HOST_MAX_CHARS, `${prefix}host`);
  if (!isValidHost(host)) throw invalid(`${prefix}host`, `${prefix}host ${JSON.stringify(host)} must be an IPv4 or IPv6 address or a host name`);
  const port = requireInteger(homeBase, "port", 1, 65535, `${prefix}port`);
  return { host, port };
}
