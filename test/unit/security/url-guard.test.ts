import type { LookupAddress } from "node:dns";
import type { lookup as dnsLookup } from "node:dns/promises";
import { describe, expect, it } from "vitest";
import { BadUserInputError } from "../../../src/errors/index.js";
import { assertPublicHttpUrl, nonPublicRange } from "../../../src/security/url-guard.js";

// The network is closed in tests: every name resolves through this table.
function fakeLookup(table: Record<string, string[]>) {
  const calls: string[] = [];
  const lookup = (async (host: string) => {
    calls.push(host);
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  }) as unknown as typeof dnsLookup;
  return { lookup, calls };
}

async function refusal(url: string, table: Record<string, string[]> = {}, allowPrivate = false) {
  try {
    await assertPublicHttpUrl(url, { lookup: fakeLookup(table).lookup, allowPrivate });
    return null;
  } catch (err) {
    if (!(err instanceof BadUserInputError)) throw err;
    return { code: err.extensions.code, reason: err.extensions.reason, range: err.extensions.range };
  }
}

describe("assertPublicHttpUrl", () => {
  it("accepts an https URL whose every record is public, and returns it parsed", async () => {
    const { lookup, calls } = fakeLookup({ "partner.example": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"] });
    const url = await assertPublicHttpUrl("https://partner.example/hooks/fd?x=1", { lookup });
    expect(url.href).toBe("https://partner.example/hooks/fd?x=1");
    expect(calls).toEqual(["partner.example"]);
  });

  it("refuses malformed URLs and protocols other than http(s)", async () => {
    expect(await refusal("not a url")).toEqual({ code: "BAD_USER_INPUT", reason: "INVALID_URL", range: undefined });
    for (const url of ["ftp://partner.example/", "file:///etc/passwd", "gopher://x/", "javascript:alert(1)"]) {
      expect((await refusal(url))?.reason).toBe("UNSUPPORTED_PROTOCOL");
    }
  });

  it.each([
    ["http://127.0.0.1/", "loopback"],
    ["http://2130706433/", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["http://10.0.0.5/", "private"],
    ["http://172.16.3.4/", "private"],
    ["http://192.168.1.1/", "private"],
    ["http://169.254.169.254/latest/meta-data/", "linkLocal"],
    ["http://100.64.0.1/", "carrierGradeNat"],
    ["http://0.0.0.0/", "unspecified"],
    ["http://224.0.0.1/", "multicast"],
    ["http://[::1]/", "loopback"],
    ["http://[::]/", "unspecified"],
    ["http://[fd12:3456::1]/", "uniqueLocal"],
    ["http://[fe80::1]/", "linkLocal"],
    ["http://[ff02::1]/", "multicast"],
    ["http://[::ffff:10.0.0.1]/", "private"],
    ["http://[::ffff:127.0.0.1]/", "loopback"],
    ["http://[64:ff9b::a00:1]/", "rfc6052"],
  ])("refuses the literal address in %s (%s)", async (url, range) => {
    expect(await refusal(url)).toEqual({ code: "BAD_USER_INPUT", reason: "NON_PUBLIC_ADDRESS", range });
  });

  it("refuses a name resolving to a private address, even when another record is public", async () => {
    const table = { "rebind.example": ["93.184.216.34", "10.1.2.3"], "local.example": ["::ffff:192.168.0.10"] };
    expect((await refusal("https://rebind.example/", table))?.reason).toBe("NON_PUBLIC_ADDRESS");
    expect((await refusal("https://local.example/", table))?.reason).toBe("NON_PUBLIC_ADDRESS");
    expect((await refusal("http://localhost:4000/", { localhost: ["127.0.0.1", "::1"] }))?.reason).toBe(
      "NON_PUBLIC_ADDRESS",
    );
  });

  it("does not echo the resolved address of a name", async () => {
    const res = await refusal("https://intranet.example/", { "intranet.example": ["10.9.8.7"] });
    expect(res?.range).toBeUndefined();
  });

  it("refuses a name that does not resolve", async () => {
    expect((await refusal("https://nowhere.example/"))?.reason).toBe("UNRESOLVABLE");
    expect((await refusal("https://empty.example/", { "empty.example": [] }))?.reason).toBe("UNRESOLVABLE");
  });

  it("allows private targets with allowPrivate, without resolving", async () => {
    const { lookup, calls } = fakeLookup({});
    const url = await assertPublicHttpUrl("http://127.0.0.1:4000/callbacks/x", { allowPrivate: true, lookup });
    expect(url.port).toBe("4000");
    expect(calls).toEqual([]);
    expect((await refusal("ftp://127.0.0.1/", {}, true))?.reason).toBe("UNSUPPORTED_PROTOCOL");
  });

  it("names the input path in fields", async () => {
    const err = await assertPublicHttpUrl("ftp://x/", { path: "input.callbackUrl" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadUserInputError);
    expect((err as BadUserInputError).fields.map((f) => f.path)).toEqual(["input.callbackUrl"]);
  });
});

describe("nonPublicRange", () => {
  it("is null for public addresses and names the range otherwise", () => {
    expect(nonPublicRange("8.8.8.8")).toBeNull();
    expect(nonPublicRange("2001:4860:4860::8888")).toBeNull();
    expect(nonPublicRange("::7f00:1")).not.toBeNull();
    expect(nonPublicRange("not-an-ip")).toBe("invalid");
  });
});
