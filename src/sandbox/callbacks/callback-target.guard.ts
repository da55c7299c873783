import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * Why a callback URL may not be called, or null when it may. Unless private targets are allowed
 * (tests, local development), only public http(s) addresses are reached: the sandbox is open to any
 * partner, and must not become a way to probe the gateway's own network.
 */
export async function callbackTargetProblem(url: string, allowPrivate: boolean): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "callback url is not a valid URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return "callback url must be http or https";
  if (allowPrivate) return null;
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => a.address);
    } catch {
      return `callback host ${host} does not resolve`;
    }
  }
  // The check and the connection resolve separately; a rebinding host could still slip through,
  // which is acceptable for a sandbox that only ever sends the caller's own test data.
  const blocked = addresses.find(isPrivateAddress);
  return blocked === undefined ? null : `callback target ${blocked} is a private address`;
}

/** True for loopback, private, link-local, CGNAT and unspecified addresses (IPv4 and IPv6). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const a = mapped?.[1] ?? address;
  if (isIP(a) === 4) {
    const [x, y] = a.split(".").map(Number) as [number, number];
    return (
      x === 0 ||
      x === 10 ||
      x === 127 ||
      (x === 100 && y >= 64 && y <= 127) ||
      (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) ||
      (x === 192 && y === 168)
    );
  }
  const v6 = a.toLowerCase();
  return v6 === "::" || v6 === "::1" || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6);
}
