import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
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

/** A URL with the addresses it was checked against: connect there and nowhere else. */
export interface PinnedTarget {
  url: URL;
  /** Every address the check saw (an IP literal's own address); never empty. */
  addresses: { address: string; family: 4 | 6 }[];
}

function familyOf(address: string): 4 | 6 {
  return ipaddr.parse(address).kind() === "ipv6" ? 6 : 4;
}

/**
 * assertPublicHttpUrl, resolving the host once and returning the addresses it checked, for
 * callers that connect with pinnedLookup: the connection then goes to an address that passed the
 * check, never to what a second DNS answer says (DNS rebinding). With `allowPrivate` the host is
 * still resolved (and pinned), only not checked.
 */
export async function resolvePublicTarget(
  url: string,
  opts: { allowPrivate?: boolean; lookup?: typeof dnsLookup; path?: string } = {},
): Promise<PinnedTarget> {
  const path = opts.path ?? "url";
  const lookup = opts.lookup ?? dnsLookup;
  const seen: string[] = [];
  // The guard's own lookup is the one resolution: it records what it returned.
  const recording = (async (host: string, o: unknown) => {
    const answers = await lookup(host, o as never);
    const list = (Array.isArray(answers) ? answers : [answers]) as { address: string }[];
    seen.push(...list.map((a) => a.address));
    return answers;
  }) as unknown as typeof dnsLookup;
  const parsed = await assertPublicHttpUrl(url, { ...opts, lookup: recording, path });
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  if (ipaddr.isValid(host)) return { url: parsed, addresses: [{ address: host, family: familyOf(host) }] };
  if (seen.length === 0) {
    // allowPrivate skips the guard's resolution: resolve here, once, all the same.
    try {
      await recording(host, { all: true, verbatim: true } as never);
    } catch {
      // an unresolvable host is reported below
    }
  }
  const addresses = seen.filter((a) => ipaddr.isValid(a)).map((address) => ({ address, family: familyOf(address) }));
  if (addresses.length === 0) throw new UnsafeUrlError("UNRESOLVABLE", path, `host ${host} does not resolve`);
  return { url: parsed, addresses };
}

/**
 * A `lookup` for http.request/https.request that answers with the pinned addresses instead of
 * asking DNS again. The request keeps the URL's host name, so the Host header, TLS SNI and
 * certificate check are those of the name.
 */
export function pinnedLookup(addresses: PinnedTarget["addresses"]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = typeof options === "object" && options !== null ? options.family : undefined;
    const fitting = addresses.filter((a) => wanted === undefined || wanted === 0 || a.family === wanted);
    const list = fitting.length > 0 ? fitting : addresses;
    if (typeof options === "object" && options !== null && options.all) {
      (callback as unknown as (err: null, all: { address: string; family: number }[]) => void)(null, list);
    } else callback(null, list[0]!.address, list[0]!.family);
  };
}
