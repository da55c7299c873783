import { lookup as dnsLookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { BadUserInputError } from "../errors/index.js";

/** Why a URL was refused, in `extensions.reason`. */
export type UnsafeUrlReason = "INVALID_URL" | "UNSUPPORTED_PROTOCOL" | "UNRESOLVABLE" | "NON_PUBLIC_ADDRESS";

/** BAD_USER_INPUT for a URL the gateway will not call, with `extensions.reason` (and `range` for IP literals). */
export class UnsafeUrlError extends BadUserInputError {
  constructor(
    readonly reason: UnsafeUrlReason,
    path: string,
    message: string,
    range?: string,
  ) {
    super(`${path}: ${message}`, [{ path, message }]);
    // BadUserInputError fixes its extensions to { fields, code }; the reason rides along for clients
    // (and tests) that branch on it.
    Object.assign(this.extensions, { reason, ...(range !== undefined ? { range } : {}) });
  }
}

/**
 * The ipaddr.js range of an address when it is not publicly routable, else null. Only `unicast` (the
 * library's name for "none of the special ranges") passes: loopback, private, link-local, CGNAT,
 * multicast, unspecified, reserved, and the IPv6 ranges that embed IPv4 addresses (NAT64, 6to4,
 * Teredo), through which a private IPv4 address could be reached, are all refused.
 */
export function nonPublicRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return "invalid";
  // process() turns IPv4-mapped IPv6 (::ffff:10.0.0.1) into the IPv4 address it stands for.
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range !== "unicast") return range;
  // IPv4-compatible addresses (::a.b.c.d, deprecated) are classified "unicast" by the library.
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return "ipv4Compatible";
  return null;
}

/**
 * Parses `url` and checks it is safe for the gateway to call: http(s) only and, unless
 * `allowPrivate`, every A/AAAA record of its host publicly routable. Throws UnsafeUrlError
 * (BAD_USER_INPUT). The check resolves the name separately from the later connection: callers that
 * must resist DNS rebinding pin the connection to the addresses checked here.
 */
export async function assertPublicHttpUrl(
  url: string,
  opts: { allowPrivate?: boolean; lookup?: typeof dnsLookup; path?: string } = {},
): Promise<URL> {
  const path = opts.path ?? "url";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError("INVALID_URL", path, `expected an absolute http(s) URL, got ${JSON.stringify(String(url).slice(0, 200))}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UnsafeUrlError("UNSUPPORTED_PROTOCOL", path, `expected an http or https URL, got ${parsed.protocol}`);
  }
  if (opts.allowPrivate) return parsed;

  // WHATWG URL has already normalised numeric hosts (http://2130706433/ → 127.0.0.1).
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) {
    const range = nonPublicRange(host);
    if (range !== null) throw new UnsafeUrlError("NON_PUBLIC_ADDRESS", path, `${host} is not a public address (${range})`, range);
    return parsed;
  }

  const lookup = opts.lookup ?? dnsLookup;
  let addresses: string[];
  try {
    addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) throw new UnsafeUrlError("UNRESOLVABLE", path, `host ${host} does not resolve`);
  // Every record must be public: a client connecting later may pick any of them. The address and its
  // range are not echoed back, so the check cannot be used to map the gateway's internal DNS.
  if (addresses.some((a) => nonPublicRange(a) !== null)) {
    throw new UnsafeUrlError("NON_PUBLIC_ADDRESS", path, `host ${host} resolves to an address that is not public`);
  }
  return parsed;
}
