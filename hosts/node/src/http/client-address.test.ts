import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Context } from "koa";
import { clientAddress, ipv6Groups, throttleAddress } from "./client-address.ts";

/** Builds a Koa context with only what clientAddress reads: the socket's address and the X-Forwarded-For header. */
function fakeContext(remoteAddress: string | undefined, forwardedFor?: string): Context {
  return {
    req: { socket: { remoteAddress } },
    get: (name: string) => (name.toLowerCase() === "x-forwarded-for" ? (forwardedFor ?? "") : ""),
  } as unknown as Context;
}

test("untrusted peer ignores X-Forwarded-For", () => {
  assert.is(clientAddress(fakeContext("203.0.113.9", "198.51.100.1"), []), "203.0.113.9");
  assert.is(clientAddress(fakeContext("203.0.113.9", "198.51.100.1"), ["10.0.0.1"]), "203.0.113.9");
});

test("trusted proxy gives right-most untrusted address", () => {
  const trusted = ["10.0.0.1", "10.0.0.2"];
  assert.is(clientAddress(fakeContext("10.0.0.1", "198.51.100.1, 203.0.113.7, 10.0.0.2"), trusted), "203.0.113.7");
  assert.is(clientAddress(fakeContext("10.0.0.1", "198.51.100.1"), trusted), "198.51.100.1");
});

test("trusted proxy without header gives the proxy", () => {
  assert.is(clientAddress(fakeContext("10.0.0.1"), ["10.0.0.1"]), "10.0.0.1");
  assert.is(clientAddress(fakeContext("10.0.0.1", " , ,"), ["10.0.0.1"]), "10.0.0.1");
  assert.is(clientAddress(fakeContext("10.0.0.1", "10.0.0.1"), ["10.0.0.1"]), "10.0.0.1");
});

test("non-address X-Forwarded-For entry falls back to the proxy", () => {
  assert.is(clientAddress(fakeContext("10.0.0.1", "198.51.100.1, not-an-address"), ["10.0.0.1"]), "10.0.0.1");
  assert.is(clientAddress(fakeContext("10.0.0.1", "x".repeat(5000)), ["10.0.0.1"]), "10.0.0.1");
});

test("IPv4-mapped IPv6 peer is written as IPv4", () => {
  assert.is(clientAddress(fakeContext("::ffff:127.0.0.1"), []), "127.0.0.1");
  assert.is(clientAddress(fakeContext("::ffff:10.0.0.1", "198.51.100.1"), ["10.0.0.1"]), "198.51.100.1");
});

test("missing socket address is null", () => {
  assert.is(clientAddress(fakeContext(undefined), []), null);
});

test("IPv6 groups expand every form", () => {
  assert.equal(ipv6Groups("2001:db8::1"), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
  assert.equal(ipv6Groups("::"), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(ipv6Groups("fe80::1%eth0"), [0xfe80, 0, 0, 0, 0, 0, 0, 1]);
  assert.equal(ipv6Groups("::ffff:192.0.2.1"), [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201]);
  assert.equal(ipv6Groups("1:2:3:4:5:6:7:8"), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.is(ipv6Groups("192.0.2.1"), null);
  assert.is(ipv6Groups("not an address"), null);
});

test("throttle counts IPv6 by /64", () => {
  assert.is(throttleAddress("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  assert.is(throttleAddress("2001:DB8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
  assert.is(throttleAddress("198.51.100.7"), "198.51.100.7");
});

test.run();
